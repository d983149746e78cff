/**
 * Request bodies judged with zcbor's bulk-decoder rules, as Zephyr's handlers do: the body must
 * be a map; a non-text key, a repeated known key, a known key with the wrong type, truncated or
 * invalid CBOR all fail (the handler then answers `rc 3`); unknown keys are skipped; missing
 * keys are not an error; bytes after the map are not looked at.
 * @see docs/spec/smp.md §1.5, §1.7, §6.2
 */
import { CBOR_BREAK, CborMajor, readCborHead } from '../codec/cbor/head.ts';
import { decodeCborTree, type CborNode } from '../codec/cbor/tree.ts';
import { err, ok, type Result } from '../core/result.ts';

/**
 * Types a handler can ask for. `u32` is `zcbor_uint32_decode` (above 2^32-1 fails); `uint` is
 * a 64-bit or size_t decoder, bounded here at 2^53-1; `any` hands over the node for handlers
 * with their own decoder callback.
 */
export type FieldType = 'tstr' | 'bstr' | 'uint' | 'u32' | 'bool' | 'array' | 'any';

/** One element of an array field, as shell and enumeration read them. */
export type ArrayElement = { kind: 'tstr'; value: string } | { kind: 'uint'; value: number } | { kind: 'other' };

type FieldValue<T extends FieldType> = T extends 'tstr'
  ? string
  : T extends 'bstr'
    ? Uint8Array
    : T extends 'uint' | 'u32'
      ? number
      : T extends 'bool'
        ? boolean
        : T extends 'array'
          ? ArrayElement[]
          : CborNode;

/** Decoded known fields; absent keys are undefined. */
export type DecodedFields<S extends Record<string, FieldType>> = { [K in keyof S]?: FieldValue<S[K]> };

/**
 * Deepest nesting accepted (zcbor's backup states, `CONFIG_MCUMGR_SMP_CBOR_MAX_DECODING_LEVELS`);
 * deeper bodies fail like any other decode error.
 */
export const MAX_DECODING_LEVELS = 8;

/**
 * Decode a request body against a schema of known keys. `skipWrongTypes` (the
 * `wrong-types-ignored` fault) treats a known key of the wrong type as absent instead of failing.
 */
export function decodeRequest<S extends Record<string, FieldType>>(payload: Uint8Array, schema: S, options: { skipWrongTypes?: boolean } = {}): Result<DecodedFields<S>, string> {
  const root = decodeCborTree(payload, { maxDepth: MAX_DECODING_LEVELS });
  if (!root.ok) return err(root.error.message);
  if (root.value.kind !== 'map') return err('request body is not a map');
  const out: Record<string, unknown> = {};
  for (const { key, value } of root.value.entries) {
    if (key.kind !== 'tstr' || key.indefinite) return err('non-text map key');
    const type = Object.hasOwn(schema, key.value) ? schema[key.value] : undefined;
    if (type === undefined) continue;
    if (Object.hasOwn(out, key.value)) return err(`duplicate key "${key.value}"`);
    const decoded = fieldValue(value, type);
    if (decoded === undefined && options.skipWrongTypes === true) continue;
    if (decoded === undefined) return err(`key "${key.value}" is not a ${type}`);
    out[key.value] = decoded;
  }
  return ok(out as DecodedFields<S>);
}

/** True when the payload starts with a well-formed CBOR map (what the crash/leak faults call "not malformed"). */
export function isWellFormedMap(payload: Uint8Array): boolean {
  const root = decodeCborTree(payload, { maxDepth: MAX_DECODING_LEVELS });
  return root.ok && root.value.kind === 'map' && root.value.entries.every((e) => e.key.kind === 'tstr');
}

function fieldValue(node: CborNode, type: FieldType): unknown {
  switch (type) {
    case 'tstr':
      return node.kind === 'tstr' && !node.indefinite ? node.value : undefined;
    case 'bstr':
      return node.kind === 'bstr' && !node.indefinite ? node.value : undefined;
    case 'uint':
      return node.kind === 'uint' && typeof node.value === 'number' ? node.value : undefined;
    case 'u32':
      return node.kind === 'uint' && typeof node.value === 'number' && node.value <= 0xffff_ffff ? node.value : undefined;
    case 'bool':
      return node.kind === 'simple' && (node.name === 'true' || node.name === 'false') ? node.name === 'true' : undefined;
    case 'array':
      return node.kind === 'array' ? node.items.map(arrayElement) : undefined;
    case 'any':
      return node;
  }
}

/** An array item as a handler reads it. */
export function arrayElement(node: CborNode): ArrayElement {
  if (node.kind === 'tstr' && !node.indefinite) return { kind: 'tstr', value: node.value };
  if (node.kind === 'uint' && typeof node.value === 'number') return { kind: 'uint', value: node.value };
  return { kind: 'other' };
}

/** One item decoded at `at`, with the offset after it; undefined when malformed or truncated. */
function itemAt(payload: Uint8Array, at: number): { node: CborNode; end: number } | undefined {
  const item = decodeCborTree(payload.subarray(at), { maxDepth: MAX_DECODING_LEVELS });
  return item.ok ? { node: item.value, end: at + item.value.end } : undefined;
}

/**
 * Walk the top-level map entry by entry, as the shell handler does by hand, until the first
 * text key equal to `key`: earlier keys must be text and their values well formed, and nothing
 * after the key is read (so a duplicate or junk later in the map goes unnoticed). Returns the
 * offset of the key's value.
 * @see docs/spec/smp.md §3.6
 */
export function findFirstKey(payload: Uint8Array, key: string): Result<number, string> {
  const head = readCborHead(payload, 0);
  if (!head.ok || head.value.major !== CborMajor.MAP) return err('request body is not a map');
  let left = head.value.indefinite ? Number.POSITIVE_INFINITY : Number(head.value.argument);
  for (let at = head.value.end; left > 0; left--) {
    if (head.value.indefinite && payload[at] === CBOR_BREAK) break;
    const k = itemAt(payload, at);
    if (k === undefined || k.node.kind !== 'tstr' || k.node.indefinite) return err('non-text or malformed key');
    if (k.node.value === key) return ok(k.end);
    const v = itemAt(payload, k.end);
    if (v === undefined) return err(`malformed value of "${k.node.value}"`);
    at = v.end;
  }
  return err(`no "${key}" key`);
}

/**
 * Read an array at `at` element by element: the text elements before the first non-text (or
 * malformed) one. Not an array → error.
 */
export function leadingTextElements(payload: Uint8Array, at: number): Result<string[], string> {
  const head = readCborHead(payload, at);
  if (!head.ok || head.value.major !== CborMajor.ARRAY) return err('not an array');
  const out: string[] = [];
  let left = head.value.indefinite ? Number.POSITIVE_INFINITY : Number(head.value.argument);
  for (let p = head.value.end; left > 0; left--) {
    const item = itemAt(payload, p);
    if (item === undefined || item.node.kind !== 'tstr' || item.node.indefinite) break;
    out.push(item.node.value);
    p = item.end;
  }
  return ok(out);
}
