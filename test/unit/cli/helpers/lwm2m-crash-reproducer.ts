/**
 * The LwM2M reproducer the replay tests send: two harmless reads, then a CoAP option with the
 * reserved delta nibble 15 that the crash fixtures (test/fixtures/process-target/
 * lwm2m-malformed-crash.mjs, lwm2m-dtls-malformed-crash.ts) die on.
 */
import { writeFileSync } from 'node:fs';

const token = [0xa1, 0xb2, 0xc3, 0xd4];
/** CON GET with message id `mid` and the given option bytes (RFC 7252 §3). */
const get = (mid: number, options: number[]): string => Buffer.from([0x44, 0x01, mid >> 8, mid & 0xff, ...token, ...options]).toString('hex');
const READ_MANUFACTURER = get(0x1234, [0xb1, 0x33, 0x01, 0x30, 0x01, 0x30]);
const READ_SERVER = get(0x1235, [0xb1, 0x31, 0x01, 0x30]);
/** Uri-Path "3", then an option byte with the reserved delta nibble 15 that is not the payload marker. */
export const RESERVED_NIBBLE = get(0x1236, [0xb1, 0x33, 0xf0]);

/** Write the reproducer (case LWM2M-TEST-001 on target `crashy`) to `path`. */
export function writeLwm2mCrashReproducer(path: string): void {
  const lines = [
    { kind: 'mgmt-conformance-reproducer', version: 1, protocol: 'lwm2m', caseId: 'LWM2M-TEST-001', target: 'crashy', cause: 'process exited with status 3' },
    { hex: READ_MANUFACTURER, framed: true, gapMs: 0 },
    { hex: READ_SERVER, framed: true, gapMs: 5 },
    { hex: RESERVED_NIBBLE, framed: true, gapMs: 5 },
  ];
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}
