/**
 * Value bytes inside a TLV per resource type: signed integers (and times) big-endian two's
 * complement in 1/2/4/8 bytes, unsigned 1/2/4/8, floats 4/8, boolean one byte 0/1, objlnk
 * 4 bytes, strings UTF-8, opaque raw.
 * @see docs/spec/lwm2m.md §3.4
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { Lwm2mFormatFailure, Lwm2mValue, ResourceType } from './types.ts';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const INT_WIDTHS = new Set([1, 2, 4, 8]);

function invalid(message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at: 0, message });
}

function readBig(bytes: Uint8Array, signed: boolean): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  return signed && bytes.length > 0 && (bytes[0] ?? 0) & 0x80 ? v - (1n << bits) : v;
}

/** Decode TLV value bytes as the given resource type. */
export function decodeTlvValue(type: ResourceType, bytes: Uint8Array): Result<Lwm2mValue, Lwm2mFormatFailure> {
  switch (type) {
    case 'integer':
    case 'time':
    case 'unsigned':
      if (!INT_WIDTHS.has(bytes.length)) return invalid(`${type} must be 1, 2, 4 or 8 bytes, got ${bytes.length}`);
      return ok({ type, value: readBig(bytes, type !== 'unsigned') });
    case 'float': {
      if (bytes.length !== 4 && bytes.length !== 8) return invalid(`float must be 4 or 8 bytes, got ${bytes.length}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      return ok({ type, value: bytes.length === 4 ? view.getFloat32(0) : view.getFloat64(0) });
    }
    case 'boolean':
      if (bytes.length !== 1 || (bytes[0] ?? 2) > 1) return invalid('boolean must be one byte 0 or 1');
      return ok({ type, value: bytes[0] === 1 });
    case 'objlnk':
      if (bytes.length !== 4) return invalid(`objlnk must be 4 bytes, got ${bytes.length}`);
      return ok({ type, value: { objectId: ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0), instanceId: ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0) } });
    case 'string':
    case 'corelnk':
      try {
        return ok({ type, value: utf8Strict.decode(bytes) });
      } catch {
        return invalid(`${type} is not valid UTF-8`);
      }
    case 'opaque':
    case 'none':
      return ok({ type: 'opaque', value: bytes.slice() });
  }
}

/** Shortest two's-complement width (1/2/4/8) holding a signed value. */
export function signedWidth(value: bigint): 1 | 2 | 4 | 8 {
  for (const w of [1, 2, 4] as const) if (value >= -(1n << BigInt(w * 8 - 1)) && value < 1n << BigInt(w * 8 - 1)) return w;
  return 8;
}

/** Shortest unsigned width (1/2/4/8) holding a non-negative value. */
export function unsignedWidth(value: bigint): 1 | 2 | 4 | 8 {
  for (const w of [1, 2, 4] as const) if (value < 1n << BigInt(w * 8)) return w;
  return 8;
}

/** Big-endian bytes of `value` in `width` bytes (two's complement for negatives). */
export function bigToBytes(value: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = BigInt.asUintN(width * 8, value);
  for (let i = width - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** True when a float survives a round trip through float32. */
export function fitsFloat32(value: number): boolean {
  return Number.isNaN(value) || Math.fround(value) === value;
}

/**
 * Encode a value as TLV value bytes: integers in their shortest width, floats in 4 bytes when
 * float32 holds them exactly, else 8.
 */
export function encodeTlvValue(value: Lwm2mValue): Uint8Array {
  switch (value.type) {
    case 'integer':
    case 'time':
      return bigToBytes(value.value, signedWidth(value.value));
    case 'unsigned':
      return bigToBytes(value.value, unsignedWidth(value.value));
    case 'float': {
      const out = new Uint8Array(fitsFloat32(value.value) ? 4 : 8);
      const view = new DataView(out.buffer);
      if (out.length === 4) view.setFloat32(0, value.value);
      else view.setFloat64(0, value.value);
      return out;
    }
    case 'boolean':
      return Uint8Array.of(value.value ? 1 : 0);
    case 'objlnk':
      return Uint8Array.of(value.value.objectId >> 8, value.value.objectId & 0xff, value.value.instanceId >> 8, value.value.instanceId & 0xff);
    case 'string':
    case 'corelnk':
      return utf8.encode(value.value);
    case 'opaque':
      return value.value.slice();
  }
}
