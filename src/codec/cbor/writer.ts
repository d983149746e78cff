/**
 * A hand-written CBOR writer with byte-level control. Every head can be written with an explicit
 * argument and width, so a length can lie; containers can be definite or indefinite; break codes,
 * floats of each width, tags and simple values are raw tokens. This is what builds malformed
 * traffic, and (through `encodeCborIndefinite`) what lets the simulator answer exactly like
 * Zephyr's zcbor encoder.
 * @see docs/spec/smp.md §1.7 (indefinite-length responses), RFC 8949 §3
 */

import { CBOR_BREAK, CborAi, CborMajor } from './constants.ts';

export { CBOR_BREAK, CborAi, CborMajor };

/**
 * Width of a head's argument: `'shortest'` (preferred serialisation), `0` (argument inside the
 * initial byte, only for values < 24), or 1/2/4/8 following bytes (non-shortest forms allowed).
 */
export type CborHeadWidth = 'shortest' | 0 | 1 | 2 | 4 | 8;

const MAX_ENCODE_DEPTH = 256;

/** Builds CBOR token by token; every method appends and returns `this`. */
export class CborWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  /** Append raw bytes unchanged. */
  raw(bytes: Uint8Array | readonly number[]): this {
    const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes, (x) => x & 0xff);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Append one initial byte built from a major type and a raw additional-information value (0–31). */
  initialByte(major: number, ai: number): this {
    return this.raw([((major & 7) << 5) | (ai & 0x1f)]);
  }

  /** Append a head: major type plus argument at the given width (lengths may lie on purpose). */
  head(major: number, argument: number | bigint, width: CborHeadWidth = 'shortest'): this {
    const arg = BigInt(argument);
    if (arg < 0n || arg > 0xffff_ffff_ffff_ffffn) throw new RangeError(`CBOR head argument out of range: ${arg}`);
    const w = width === 'shortest' ? shortestWidth(arg) : width;
    if (w === 0) {
      if (arg >= 24n) throw new RangeError(`argument ${arg} does not fit the initial byte`);
      return this.initialByte(major, Number(arg));
    }
    if (arg >= 1n << BigInt(w * 8)) throw new RangeError(`argument ${arg} does not fit ${w} bytes`);
    const ai = w === 1 ? CborAi.UINT8 : w === 2 ? CborAi.UINT16 : w === 4 ? CborAi.UINT32 : CborAi.UINT64;
    this.initialByte(major, ai);
    const out = new Uint8Array(w);
    for (let i = w - 1, v = arg; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return this.raw(out);
  }

  /** Unsigned integer (major 0). */
  uint(value: number | bigint, width: CborHeadWidth = 'shortest'): this {
    return this.head(CborMajor.UINT, value, width);
  }

  /** Negative integer (major 1) holding `value` (< 0): the argument written is -1 - value. */
  nint(value: number | bigint, width: CborHeadWidth = 'shortest'): this {
    return this.head(CborMajor.NINT, -1n - BigInt(value), width);
  }

  /** Any integer, major 0 or 1 by sign. */
  int(value: number | bigint, width: CborHeadWidth = 'shortest'): this {
    return BigInt(value) < 0n ? this.nint(value, width) : this.uint(value, width);
  }

  /** Byte string; `claimedLength` writes a head that lies about the length. */
  bytes(data: Uint8Array, options: { claimedLength?: number | bigint; width?: CborHeadWidth } = {}): this {
    this.head(CborMajor.BSTR, options.claimedLength ?? data.length, options.width);
    return this.raw(data);
  }

  /** Text string (UTF-8); `claimedLength` writes a head that lies about the byte length. */
  text(value: string, options: { claimedLength?: number | bigint; width?: CborHeadWidth } = {}): this {
    const utf8 = new TextEncoder().encode(value);
    this.head(CborMajor.TSTR, options.claimedLength ?? utf8.length, options.width);
    return this.raw(utf8);
  }

  /** Array head: a count (which may lie) or `'indefinite'` (0x9f, close with `break()`). */
  arrayHeader(count: number | bigint | 'indefinite', width: CborHeadWidth = 'shortest'): this {
    return count === 'indefinite' ? this.initialByte(CborMajor.ARRAY, CborAi.INDEFINITE) : this.head(CborMajor.ARRAY, count, width);
  }

  /** Map head: a pair count (which may lie) or `'indefinite'` (0xbf, close with `break()`). */
  mapHeader(count: number | bigint | 'indefinite', width: CborHeadWidth = 'shortest'): this {
    return count === 'indefinite' ? this.initialByte(CborMajor.MAP, CborAi.INDEFINITE) : this.head(CborMajor.MAP, count, width);
  }

  /** Start an indefinite-length byte or text string (chunks follow, then `break()`). */
  indefiniteString(kind: 'bstr' | 'tstr'): this {
    return this.initialByte(kind === 'bstr' ? CborMajor.BSTR : CborMajor.TSTR, CborAi.INDEFINITE);
  }

  /** The break code 0xff. */
  break(): this {
    return this.raw([CBOR_BREAK]);
  }

  /** Tag head (major 6); the tagged item follows. */
  tag(tagNumber: number | bigint, width: CborHeadWidth = 'shortest'): this {
    return this.head(CborMajor.TAG, tagNumber, width);
  }

  /** Simple value: 0–23 in the initial byte, 24–255 as 0xf8 + byte (RFC 8949 forbids 24–31 there). */
  simple(value: number): this {
    if (value < 0 || value > 255) throw new RangeError(`simple value out of range: ${value}`);
    return value < 24 ? this.initialByte(CborMajor.SIMPLE, value) : this.raw([0xf8, value]);
  }

  /** `true` (0xf5) / `false` (0xf4). */
  bool(value: boolean): this {
    return this.simple(value ? 21 : 20);
  }

  /** `null` (0xf6). */
  null(): this {
    return this.simple(22);
  }

  /** `undefined` (0xf7). */
  undefined(): this {
    return this.simple(23);
  }

  /** Half-precision float (0xf9), rounded to nearest even. */
  float16(value: number): this {
    const bits = toFloat16Bits(value);
    return this.raw([0xf9, bits >> 8, bits & 0xff]);
  }

  /** Single-precision float (0xfa). */
  float32(value: number): this {
    const out = new Uint8Array(5);
    out[0] = 0xfa;
    new DataView(out.buffer).setFloat32(1, value);
    return this.raw(out);
  }

  /** Double-precision float (0xfb). */
  float64(value: number): this {
    const out = new Uint8Array(9);
    out[0] = 0xfb;
    new DataView(out.buffer).setFloat64(1, value);
    return this.raw(out);
  }

  /**
   * Encode a JS value. Objects and Maps become maps, arrays become arrays (definite or indefinite
   * by `containers`); integers shortest; other numbers float64; Uint8Array → bstr. Object
   * properties whose value is `undefined` are omitted (the way request bodies omit absent fields).
   */
  value(v: unknown, containers: 'definite' | 'indefinite' = 'definite'): this {
    writeValue(this, v, containers, 0);
    return this;
  }

  /** Bytes written so far (a copy). */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Encode the way Zephyr's zcbor does: indefinite-length maps and arrays, shortest integers. */
export function encodeCborIndefinite(value: unknown): Uint8Array {
  return new CborWriter().value(value, 'indefinite').toBytes();
}

/** Encode with definite-length containers, shortest integers (canonical-zcbor style). */
export function encodeCborDefinite(value: unknown): Uint8Array {
  return new CborWriter().value(value, 'definite').toBytes();
}

function writeValue(w: CborWriter, v: unknown, mode: 'definite' | 'indefinite', depth: number): void {
  if (depth > MAX_ENCODE_DEPTH) throw new RangeError(`value nested deeper than ${MAX_ENCODE_DEPTH} levels`);
  if (v === null) w.null();
  else if (v === undefined) w.undefined();
  else if (typeof v === 'boolean') w.bool(v);
  else if (typeof v === 'bigint') w.int(v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) w.int(v);
    else w.float64(v);
  } else if (typeof v === 'string') w.text(v);
  else if (v instanceof Uint8Array) w.bytes(v);
  else if (Array.isArray(v)) writeContainer(w, CborMajor.ARRAY, v.length, mode, v.map((x) => [x] as const), depth);
  else if (v instanceof Map) writeContainer(w, CborMajor.MAP, v.size, mode, Array.from(v.entries()), depth);
  else if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    writeContainer(w, CborMajor.MAP, entries.length, mode, entries, depth);
  } else throw new TypeError(`cannot encode a ${typeof v} as CBOR`);
}

function writeContainer(
  w: CborWriter,
  major: number,
  count: number,
  mode: 'definite' | 'indefinite',
  items: ReadonlyArray<readonly unknown[]>,
  depth: number,
): void {
  if (mode === 'indefinite') w.initialByte(major, CborAi.INDEFINITE);
  else w.head(major, count);
  for (const item of items) for (const part of item) writeValue(w, part, mode, depth + 1);
  if (mode === 'indefinite') w.break();
}

function shortestWidth(arg: bigint): 0 | 1 | 2 | 4 | 8 {
  if (arg < 24n) return 0;
  if (arg <= 0xffn) return 1;
  if (arg <= 0xffffn) return 2;
  if (arg <= 0xffff_ffffn) return 4;
  return 8;
}

/** IEEE 754 binary16 bits of `value`, round-to-nearest-even; overflow → ±Infinity. */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs === 0) return sign;
  // 65520 is the midpoint between the largest half (65504) and the next power: rounds up to Infinity.
  if (abs >= 65520) return sign | 0x7c00;
  if (abs < 2 ** -14) return sign | roundHalfEven(abs * 2 ** 24);
  let e = Math.floor(Math.log2(abs));
  if (2 ** e > abs) e -= 1;
  else if (2 ** (e + 1) <= abs) e += 1;
  let m = roundHalfEven((abs / 2 ** e - 1) * 1024);
  let biased = e + 15;
  if (m === 1024) {
    m = 0;
    biased += 1;
  }
  return sign | (biased << 10) | m;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
