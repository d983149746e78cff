/**
 * Shared CBOR helpers of the LwM2M formats: reading numbers, strings and booleans from strict
 * tree nodes, and writing numbers in the forms the formats use.
 * @see docs/spec/lwm2m.md §3.6, §3.7
 */
import type { CborNode, CborTreeLimits } from '../cbor/tree.ts';
import type { CborWriter } from '../cbor/writer.ts';
import { fitsFloat32 } from './tlv-values.ts';

/** A CBOR integer or float node as a JS number/bigint; undefined for other kinds. */
export function cborNumber(node: CborNode): number | bigint | undefined {
  if (node.kind === 'uint' || node.kind === 'nint') {
    const v = node.value;
    return typeof v === 'bigint' || Number.isSafeInteger(v) ? v : BigInt(v);
  }
  return node.kind === 'float' ? node.value : undefined;
}

/** A text node's string when it is valid UTF-8. */
export function cborText(node: CborNode): string | undefined {
  return node.kind === 'tstr' && node.isValidUtf8 ? node.value : undefined;
}

/** true/false simple values. */
export function cborBoolean(node: CborNode): boolean | undefined {
  return node.kind === 'simple' && (node.name === 'true' || node.name === 'false') ? node.name === 'true' : undefined;
}

/** A map key as a number (integer keys) or string (text keys). */
export function cborKey(node: CborNode): number | string | undefined {
  if (node.kind === 'uint' || node.kind === 'nint') return typeof node.value === 'number' ? node.value : undefined;
  return cborText(node);
}

/**
 * Write a number: integers (and bigints) as CBOR integers, -0 and fractions as float32 when
 * that is exact, else float64.
 */
export function writeCborNumber(writer: CborWriter, value: number | bigint): void {
  if (typeof value === 'bigint') writer.int(value);
  else if (Number.isSafeInteger(value) && !Object.is(value, -0)) writer.int(value);
  else if (fitsFloat32(value)) writer.float32(value);
  else writer.float64(value);
}

/**
 * Tree limits for LwM2M payloads: nesting 16 (LwM2M CBOR needs at most 6), and an item limit
 * that only the input length bounds (every item takes at least one byte), so a large Send or
 * object read is never refused for its record count.
 */
export function lwm2mCborLimits(bytes: Uint8Array): CborTreeLimits {
  return { maxDepth: 16, maxItems: Math.max(10_000, bytes.length) };
}
