/**
 * What a plain CBOR decoder hides about the bytes a peer sent: duplicate map keys, indefinite
 * lengths and heads wider than their argument needs. A conformance harness judges the bytes, not
 * the values a lenient decoder makes of them.
 *
 * Levels (how the SMP reply classifier uses them):
 * - `duplicate-key`: the map is not valid CBOR (RFC 8949 §5.6), so the body is malformed and
 *   every check of the reply fails. A decoder that keeps the last value would read
 *   `{"rc": 3, "rc": 0}` as success.
 * - `indefinite-length`: valid CBOR (RFC 8949 §3.2.2); zcbor writes maps this way unless built
 *   canonical, so it is recorded in the evidence only.
 * - `non-preferred-head`: valid CBOR (RFC 8949 §3 accepts every argument width); preferred
 *   serialization (§4.1) is a choice a protocol makes and SMP does not, so it is recorded only.
 * @see RFC 8949 §3, §4.1, §5.6
 */
import { toHex } from '../../core/bytes.ts';
import { cborDiagnostic } from './diagnostic.ts';
import type { CborNode } from './tree.ts';

/** One finding about a CBOR item's wire form; `at` is the byte offset of the head concerned. */
export type CborWireFinding =
  /** A map key seen before in the same map; `firstAt` is the offset of its first occurrence. */
  | { kind: 'duplicate-key'; key: string; at: number; firstAt: number }
  | { kind: 'indefinite-length'; item: 'map' | 'array' | 'byte string' | 'text string'; at: number }
  /** The argument took `width` bytes after the initial byte where `preferredWidth` suffice. */
  | { kind: 'non-preferred-head'; at: number; width: number; preferredWidth: number };

/** Argument bytes after the initial byte that the preferred (shortest) head uses. */
function preferredWidth(argument: number | bigint): number {
  if (typeof argument === 'bigint') return argument < 0x100000000n ? preferredWidth(Number(argument)) : 8;
  if (argument < 24) return 0;
  if (argument < 0x100) return 1;
  if (argument < 0x10000) return 2;
  if (argument < 0x100000000) return 4;
  return 8;
}

/** The head's argument for items whose head carries a length, value or tag number. */
function headArgument(node: CborNode): number | bigint | undefined {
  switch (node.kind) {
    case 'uint':
      return node.value;
    case 'nint':
      return typeof node.value === 'number' && node.value > Number.MIN_SAFE_INTEGER ? -1 - node.value : -1n - BigInt(node.value);
    case 'bstr':
    case 'tstr':
      return node.indefinite ? undefined : node.end - node.headerEnd;
    case 'array':
      return node.indefinite ? undefined : node.items.length;
    case 'map':
      return node.indefinite ? undefined : node.entries.length;
    case 'tag':
      return node.tag;
    default:
      return undefined;
  }
}

const INDEFINITE_ITEM = { map: 'map', array: 'array', bstr: 'byte string', tstr: 'text string' } as const;

/** Keys compare by data-model value: text and integers by value, anything else by its bytes. */
function keyIdentity(key: CborNode, bytes: Uint8Array): string {
  if (key.kind === 'tstr') return `t:${key.value}`;
  if (key.kind === 'uint' || key.kind === 'nint') return `i:${String(key.value)}`;
  return `b:${toHex(bytes.subarray(key.start, key.end))}`;
}

function headFindings(node: CborNode, out: CborWireFinding[]): void {
  if ((node.kind === 'map' || node.kind === 'array' || node.kind === 'bstr' || node.kind === 'tstr') && node.indefinite) {
    out.push({ kind: 'indefinite-length', item: INDEFINITE_ITEM[node.kind], at: node.start });
  }
  const argument = headArgument(node);
  if (argument === undefined) return;
  const width = node.headerEnd - node.start - 1;
  const preferred = preferredWidth(argument);
  if (width > preferred) out.push({ kind: 'non-preferred-head', at: node.start, width, preferredWidth: preferred });
}

function duplicateKeys(node: Extract<CborNode, { kind: 'map' }>, bytes: Uint8Array, out: CborWireFinding[]): void {
  const firstAt = new Map<string, number>();
  for (const { key } of node.entries) {
    const id = keyIdentity(key, bytes);
    const first = firstAt.get(id);
    if (first === undefined) firstAt.set(id, key.start);
    else out.push({ kind: 'duplicate-key', key: cborDiagnostic(key), at: key.start, firstAt: first });
  }
}

function walk(node: CborNode, bytes: Uint8Array, out: CborWireFinding[]): void {
  headFindings(node, out);
  switch (node.kind) {
    case 'map':
      duplicateKeys(node, bytes, out);
      for (const e of node.entries) {
        walk(e.key, bytes, out);
        walk(e.value, bytes, out);
      }
      return;
    case 'array':
      for (const item of node.items) walk(item, bytes, out);
      return;
    case 'tag':
      walk(node.content, bytes, out);
      return;
    case 'bstr':
    case 'tstr':
      for (const chunk of node.chunks ?? []) headFindings(chunk, out);
      return;
    default:
      return;
  }
}

/**
 * Every wire finding in the tree decoded from `bytes`, in wire order (a map's duplicate keys
 * are listed before the findings inside its entries). Offsets are relative to `bytes`.
 * @see RFC 8949 §3, §4.1, §5.6
 */
export function cborWireFindings(root: CborNode, bytes: Uint8Array): CborWireFinding[] {
  const out: CborWireFinding[] = [];
  walk(root, bytes, out);
  return out;
}

/** One line per finding, offsets shifted by `base` (e.g. 8 for the SMP header before the body). */
export function describeCborWireFinding(f: CborWireFinding, base = 0): string {
  switch (f.kind) {
    case 'duplicate-key':
      return `duplicate map key ${f.key} at byte ${f.at + base} (first at byte ${f.firstAt + base}); RFC 8949 §5.6: a map with duplicate keys is not valid`;
    case 'indefinite-length':
      return `indefinite-length ${f.item} at byte ${f.at + base} (valid CBOR, RFC 8949 §3.2.2)`;
    case 'non-preferred-head':
      return `head at byte ${f.at + base} uses ${f.width} argument byte(s) where ${f.preferredWidth} suffice (valid CBOR, not preferred serialization, RFC 8949 §4.1)`;
  }
}
