/**
 * A bounds-checked cursor over DTLS wire bytes. Running out of bytes throws a private signal that
 * `readWire` turns into a typed decode failure, so the message decoders read straight down their
 * structure and still never throw to their callers.
 */
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';

class WireStop {
  constructor(readonly failure: DecodeFailure) {}
}

/** Cursor with big-endian integer and length-prefixed vector reads (RFC 5246 §4). */
export class WireReader {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    /** What running short means here: `incomplete` for a stream, `invalid` inside a sized message. */
    private readonly shortKind: 'incomplete' | 'invalid',
    private readonly base = 0,
  ) {}

  get offset(): number {
    return this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  take(count: number, what: string): Uint8Array {
    if (count > this.remaining) this.fail(this.shortKind, `${what}: needs ${count} bytes, ${this.remaining} left`);
    const out = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }

  uint(width: 1 | 2 | 3 | 6, what: string): number {
    const b = this.take(width, what);
    let value = 0;
    for (const byte of b) value = value * 256 + byte;
    return value;
  }

  /** A vector with a `lengthBytes`-wide length prefix whose length must lie in [min, max]. */
  vector(lengthBytes: 1 | 2 | 3, min: number, max: number, what: string): Uint8Array {
    const length = this.uint(lengthBytes, `${what} length`);
    if (length < min || length > max) this.fail('invalid', `${what}: length ${length} outside ${min}-${max}`, -lengthBytes);
    return this.take(length, what);
  }

  /** Stop decoding with an `invalid` failure at the current offset (plus `delta`). */
  fail(kind: DecodeFailure['kind'], message: string, delta = 0): never {
    throw new WireStop({ kind, at: this.base + this.at + delta, message });
  }

  /** Fail unless every byte was consumed. */
  end(what: string): void {
    if (this.remaining !== 0) this.fail('invalid', `${what}: ${this.remaining} trailing bytes`);
  }
}

/** Run a decoder over a reader; a read past the end or an explicit `fail` becomes the error value. */
export function readWire<T>(
  bytes: Uint8Array,
  shortKind: 'incomplete' | 'invalid',
  decode: (r: WireReader) => T,
  base = 0,
): Result<T, DecodeFailure> {
  try {
    return ok(decode(new WireReader(bytes, shortKind, base)));
  } catch (e) {
    if (e instanceof WireStop) return err(e.failure);
    throw e;
  }
}

/** Big-endian bytes of `value` in `width` bytes (value must fit; 48-bit values are exact). */
export function uintBytes(value: number, width: 1 | 2 | 3 | 6): Uint8Array {
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** A vector with its length prefix. */
export function vectorBytes(body: Uint8Array, lengthBytes: 1 | 2 | 3): Uint8Array {
  const out = new Uint8Array(lengthBytes + body.length);
  out.set(uintBytes(body.length, lengthBytes), 0);
  out.set(body, lengthBytes);
  return out;
}
