/**
 * CBOR through cbor-x, configured for plain definite-length maps with text keys and no
 * record-extension tags, so the bytes match what a hand-written zcbor-style encoder produces.
 * Decoding never throws: hostile bytes yield a `DecodeFailure`.
 */
import { Decoder, Encoder } from 'cbor-x';
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { decodeCborTree } from './tree.ts';

/** A decoded CBOR value as plain JavaScript (maps with text keys become objects). */
export type CborValue =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CborValue[]
  | { [key: string]: CborValue }
  | Map<unknown, CborValue>;

/** Largest CBOR body the harness decodes at all (bounded input, bounded work). */
export const MAX_CBOR_BODY_BYTES = 1 << 20;

/**
 * Deepest nesting of arrays, maps and tags `decodeCbor` hands to cbor-x, which recurses once per
 * level: a device's depth bomb must be refused here, not end in a stack overflow inside it.
 */
export const MAX_CBOR_DEPTH = 64;

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  pack: false,
  largeBigIntToFloat: false,
} as ConstructorParameters<typeof Encoder>[0]);

const decoder = new Decoder({
  useRecords: false,
  mapsAsObjects: true,
} as ConstructorParameters<typeof Decoder>[0]);

/**
 * Encode a value. Objects become definite-length maps in insertion order; Uint8Array becomes a
 * byte string; integers use the shortest form.
 */
export function encodeCbor(value: unknown): Uint8Array {
  const bytes = encoder.encode(value);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decode exactly one CBOR item from `bytes`. Trailing bytes are an `invalid` failure unless
 * `allowTrailing`. Byte strings come back as Uint8Array (Node Buffers).
 */
export function decodeCbor(
  bytes: Uint8Array,
  options: { allowTrailing?: boolean } = {},
): Result<CborValue, DecodeFailure> {
  if (bytes.length === 0) return err({ kind: 'incomplete', at: 0, message: 'empty CBOR body' });
  if (bytes.length > MAX_CBOR_BODY_BYTES) {
    return err({ kind: 'limit', at: 0, message: `CBOR body of ${bytes.length} bytes exceeds ${MAX_CBOR_BODY_BYTES}` });
  }
  // Only input with more bytes than levels can nest deeper than the bound; the bounded tree
  // decoder finds out without recursing past it.
  if (bytes.length > MAX_CBOR_DEPTH) {
    const nested = decodeCborTree(bytes, { maxDepth: MAX_CBOR_DEPTH, maxItems: bytes.length });
    if (!nested.ok && nested.error.kind === 'limit') return err(nested.error);
  }
  try {
    const items: unknown[] = [];
    decoder.decodeMultiple(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (v: unknown) => {
      items.push(v);
      if (!options.allowTrailing && items.length > 1) return false;
      return undefined;
    });
    if (items.length > 1 && !options.allowTrailing) {
      return err({ kind: 'invalid', at: 0, message: 'trailing bytes after the CBOR item' });
    }
    return ok(items[0] as CborValue);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const incomplete = (e as { incomplete?: boolean }).incomplete === true || /end of .*data|unexpected end/i.test(message);
    return err({ kind: incomplete ? 'incomplete' : 'invalid', at: 0, message });
  }
}

/** True for a plain object produced by decodeCbor from a text-keyed map. */
export function isCborMap(value: unknown): value is { [key: string]: CborValue } {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value) && !(value instanceof Map);
}
