/**
 * LwM2M JSON (Content-Format 11543, LwM2M 1.0): `{"bn":"/3/0/","bt":T,"e":[{"n":"0","sv":"…"}]}`
 * with one value field per entry: `v` number, `bv` boolean, `sv` string (opaque as base64),
 * `ov` object link `"oid:iid"`, and an optional time `t` relative to `bt`.
 * @see docs/spec/lwm2m.md §3.5
 */
import { err, ok, type Result } from '../../core/result.ts';
import { formatPath, parsePath } from './path.ts';
import { decodeTextValue, formatTextValue } from './text.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, Lwm2mValue, ResourceType, ResourceTypeOf } from './types.ts';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function invalid(at: number, message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at, message });
}

function entryValue(entry: Record<string, unknown>, type: ResourceType | undefined): Lwm2mValue | string {
  const fields = ['v', 'bv', 'sv', 'ov'].filter((k) => entry[k] !== undefined);
  if (fields.length !== 1) return `needs exactly one of v, bv, sv, ov (has ${fields.join(', ') || 'none'})`;
  const { v, bv, sv, ov } = entry;
  if (typeof v === 'number') {
    if (type === 'float' || (type === undefined && !Number.isInteger(v))) return { type: 'float', value: v };
    if (!Number.isInteger(v)) return `${type} value ${v} is not an integer`;
    return { type: type === 'unsigned' || type === 'time' ? type : 'integer', value: BigInt(v) };
  }
  if (typeof bv === 'boolean') return { type: 'boolean', value: bv };
  if (typeof ov === 'string') {
    const link = decodeTextValue('objlnk', new TextEncoder().encode(ov));
    return link.ok ? link.value : `ov "${ov}" is not oid:iid`;
  }
  if (typeof sv === 'string') {
    if (type === 'opaque') {
      const bytes = decodeTextValue('opaque', new TextEncoder().encode(sv));
      return bytes.ok ? bytes.value : 'opaque sv is not base64';
    }
    return { type: type === 'corelnk' ? 'corelnk' : 'string', value: sv };
  }
  return 'value field has the wrong JSON type';
}

function readEntry(item: unknown, index: number, baseName: string, baseTime: number | undefined, typeOf: ResourceTypeOf): Result<Lwm2mRecord, Lwm2mFormatFailure> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return invalid(index, `entry ${index} is not an object`);
  const entry = item as Record<string, unknown>;
  if (entry.n !== undefined && typeof entry.n !== 'string') return invalid(index, `entry ${index}: n must be a string`);
  const name = baseName + ((entry.n as string | undefined) ?? '');
  const path = parsePath(name.startsWith('/') ? name : `/${name}`);
  if (!path.ok || path.value.length < 3) return invalid(index, `entry ${index}: "${name}" is not a resource path`);
  const value = entryValue(entry, typeOf(path.value));
  if (typeof value === 'string') return invalid(index, `entry ${index} (${name}): ${value}`);
  if (entry.t !== undefined && typeof entry.t !== 'number') return invalid(index, `entry ${index}: t must be a number`);
  const time = entry.t !== undefined || baseTime !== undefined ? (baseTime ?? 0) + ((entry.t as number | undefined) ?? 0) : undefined;
  return ok(time === undefined ? { path: path.value, value } : { path: path.value, value, time });
}

/** Decode a LwM2M JSON payload into typed records; `at` is the entry index. Never throws. */
export function decodeLwm2mJson(bytes: Uint8Array, typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  let doc: unknown;
  try {
    doc = JSON.parse(utf8Strict.decode(bytes));
  } catch (e) {
    return invalid(0, `not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { e?: unknown }).e)) return invalid(0, 'LwM2M JSON must be an object with an "e" array');
  const { bn, bt, e } = doc as { bn?: unknown; bt?: unknown; e: unknown[] };
  if (bn !== undefined && typeof bn !== 'string') return invalid(0, 'bn must be a string');
  if (bt !== undefined && typeof bt !== 'number') return invalid(0, 'bt must be a number');
  const records: Lwm2mRecord[] = [];
  for (const [index, item] of e.entries()) {
    const record = readEntry(item, index, bn ?? '', bt, typeOf);
    if (!record.ok) return record;
    records.push(record.value);
  }
  return ok(records);
}

function entryText(record: Lwm2mRecord, baseName: string): string {
  const name = JSON.stringify(formatPath(record.path).slice(baseName.length));
  const v = record.value;
  const field =
    v.type === 'boolean' ? `"bv":${v.value}`
    : v.type === 'objlnk' ? `"ov":"${formatTextValue(v)}"`
    : v.type === 'string' || v.type === 'corelnk' || v.type === 'opaque' ? `"sv":${JSON.stringify(formatTextValue(v))}`
    : `"v":${v.type === 'float' ? JSON.stringify(v.value) : v.value.toString()}`;
  return `{"n":${name},${field}${record.time === undefined ? '' : `,"t":${record.time}`}}`;
}

/** Encode records as LwM2M JSON with base name `baseName` (must prefix every path, e.g. `/3/0/`). */
export function encodeLwm2mJson(records: readonly Lwm2mRecord[], baseName: string): Uint8Array {
  for (const r of records) if (!formatPath(r.path).startsWith(baseName)) throw new RangeError(`base name ${baseName} does not prefix ${formatPath(r.path)}`);
  return new TextEncoder().encode(`{"bn":${JSON.stringify(baseName)},"e":[${records.map((r) => entryText(r, baseName)).join(',')}]}`);
}
