/**
 * LwM2M CBOR (Content-Format 11544, LwM2M 1.2): nested maps keyed by path segments, where a key
 * may be an array of segments (path compression, e.g. `[3, 0]`); and plain CBOR (Content-Format
 * 60): one data item for one resource value. Values: integers as CBOR integers, time as an
 * integer (accepted on input also with tag 1, or as tag 0 date/time text, which Zephyr writes in
 * CBOR 60 because the format leaves it open), floats as floats, strings as text, opaque as bytes,
 * boolean as true/false, objlnk as text `oid:iid`.
 * @see docs/spec/lwm2m.md §3.7
 */
import { err, ok, type Result } from '../../core/result.ts';
import { decodeCborTree, type CborNode } from '../cbor/tree.ts';
import { CborWriter } from '../cbor/writer.ts';
import { lwm2mCborLimits, cborBoolean, cborNumber, cborText, writeCborNumber } from './cbor-values.ts';
import { isValidPath, type Lwm2mPath } from './path.ts';
import { decodeTextValue, formatTextValue } from './text.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, Lwm2mValue, ResourceType, ResourceTypeOf } from './types.ts';

function invalid(at: number, message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at, message });
}

function inferredType(node: CborNode): ResourceType | undefined {
  if (node.kind === 'uint' || node.kind === 'nint' || node.kind === 'tag') return 'integer';
  if (node.kind === 'float') return 'float';
  if (node.kind === 'tstr') return 'string';
  if (node.kind === 'bstr') return 'opaque';
  return cborBoolean(node) === undefined ? undefined : 'boolean';
}

/** Tag 0 date/time text (Zephyr writes Time this way in CBOR 60) as Unix seconds. */
function dateTimeSeconds(node: CborNode): bigint | undefined {
  const text = node.kind === 'tag' && node.tag === 0 ? cborText(node.content) : undefined;
  const ms = text !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? BigInt(Math.floor(ms / 1000)) : undefined;
}

function integerValue(type: 'integer' | 'unsigned' | 'time', node: CborNode): Lwm2mValue | string {
  const dateTime = type === 'time' ? dateTimeSeconds(node) : undefined;
  if (dateTime !== undefined) return { type, value: dateTime };
  const inner = type === 'time' && node.kind === 'tag' && node.tag === 1 ? node.content : node;
  const n = cborNumber(inner);
  if (n === undefined || (inner.kind !== 'uint' && inner.kind !== 'nint')) return `${type} must be a CBOR integer`;
  if (type === 'unsigned' && inner.kind === 'nint') return 'unsigned must not be negative';
  return { type, value: BigInt(n) };
}

/** Type one CBOR data item as a resource value (inferred from the item when `type` is undefined). */
export function cborNodeValue(node: CborNode, type: ResourceType | undefined): Lwm2mValue | string {
  const t = type ?? inferredType(node);
  switch (t) {
    case 'integer':
    case 'unsigned':
    case 'time':
      return integerValue(t, node);
    case 'float': {
      const n = cborNumber(node);
      return n === undefined ? 'float must be a CBOR number' : { type: t, value: Number(n) };
    }
    case 'boolean': {
      const b = cborBoolean(node);
      return b === undefined ? 'boolean must be true or false' : { type: t, value: b };
    }
    case 'string':
    case 'corelnk': {
      const s = cborText(node);
      return s === undefined ? `${t} must be a valid UTF-8 text string` : { type: t, value: s };
    }
    case 'objlnk': {
      const s = cborText(node);
      const link = s === undefined ? undefined : decodeTextValue('objlnk', new TextEncoder().encode(s));
      return link?.ok ? link.value : 'objlnk must be text "oid:iid"';
    }
    case 'opaque':
    case 'none':
      return node.kind === 'bstr' ? { type: 'opaque', value: node.value } : 'opaque must be a byte string';
    case undefined:
      return `no resource value is a CBOR ${node.kind}`;
  }
}

/** Write one resource value as a CBOR data item. */
export function writeCborValue(w: CborWriter, value: Lwm2mValue): void {
  switch (value.type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      w.int(value.value);
      return;
    case 'float':
      writeCborNumber(w, value.value);
      return;
    case 'boolean':
      w.bool(value.value);
      return;
    case 'opaque':
      w.bytes(value.value);
      return;
    case 'string':
    case 'corelnk':
    case 'objlnk':
      w.text(value.type === 'objlnk' ? formatTextValue(value) : value.value);
  }
}

/** Decode a CBOR (60) single-value payload as the given type (inferred when undefined). Never throws. */
export function decodeCborSingleValue(type: ResourceType | undefined, bytes: Uint8Array): Result<Lwm2mValue, Lwm2mFormatFailure> {
  const tree = decodeCborTree(bytes, lwm2mCborLimits(bytes));
  if (!tree.ok) return err(tree.error);
  if (tree.value.trailing !== 0) return invalid(tree.value.end, `${tree.value.trailing} bytes after the CBOR item`);
  const value = cborNodeValue(tree.value, type);
  return typeof value === 'string' ? invalid(0, value) : ok(value);
}

/** Encode one value as a CBOR (60) payload. */
export function encodeCborSingleValue(value: Lwm2mValue): Uint8Array {
  const w = new CborWriter();
  writeCborValue(w, value);
  return w.toBytes();
}

function keySegments(node: CborNode): number[] | undefined {
  if (node.kind === 'uint') return typeof node.value === 'number' ? [node.value] : undefined;
  if (node.kind !== 'array' || node.items.length === 0) return undefined;
  const segments = node.items.map((item) => (item.kind === 'uint' && typeof item.value === 'number' ? item.value : -1));
  return segments.includes(-1) ? undefined : segments;
}

function walk(node: CborNode, prefix: Lwm2mPath, typeOf: ResourceTypeOf, out: Lwm2mRecord[]): Lwm2mFormatFailure | undefined {
  for (const { key, value } of node.kind === 'map' ? node.entries : []) {
    const segments = keySegments(key);
    const path = segments && [...prefix, ...segments];
    if (!path || !isValidPath(path)) return { kind: 'invalid', at: key.start, message: 'map key is not a path segment or array of segments within 0..65534 and 4 levels' };
    if (value.kind === 'map') {
      const failure = walk(value, path, typeOf, out);
      if (failure) return failure;
      continue;
    }
    if (path.length < 3) return { kind: 'invalid', at: value.start, message: `value at /${path.join('/')}, above resource level` };
    const typed = cborNodeValue(value, typeOf(path));
    if (typeof typed === 'string') return { kind: 'invalid', at: value.start, message: `/${path.join('/')}: ${typed}` };
    out.push({ path, value: typed });
  }
  return undefined;
}

/** Decode a LwM2M CBOR payload into records (paths are absolute from the root map). Never throws. */
export function decodeLwm2mCbor(bytes: Uint8Array, typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  const tree = decodeCborTree(bytes, lwm2mCborLimits(bytes));
  if (!tree.ok) return err(tree.error);
  if (tree.value.trailing !== 0) return invalid(tree.value.end, `${tree.value.trailing} bytes after the LwM2M CBOR map`);
  if (tree.value.kind !== 'map') return invalid(0, 'LwM2M CBOR must be a map');
  const records: Lwm2mRecord[] = [];
  const failure = walk(tree.value, [], typeOf, records);
  return failure ? err(failure) : ok(records);
}

/** Encoder choices: a common `prefix` written as one (array) key, and indefinite-length maps (Anjay's form). */
export interface Lwm2mCborOptions {
  prefix?: Lwm2mPath;
  indefinite?: boolean;
}

type Tree = Map<number, Tree | Lwm2mValue>;

function writeTree(w: CborWriter, tree: Tree, indefinite: boolean): void {
  w.mapHeader(indefinite ? 'indefinite' : tree.size);
  for (const [segment, child] of tree) {
    w.uint(segment);
    if (child instanceof Map) writeTree(w, child, indefinite);
    else writeCborValue(w, child);
  }
  if (indefinite) w.break();
}

/** Encode records as LwM2M CBOR; each record's path must start with `prefix` (else RangeError). */
export function encodeLwm2mCbor(records: readonly Lwm2mRecord[], options: Lwm2mCborOptions = {}): Uint8Array {
  const prefix = options.prefix ?? [];
  const root: Tree = new Map();
  for (const record of records) {
    if (!prefix.every((s, i) => record.path[i] === s)) throw new RangeError(`prefix /${prefix.join('/')} does not prefix /${record.path.join('/')}`);
    const rest = record.path.slice(prefix.length);
    if (rest.length === 0) throw new RangeError(`record /${record.path.join('/')} is not below prefix /${prefix.join('/')}`);
    let node = root;
    for (const segment of rest.slice(0, -1)) {
      let next = node.get(segment);
      if (!(next instanceof Map)) node.set(segment, (next = new Map()));
      node = next;
    }
    node.set(rest[rest.length - 1] ?? 0, record.value);
  }
  const w = new CborWriter();
  const indefinite = options.indefinite ?? false;
  if (prefix.length === 0) writeTree(w, root, indefinite);
  else {
    w.mapHeader(indefinite ? 'indefinite' : 1);
    if (prefix.length === 1) w.uint(prefix[0] ?? 0);
    else w.value(prefix);
    writeTree(w, root, indefinite);
    if (indefinite) w.break();
  }
  return w.toBytes();
}
