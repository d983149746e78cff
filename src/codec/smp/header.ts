/**
 * The 8-byte SMP header.
 * @see docs/spec/smp.md §1.1–1.3
 */
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { SMP_HEADER_BYTES, SmpOp } from './constants.ts';

/** A decoded header. Fields hold whatever the bytes said (op 4–7 and version 2–3 included). */
export interface SmpHeader {
  /** 3-bit op. */
  op: number;
  /** 2-bit version: 0 = SMP v1, 1 = SMP v2. */
  version: number;
  /** Top 3 reserved bits of byte 0 (must be 0 on send). */
  reserved: number;
  flags: number;
  /** Payload length (bytes after the header). */
  length: number;
  group: number;
  seq: number;
  id: number;
}

/** Encode a header. Values are masked to their field widths: use `encodeSmpHeaderUnchecked` to lie. */
export function encodeSmpHeader(h: Omit<SmpHeader, 'reserved' | 'flags'> & { reserved?: number; flags?: number }): Uint8Array {
  const out = new Uint8Array(SMP_HEADER_BYTES);
  writeSmpHeader(out, h.op, h.version, h.length, h.group, h.seq, h.id, h.flags ?? 0, h.reserved ?? 0);
  return out;
}

/**
 * Write a header into the first 8 bytes of `out`, each value masked to its field width: the
 * packet encoder's form, which builds header and body in one buffer.
 */
export function writeSmpHeader(out: Uint8Array, op: number, version: number, length: number, group: number, seq: number, id: number, flags = 0, reserved = 0): void {
  out[0] = ((reserved & 0b111) << 5) | ((version & 0b11) << 3) | (op & 0b111);
  out[1] = flags & 0xff;
  out[2] = (length >> 8) & 0xff;
  out[3] = length & 0xff;
  out[4] = (group >> 8) & 0xff;
  out[5] = group & 0xff;
  out[6] = seq & 0xff;
  out[7] = id & 0xff;
}

/** Decode the first 8 bytes of `bytes` as a header. Fewer than 8 bytes → `incomplete`. */
export function decodeSmpHeader(bytes: Uint8Array): Result<SmpHeader, DecodeFailure> {
  if (bytes.length < SMP_HEADER_BYTES) {
    return err({ kind: 'incomplete', at: bytes.length, message: `SMP header needs 8 bytes, got ${bytes.length}` });
  }
  const b0 = bytes[0]!;
  return ok({
    op: b0 & 0b111,
    version: (b0 >> 3) & 0b11,
    reserved: b0 >> 5,
    flags: bytes[1]!,
    length: (bytes[2]! << 8) | bytes[3]!,
    group: (bytes[4]! << 8) | bytes[5]!,
    seq: bytes[6]!,
    id: bytes[7]!,
  });
}

/** The response op Zephyr answers a request op with: READ → READ_RSP, anything else → WRITE_RSP. */
export function responseOpFor(requestOp: number): number {
  return requestOp === SmpOp.READ ? SmpOp.READ_RSP : SmpOp.WRITE_RSP;
}

/** The response version Zephyr ≥ 3.4 answers with: the request's, clamped to 1. */
export function responseVersionFor(requestVersion: number): number {
  return Math.min(requestVersion, 1);
}
