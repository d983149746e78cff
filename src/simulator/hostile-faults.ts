/**
 * Hostile-target fault profiles: a device that answers with CBOR bombs or oversize datagrams,
 * floods its serial line with garbage, resets on its own, hangs or exits in the middle of an image
 * upload, or disappears (UDP port and pseudo-terminal closed), and one whose self-description
 * carries HTML and Markdown. They test the harness, not a rule of the protocol: the run must end
 * in time, judge every case and keep its reports intact.
 * @see docs/spec/smp.md §1.7 (CBOR bodies), §4.1 (UDP), §4.2 (serial framing)
 */
import { CborWriter } from '../codec/cbor/writer.ts';
import { concatBytes } from '../core/bytes.ts';
import { MgmtGroup, SMP_HEADER_BYTES, SmpOp } from '../codec/smp/constants.ts';
import { ImgCmd } from '../codec/smp/groups/img.ts';
import { OsCmd } from '../codec/smp/groups/os.ts';
import type { SmpHeader } from '../codec/smp/header.ts';
import type { SimDevice } from './device.ts';
import type { HandlerResult } from './types.ts';

/** Largest UDP payload over IPv4 (65535 − 8 − 20). */
const MAX_UDP_PAYLOAD_BYTES = 65_507;
/** How long a device reset by `reset-mid-suite` stays deaf while it boots. */
export const HOSTILE_REBOOT_MS = 1500;

function isEchoReply(request: SmpHeader, result: HandlerResult): boolean {
  return result.kind === 'ok' && request.group === MgmtGroup.OS && request.id === OsCmd.ECHO;
}

/**
 * `cbor-bomb-length` and `cbor-bomb-depth`: the body of an echo reply, or undefined. The length
 * bomb claims 2^64−1 map entries and a 2^64−1-byte "r" (then carries the echoed text); the depth
 * bomb wraps "r" in `depth` one-element arrays.
 */
export function bombBody(device: SimDevice, request: SmpHeader, result: HandlerResult): Uint8Array | undefined {
  if (!isEchoReply(request, result) || result.kind !== 'ok') return undefined;
  const r = typeof result.body['r'] === 'string' ? result.body['r'] : '';
  const text = new TextEncoder().encode(r);
  if (device.faults.has('cbor-bomb-length')) {
    const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    return Uint8Array.from([0xbb, ...huge, 0x61, 0x72, 0x7b, ...huge, ...text]);
  }
  const depth = device.faults.param('cbor-bomb-depth');
  if (depth === undefined) return undefined;
  const w = new CborWriter().mapHeader(1).text('r');
  for (let i = 0; i < depth; i++) w.arrayHeader(1);
  return w.text(r).toBytes();
}

/** `oversize-datagram`: an echo reply padded with zero bytes to the profile's size; other packets as they are. */
export function oversizeDatagram(device: SimDevice, packet: Uint8Array): Uint8Array {
  const size = device.faults.param('oversize-datagram');
  if (size === undefined || packet.length < SMP_HEADER_BYTES || packet.length >= size) return packet;
  const group = (packet[4]! << 8) | packet[5]!;
  if (group !== MgmtGroup.OS || packet[7] !== OsCmd.ECHO) return packet;
  const out = new Uint8Array(Math.min(size, MAX_UDP_PAYLOAD_BYTES));
  out.set(packet);
  return out;
}

/** A small deterministic generator (xorshift32), so a garbage burst is the same on every run. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const bursts = new WeakMap<SimDevice, number>();

/**
 * `serial-garbage-flood`: the bytes written after a reply: random bytes (NUL, 0xff, invalid
 * UTF-8), frame starts (06 09) and continuations (04 14) with broken base64 or a length field
 * claiming 65535 bytes, and one line far longer than any receive buffer. Ends with a newline, so
 * the next frame starts a line, as it does after a console log line.
 */
export function garbageBurst(device: SimDevice): Uint8Array | undefined {
  const bytes = device.faults.param('serial-garbage-flood');
  if (bytes === undefined || bytes === 0) return undefined;
  const n = (bursts.get(device) ?? 0) + 1;
  bursts.set(device, n);
  const next = xorshift(0x9e3779b9 ^ n);
  const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
  const pieces: number[][] = [
    [0x06, 0x09, ...ascii('//8=\n')], // a start line whose length field claims 65535 bytes
    [0x04, 0x14, ...ascii('AAAA\n')], // a continuation without a packet
    [0x06, 0x09, ...ascii('#not base64!\n')],
  ];
  const out: number[] = [];
  while (out.length < bytes) {
    const pick = next() % 8;
    if (pick < pieces.length) out.push(...pieces[pick]!);
    else if (pick === 3) out.push(...new Array<number>(Math.min(3000, bytes)).fill(0x41), 0x0a);
    else for (let i = next() % 200; i > 0; i--) out.push(next() & 0xff);
  }
  out.push(0x0a);
  return Uint8Array.from(out);
}

/** What the device does with one request buffer before dispatching it. */
export type HostileAction = 'process' | 'drop';

interface HostileState {
  requests: number;
  uploadChunks: number;
  deafUntilMs: number;
  isHung: boolean;
  hasReset: boolean;
}

const states = new WeakMap<SimDevice, HostileState>();
const goneListeners = new WeakMap<SimDevice, (reason: 'vanish' | 'exit') => void>();

/**
 * Register what makes the device disappear (close its endpoints; in `mgmt-conformance sim`, also
 * exit the process). Called by the simulator's start-up.
 */
export function onDeviceGone(device: SimDevice, listener: (reason: 'vanish' | 'exit') => void): void {
  goneListeners.set(device, listener);
}

function isUploadChunk(buffer: Uint8Array): boolean {
  if (buffer.length < SMP_HEADER_BYTES) return false;
  return (buffer[0]! & 0x07) === SmpOp.WRITE && ((buffer[4]! << 8) | buffer[5]!) === MgmtGroup.IMAGE && buffer[7] === ImgCmd.UPLOAD;
}

function gone(device: SimDevice, state: HostileState, reason: 'vanish' | 'exit'): HostileAction {
  state.isHung = true;
  if (reason === 'exit') device.log('<err> os: >>> ZEPHYR FATAL ERROR 0: CPU exception on CPU 0');
  const listener = goneListeners.get(device);
  // After the reply to the request being dropped would have gone: the endpoints close from a fresh task.
  if (listener !== undefined) setImmediate(() => listener(reason));
  return 'drop';
}

/**
 * `reset-mid-suite`, `vanish-after-requests`, `hang-mid-upload`, `exit-mid-upload`: count the
 * request and say whether the device still processes it. Returns `process` at once when none of
 * them is on.
 */
export function hostileRequestAction(device: SimDevice, buffer: Uint8Array, nowMs: number): HostileAction {
  const f = device.faults;
  const resetAt = f.param('reset-mid-suite');
  const vanishAfter = f.param('vanish-after-requests');
  const hangAfter = f.param('hang-mid-upload');
  const exitAfter = f.param('exit-mid-upload');
  if (resetAt === undefined && vanishAfter === undefined && hangAfter === undefined && exitAfter === undefined) return 'process';
  const state = states.get(device) ?? { requests: 0, uploadChunks: 0, deafUntilMs: 0, isHung: false, hasReset: false };
  states.set(device, state);
  if (state.isHung) return 'drop';
  state.requests++;
  if (vanishAfter !== undefined && state.requests > vanishAfter) return gone(device, state, 'vanish');
  if (isUploadChunk(buffer)) {
    state.uploadChunks++;
    if (hangAfter !== undefined && state.uploadChunks > hangAfter) {
      state.isHung = true;
      return 'drop';
    }
    if (exitAfter !== undefined && state.uploadChunks > exitAfter) return gone(device, state, 'exit');
  }
  if (resetAt !== undefined && !state.hasReset && state.requests > resetAt) {
    state.hasReset = true;
    state.deafUntilMs = nowMs + HOSTILE_REBOOT_MS;
    device.log('<err> os: watchdog: resetting');
    device.reboot();
  }
  return nowMs < state.deafUntilMs ? 'drop' : 'process';
}

/** `os-info-script`: device strings carrying markup, in place of the conforming ones. */
export const MARKUP_STRINGS = {
  kernel: 'Zephyr<script>alert(1)</script>',
  node: '<img src=x onerror=alert(2)>',
  release: '**bold**_[link](javascript:alert(3))',
  version: '4.0.0&amp;</td></tr><tr><td>x',
  machine: 'posix"\'><b>x</b>',
  platform: 'native_sim|pipe|`code`',
  bootloader: 'MCUboot</title><script>alert(4)</script>',
  shellLine: '<script>alert(5)</script> | # heading',
} as const;
