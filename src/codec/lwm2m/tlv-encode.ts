/**
 * OMA-TLV encoder: entries with the shortest identifier and length fields, an unchecked twin
 * that writes any type byte, id width or claimed length (for malformed traffic), and the
 * record ↔ TLV mapping by request path (which wrapper at which level).
 * @see docs/spec/lwm2m.md §3.4
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { Lwm2mPath } from './path.ts';
import { decodeTlv, TLV_KINDS, type TlvEntry, type TlvKind } from './tlv.ts';
import { decodeTlvValue, encodeTlvValue } from './tlv-values.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, ResourceTypeOf } from './types.ts';

/** An entry to encode: a leaf with value bytes or a container with children. */
export type TlvNode =
  | { kind: 'resource' | 'resource-instance'; id: number; value: Uint8Array }
  | { kind: 'object-instance' | 'multiple-resource'; id: number; children: TlvNode[] };

/** Fields of an unchecked TLV: every field can lie. */
export interface UncheckedTlv {
  kind: TlvKind;
  id: number;
  value: Uint8Array;
  /** Identifier width; default the shortest. */
  idBytes?: 1 | 2;
  /** Length field width (0 = inline in the type byte); default the shortest. */
  lengthBytes?: 0 | 1 | 2 | 3;
  /** Length written in the header instead of the value's real length. */
  claimedLength?: number;
}

function shortestLengthBytes(length: number): 0 | 1 | 2 | 3 {
  return length < 8 ? 0 : length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
}

/**
 * Build one TLV exactly as told, without any check that the header agrees with the value:
 * a claimed length larger than the value, a 16-bit id below 256, a 3-byte length of 5.
 */
export function encodeTlvUnchecked(tlv: UncheckedTlv): Uint8Array {
  const length = tlv.claimedLength ?? tlv.value.length;
  const idBytes = tlv.idBytes ?? (tlv.id > 0xff ? 2 : 1);
  const lengthBytes = tlv.lengthBytes ?? shortestLengthBytes(length);
  const header = [(TLV_KINDS.indexOf(tlv.kind) << 6) | (idBytes === 2 ? 0x20 : 0) | (lengthBytes << 3) | (lengthBytes === 0 ? length & 7 : 0)];
  if (idBytes === 2) header.push((tlv.id >> 8) & 0xff);
  header.push(tlv.id & 0xff);
  for (let i = lengthBytes - 1; i >= 0; i--) header.push(Math.floor(length / 256 ** i) & 0xff);
  const out = new Uint8Array(header.length + tlv.value.length);
  out.set(header);
  out.set(tlv.value, header.length);
  return out;
}

/** Encode entries with the shortest headers. Ids above 65535 or values over 16 MiB throw RangeError. */
export function encodeTlv(nodes: readonly TlvNode[]): Uint8Array {
  const parts = nodes.map((node) => {
    const value = 'children' in node ? encodeTlv(node.children) : node.value;
    if (node.id < 0 || node.id > 0xffff || !Number.isInteger(node.id)) throw new RangeError(`TLV id ${node.id} out of range 0..65535`);
    if (value.length > 0xffffff) throw new RangeError(`TLV value of ${value.length} bytes exceeds the 24-bit length field`);
    return encodeTlvUnchecked({ kind: node.kind, id: node.id, value });
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parent path length each TLV kind attaches to. */
const PARENT_DEPTH: Record<TlvKind, number> = { 'object-instance': 1, resource: 2, 'multiple-resource': 2, 'resource-instance': 3 };

function pushRecords(entries: readonly TlvEntry[], parent: Lwm2mPath, typeOf: ResourceTypeOf, out: Lwm2mRecord[]): Lwm2mFormatFailure | undefined {
  for (const entry of entries) {
    const depth = PARENT_DEPTH[entry.kind];
    if (parent.length < depth) return { kind: 'invalid', at: entry.start, message: `${entry.kind} TLV needs a path of at least ${depth} segments, request path has ${parent.length}` };
    const path = [...parent.slice(0, depth), entry.id];
    if (entry.children) {
      const failure = pushRecords(entry.children, path, typeOf, out);
      if (failure) return failure;
      continue;
    }
    const type = typeOf(path) ?? 'opaque';
    const value = decodeTlvValue(type, entry.value);
    if (!value.ok) return { ...value.error, at: entry.valueStart, message: `${path.join('/')}: ${value.error.message}` };
    out.push({ path, value: value.value });
  }
  return undefined;
}

/**
 * Decode a TLV payload answering (or sent to) `requestPath` into typed records. Values of
 * resources `typeOf` does not know stay opaque. A Create whose payload holds bare resource TLVs
 * (no object-instance wrapper) is decoded with the instance the client assigns:
 * `requestPath = [objectId, newInstanceId]`.
 */
export function decodeTlvRecords(bytes: Uint8Array, requestPath: Lwm2mPath, typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  const entries = decodeTlv(bytes);
  if (!entries.ok) return entries;
  const records: Lwm2mRecord[] = [];
  const failure = pushRecords(entries.value, requestPath, typeOf, records);
  return failure ? err(failure) : ok(records);
}

function resourceNodes(records: readonly Lwm2mRecord[]): TlvNode[] {
  const nodes: TlvNode[] = [];
  const multiple = new Map<number, TlvNode[]>();
  for (const record of records) {
    const rid = record.path[2] ?? 0;
    const value = encodeTlvValue(record.value);
    if (record.path.length === 3) {
      nodes.push({ kind: 'resource', id: rid, value });
      continue;
    }
    let children = multiple.get(rid);
    if (!children) {
      children = [];
      multiple.set(rid, children);
      nodes.push({ kind: 'multiple-resource', id: rid, children });
    }
    children.push({ kind: 'resource-instance', id: record.path[3] ?? 0, value });
  }
  return nodes;
}

/**
 * Encode records as the TLV payload for `requestPath`: object → object-instance wrappers,
 * instance → resource TLVs, resource → one resource or multiple-resource TLV, resource
 * instance → one resource-instance TLV. Records keep their order within each group.
 */
export function encodeTlvRecords(records: readonly Lwm2mRecord[], requestPath: Lwm2mPath): Uint8Array {
  if (requestPath.length >= 4) return encodeTlv(records.map((r) => ({ kind: 'resource-instance', id: r.path[3] ?? 0, value: encodeTlvValue(r.value) })));
  if (requestPath.length >= 2) return encodeTlv(resourceNodes(records));
  const instances = new Map<number, Lwm2mRecord[]>();
  for (const record of records) {
    const iid = record.path[1] ?? 0;
    instances.set(iid, [...(instances.get(iid) ?? []), record]);
  }
  return encodeTlv([...instances].map(([iid, group]) => ({ kind: 'object-instance', id: iid, children: resourceNodes(group) })));
}
