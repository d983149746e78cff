/**
 * Option value forms: uint (minimal big-endian, zero = no bytes, RFC 7252 §3.2), strings
 * (UTF-8), Block1/Block2 (RFC 7959 §2.2) and Observe (RFC 7641 §2).
 * @see docs/spec/lwm2m.md §1.5, §1.8, §1.9
 */
import { err, ok, type Result } from '../../core/result.ts';

/** Minimal big-endian bytes of a uint up to 2^32 − 1; 0 is the empty value. */
export function encodeUintValue(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`uint option value ${n} out of 0-4294967295`);
  if (n === 0) return new Uint8Array(0);
  const len = n < 0x100 ? 1 : n < 0x1_0000 ? 2 : n < 0x100_0000 ? 3 : 4;
  const out = new Uint8Array(len);
  for (let i = len - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

/**
 * The uint an option value holds. Leading zero bytes are tolerated (RFC 7252 §3.2 says a
 * sender SHOULD NOT send them); more than 4 bytes is refused.
 */
export function decodeUintValue(bytes: Uint8Array): Result<number, string> {
  if (bytes.length > 4) return err(`uint option value of ${bytes.length} bytes (at most 4)`);
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return ok(v);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of a string option value. */
export function encodeStringValue(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Text of a string option value (invalid UTF-8 becomes U+FFFD). */
export function decodeStringValue(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** A Block1/Block2 value. `size` = 2^(szx+4). */
export interface BlockValue {
  num: number;
  more: boolean;
  szx: number;
}

/** Largest block number a 3-byte option can carry. */
export const MAX_BLOCK_NUM = 0xf_ffff;

/** Block size of an SZX: 0 → 16 … 6 → 1024. */
export function blockSize(szx: number): number {
  return 1 << (szx + 4);
}

/** SZX of a power-of-two size 16..1024, or undefined. */
export function szxForSize(size: number): number | undefined {
  const szx = Math.log2(size) - 4;
  return Number.isInteger(szx) && szx >= 0 && szx <= 6 ? szx : undefined;
}

/** Encode a Block option (NUM << 4 | M << 3 | SZX), minimal length. SZX 7 is refused. */
export function encodeBlockValue(b: BlockValue): Uint8Array {
  if (!Number.isInteger(b.num) || b.num < 0 || b.num > MAX_BLOCK_NUM) throw new RangeError(`block NUM ${b.num} out of 0-${MAX_BLOCK_NUM}`);
  if (!Number.isInteger(b.szx) || b.szx < 0 || b.szx > 6) throw new RangeError(`block SZX ${b.szx} out of 0-6`);
  return encodeUintValue(b.num * 16 + (b.more ? 8 : 0) + b.szx);
}

/**
 * Decode a Block option. SZX 7 is an error: RFC 7959 §2.2 reserves it, and RFC 8323 §6 gives
 * it the BERT meaning only on reliable transports (TCP/WebSockets), never on UDP.
 */
export function decodeBlockValue(bytes: Uint8Array): Result<BlockValue, string> {
  if (bytes.length > 3) return err(`block option value of ${bytes.length} bytes (at most 3)`);
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  const szx = v & 7;
  if (szx === 7) return err('block SZX 7 is reserved on UDP (RFC 7959 §2.2; BERT is TCP-only, RFC 8323 §6)');
  return ok({ num: v >> 4, more: (v & 8) !== 0, szx });
}

/** Observe registration values in a request (RFC 7641 §2). */
export const ObserveAction = { REGISTER: 0, DEREGISTER: 1 } as const;

/** Largest Observe sequence number (24 bits). */
export const MAX_OBSERVE_SEQ = 0xff_ffff;

/** Encode an Observe value (0-3 bytes). */
export function encodeObserveValue(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > MAX_OBSERVE_SEQ) throw new RangeError(`Observe value ${n} out of 0-${MAX_OBSERVE_SEQ}`);
  return encodeUintValue(n);
}

/** Decode an Observe value; more than 3 bytes is refused. */
export function decodeObserveValue(bytes: Uint8Array): Result<number, string> {
  if (bytes.length > 3) return err(`Observe value of ${bytes.length} bytes (at most 3)`);
  return decodeUintValue(bytes);
}

/**
 * RFC 7641 §3.4 freshness: is notification `v2` (received now) newer than `v1` (received
 * `elapsedMs` earlier)? Wraps at 2^24; anything after 128 s counts as newer.
 */
export function isNewerObserve(v1: number, v2: number, elapsedMs: number): boolean {
  const half = 1 << 23;
  return (v1 < v2 && v2 - v1 < half) || (v1 > v2 && v1 - v2 > half) || elapsedMs > 128_000;
}
