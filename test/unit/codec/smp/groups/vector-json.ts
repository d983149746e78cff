/** JSON ⇄ JS conversion for golden vectors: byte strings are `{ "hex": "…" }` in the files. */
import { fromHex, toHex } from '../../../../../src/core/bytes.ts';

/** Vector `fields` → JS value (hex objects become Uint8Array). */
export function fieldsToValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fieldsToValue);
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'hex') return fromHex((v as { hex: string }).hex);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fieldsToValue(x)]));
  }
  return v;
}

/** JS value → vector `fields` form (any Uint8Array, Buffers included, becomes a hex object). */
export function valueToFields(v: unknown): unknown {
  if (v instanceof Uint8Array) return { hex: toHex(v) };
  if (Array.isArray(v)) return v.map(valueToFields);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueToFields(x)]));
  return v;
}
