/**
 * The CBOR initial byte and its argument: the one tokenizer step shared by the tree decoder
 * and the annotated-hex printer, so both agree on offsets and on what is malformed.
 * @see docs/spec/smp.md §1.7 (RFC 8949 §3)
 */
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { CBOR_BREAK, CborAi, CborMajor } from './constants.ts';

export { CBOR_BREAK, CborMajor };

/** One decoded head: major type, additional information and the argument it carries. */
export interface CborHead {
  major: number;
  /** Additional information, the low 5 bits of the initial byte. */
  info: number;
  /** The argument (length, value, tag number, simple value or float bits); 0 when indefinite. */
  argument: number | bigint;
  /** True for ai 31 (indefinite container or string, or break with major 7). */
  indefinite: boolean;
  start: number;
  /** Offset just after the head. */
  end: number;
}

const ARGUMENT_BYTES: Record<number, number> = { 24: 1, 25: 2, 26: 4, 27: 8 };

function readArgument(bytes: Uint8Array, at: number, width: number): number | bigint {
  if (width <= 4) {
    let small = 0;
    for (let i = 0; i < width; i++) small = small * 256 + bytes[at + i]!;
    return small;
  }
  let value = 0n;
  for (let i = 0; i < width; i++) value = (value << 8n) | BigInt(bytes[at + i]!);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * Read the head at `at`. Truncated → `incomplete`; reserved ai 28–30 or ai 31 on a major type
 * that has no indefinite form → `invalid`. Never throws.
 * @see RFC 8949 §3, §3.2.4
 */
export function readCborHead(bytes: Uint8Array, at: number): Result<CborHead, DecodeFailure> {
  if (at >= bytes.length) return err({ kind: 'incomplete', at, message: 'expected a CBOR item, input ended' });
  const initial = bytes[at]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info < 24) return ok({ major, info, argument: info, indefinite: false, start: at, end: at + 1 });
  const width = ARGUMENT_BYTES[info];
  if (width !== undefined) {
    if (at + 1 + width > bytes.length) {
      return err({ kind: 'incomplete', at, message: `head 0x${initial.toString(16)} needs ${width} argument bytes, input ended` });
    }
    return ok({ major, info, argument: readArgument(bytes, at + 1, width), indefinite: false, start: at, end: at + 1 + width });
  }
  if (info !== CborAi.INDEFINITE) {
    return err({ kind: 'invalid', at, message: `reserved additional information ${info} in initial byte 0x${initial.toString(16)}` });
  }
  if (major === CborMajor.UINT || major === CborMajor.NINT || major === CborMajor.TAG) {
    return err({ kind: 'invalid', at, message: `major type ${major} has no indefinite form (initial byte 0x${initial.toString(16)})` });
  }
  return ok({ major, info, argument: 0, indefinite: true, start: at, end: at + 1 });
}

/** Decode an IEEE 754 half-precision value. */
export function decodeFloat16(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Decode the float carried by a major-7 head with ai 25/26/27 (the argument holds its bits). */
export function decodeCborFloat(head: CborHead): number {
  const bits = head.argument;
  if (head.info === 25) return decodeFloat16(Number(bits));
  const view = new DataView(new ArrayBuffer(8));
  if (head.info === 26) {
    view.setUint32(0, Number(bits));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, BigInt(bits));
  return view.getFloat64(0);
}
