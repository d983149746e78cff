/**
 * The header, request-body, buffer and serial-receive fault profiles (dispatch-faults.ts,
 * serial-faults.ts), shown on the wire: each check holds with its profile on and fails against a
 * conforming simulator.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/core/bytes.ts';
import { encodeSerialFrameLinesUnchecked } from '../../../src/codec/smp/serial-framing-unchecked.ts';
import { encodeSerialFrameLines } from '../../../src/codec/smp/serial-framing.ts';
import { startSimulator } from '../../../src/simulator/index.ts';
import { body, header, rawReq, req, SimLink } from './sim-link.ts';

const R = 0;
const W = 2;
const echo = (d: string, options: { seq?: number; version?: number } = {}): Uint8Array => req(W, 0, 0, { d }, options);
/** An echo packet of exactly `bytes` bytes (text head of 2 bytes below 256 characters, 3 above). */
const echoOfSize = (bytes: number): Uint8Array => echo('x'.repeat(bytes - 8 - 3 - (bytes - 11 > 255 + 3 ? 3 : 2)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

type Check = (link: SimLink) => Promise<void>;

const CHECKS: Record<string, { check: Check; serial?: boolean }> = {
  'seq-7-bit': { check: async (l) => expect(header(await l.ask(echo('a', { seq: 200 }))).seq).toBe(72) },
  'replay-cache-by-seq': {
    check: async (l) => {
      await l.ask(echo('first', { seq: 9 }));
      expect(body(await l.ask(echo('second', { seq: 9 })))).toEqual({ r: 'first' });
    },
  },
  'error-rsp-op-unchanged': { check: async (l) => expect(header(await l.ask(req(R, 40, 0))).op).toBe(R) },
  'undefined-op-accepted': { check: async (l) => expect(body(await l.ask(req(5, 0, 0, { d: 'op5' })))).toEqual({ r: 'op5' }) },
  'reserved-version-accepted': { check: async (l) => expect(body(await l.ask(req(R, 0, 6, {}, { version: 2 })))).toHaveProperty('buf_size') },
  'v1-reply-as-v2': { check: async (l) => expect(header(await l.ask(echo('v1', { version: 0 }))).version).toBe(1) },
  'header-bits-echoed': {
    check: async (l) => {
      const p = echo('bits');
      p[0] = p[0]! | 0xe0;
      p[1] = 0x5a;
      const h = header(await l.ask(p));
      expect([h.reserved, h.flags]).toEqual([7, 0x5a]);
    },
  },
  'short-packet-answered': { check: async (l) => expect(await l.collect(Uint8Array.of(0x0a, 0, 0), 300)).toHaveLength(1) },
  'unknown-command-ok': { check: async (l) => expect(body(await l.ask(req(R, 0, 3)))).toEqual({}) },
  'op-ignored-in-lookup': { check: async (l) => expect(body(await l.ask(req(W, 0, 2)))).toHaveProperty('tasks') },
  'single-request-per-packet': { check: async (l) => expect(await l.collect(concatBytes(echo('a', { seq: 1 }), echo('b', { seq: 2 })), 300)).toHaveLength(1) },
  'reject-indefinite-maps': {
    check: async (l) => expect(body(await l.ask(rawReq(W, 0, 0, Uint8Array.of(0xbf, 0x61, 0x64, 0x61, 0x61, 0xff))))).toEqual({ rc: 3 }),
  },
  'strict-request-keys': { check: async (l) => expect(body(await l.ask(req(W, 0, 0, { d: 'a', extra: 1 })))).toEqual({ rc: 3 }) },
  'rx-buffer-off-by-one': { check: async (l) => expect(body(await l.ask(echoOfSize(1500)))).toEqual({ rc: 9 }) },
  'serial-framing-errors-answered': {
    serial: true,
    check: async (l) => expect(await l.collect(concatBytes(...encodeSerialFrameLinesUnchecked(echo('crc'), { crc: 0 })), 300, { raw: true })).toHaveLength(1),
  },
  'serial-multi-line-dropped': { serial: true, check: async (l) => expect(await l.ask(echo('m'.repeat(150)), 400)).toBeUndefined() },
  'serial-line-limit-126': {
    serial: true,
    check: async (l) => {
      const lines = encodeSerialFrameLines(echoOfSize(88), { style: 'zephyr' });
      expect(lines.map((x) => x.length)).toEqual([127]);
      expect(await l.collect(lines[0]!, 400, { raw: true })).toEqual([]);
    },
  },
  'serial-console-breaks-packet': {
    serial: true,
    check: async (l) => {
      const [first, ...rest] = encodeSerialFrameLines(echo('c'.repeat(150)), { style: 'zephyr' });
      expect(await l.collect(concatBytes(first!, text('<inf> log line\n'), ...rest), 400, { raw: true })).toEqual([]);
    },
  },
  'serial-crlf-rejected': {
    serial: true,
    check: async (l) => {
      const line = encodeSerialFrameLines(echo('crlf'))[0]!;
      expect(await l.collect(concatBytes(line.subarray(0, line.length - 1), text('\r\n')), 400, { raw: true })).toEqual([]);
    },
  },
  // An echo request of 90 bytes draws a 91-byte reply (zcbor's indefinite map is one byte longer).
  'serial-crc-missing-at-91': { serial: true, check: async (l) => expect(await l.ask(echoOfSize(90), 400)).toBeUndefined() },
  'serial-long-reply-bad-crc': { serial: true, check: async (l) => expect(await l.ask(echo('k'.repeat(120)), 400)).toBeUndefined() },
  'serial-long-reply-length-without-crc': { serial: true, check: async (l) => expect(await l.ask(echo('k'.repeat(120)), 400)).toBeUndefined() },
  'serial-oversize-accepted': { serial: true, check: async (l) => expect(await l.collect(echoOfSize(2049), 600)).toHaveLength(1) },
  'echo-duplicate-key': {
    check: async (l) => {
      const packet = await l.ask(echo('grüß'));
      // {_ "r": "gr??", "r": "grüß"}: the exact bytes, since a plain decoder merges the two keys.
      expect(Buffer.from(packet?.subarray(8) ?? []).toString('hex')).toBe('bf' + '6172' + '6467723f3f' + '6172' + '666772c3bcc39f' + 'ff');
      expect(header(packet).length).toBe((packet?.length ?? 0) - 8);
      // ASCII text is echoed as usual, so liveness and readiness checks are untouched.
      expect(body(await l.ask(echo('plain')))).toEqual({ r: 'plain' });
    },
  },
};

describe('dispatcher and serial receive fault profiles', () => {
  it.each(Object.keys(CHECKS))('%s: effect visible on the wire; the same exchange conforms without it', async (name) => {
    const entry = CHECKS[name]!;
    for (const faults of [[name], []]) {
      const sim = await startSimulator({ udp: { port: 0 }, serial: entry.serial === true, consoleText: false, faults });
      const link = entry.serial === true ? await SimLink.serial(sim) : await SimLink.udp(sim);
      try {
        if (faults.length > 0) await entry.check(link);
        else await expect(entry.check(link)).rejects.toThrow();
      } finally {
        await link.close();
        await sim.stop();
      }
    }
  }, 15_000);
});
