/** Decoded trace values made JSON-safe for crash reports: bigint → string, bytes → `{ hex }`, Map → object, bounded depth. */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (depth > 12) return '…';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { hex: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonSafe(v, depth + 1)]));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v, depth + 1)]));
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  return value;
}
