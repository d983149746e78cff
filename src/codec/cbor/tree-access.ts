/**
 * Reading a decoded CBOR tree: plain values, map lookup, and the key problems zcbor's bulk map
 * decoder rejects (duplicate keys, non-text keys).
 * @see docs/spec/smp.md §1.7
 */
import type { CborValue } from './cbor.ts';
import type { CborNode } from './tree.ts';

/**
 * Plain JavaScript like `decodeCbor`: maps with only text keys become objects (a duplicate key
 * keeps its last value), other maps become `Map`s; integers whose argument took 8 bytes become
 * bigint as cbor-x does; tags 2/3 on byte strings become bigint, other tags are dropped (their
 * content is returned); unassigned simple values become their number.
 * @see ./cbor.ts
 */
export function cborNodeToValue(node: CborNode): CborValue {
  switch (node.kind) {
    case 'uint':
    case 'nint':
      return node.headerEnd - node.start === 9 ? BigInt(node.value) : node.value;
    case 'bstr':
    case 'tstr':
    case 'float':
      return node.value;
    case 'array':
      return node.items.map(cborNodeToValue);
    case 'map':
      return mapToValue(node.entries);
    case 'tag':
      return bignum(node.tag, node.content) ?? cborNodeToValue(node.content);
    case 'simple':
      return simpleToValue(node.value);
  }
}

/** Tags 2 and 3 around a byte string are bignums (RFC 8949 §3.4.3), as cbor-x encodes them. */
function bignum(tag: number | bigint, content: CborNode): bigint | undefined {
  if ((tag !== 2 && tag !== 3) || content.kind !== 'bstr') return undefined;
  const magnitude = content.value.length === 0 ? 0n : BigInt(`0x${Buffer.from(content.value).toString('hex')}`);
  return tag === 2 ? magnitude : -1n - magnitude;
}

function simpleToValue(value: number): CborValue {
  if (value === 20) return false;
  if (value === 21) return true;
  if (value === 22) return null;
  if (value === 23) return undefined;
  return value;
}

function mapToValue(entries: readonly { key: CborNode; value: CborNode }[]): CborValue {
  if (!entries.every((e) => e.key.kind === 'tstr')) {
    return new Map(entries.map((e) => [cborNodeToValue(e.key), cborNodeToValue(e.value)]));
  }
  const out: { [key: string]: CborValue } = {};
  for (const { key, value } of entries) {
    const name = (key as { value: string }).value;
    // defineProperty for "__proto__", so a key from the wire is data, not a prototype change.
    if (name === '__proto__') Object.defineProperty(out, name, { value: cborNodeToValue(value), enumerable: true, writable: true, configurable: true });
    else out[name] = cborNodeToValue(value);
  }
  return out;
}

function keyMatches(key: CborNode, wanted: string | number | bigint): boolean {
  if (typeof wanted === 'string') return key.kind === 'tstr' && key.value === wanted;
  return (key.kind === 'uint' || key.kind === 'nint') && BigInt(key.value) === BigInt(wanted);
}

/**
 * The value of the first entry of a map node whose key is the text string (or integer)
 * `key`; undefined when absent or when `node` is not a map.
 */
export function mapGet(node: CborNode, key: string | number | bigint): CborNode | undefined {
  if (node.kind !== 'map') return undefined;
  return node.entries.find((e) => keyMatches(e.key, key))?.value;
}

/** What a strict (zcbor-style) reader objects to in a map's keys. */
export interface CborMapKeyProblems {
  /** Text keys that appear more than once, each listed once, in first-seen order. */
  duplicateKeys: string[];
  /** Keys that are not text strings, in wire order. */
  nonTextKeys: CborNode[];
}

/**
 * Duplicate text keys and non-text keys of a map node (both make Zephyr's bulk decoder fail
 * with `rc 3`); empty lists for a clean map or a non-map.
 * @see docs/spec/smp.md §1.7, §6.2 items 17–18
 */
export function mapKeyProblems(node: CborNode): CborMapKeyProblems {
  const problems: CborMapKeyProblems = { duplicateKeys: [], nonTextKeys: [] };
  if (node.kind !== 'map') return problems;
  const seen = new Set<string>();
  for (const { key } of node.entries) {
    if (key.kind !== 'tstr') problems.nonTextKeys.push(key);
    else if (seen.has(key.value) && !problems.duplicateKeys.includes(key.value)) problems.duplicateKeys.push(key.value);
    else seen.add(key.value);
  }
  return problems;
}
