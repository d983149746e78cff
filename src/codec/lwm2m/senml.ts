/**
 * SenML records (RFC 8428) with the LwM2M rules: base-name resolution (name = bn + n), base
 * time, one value field per record, and names that resolve to LwM2M paths. The JSON and CBOR
 * encodings share this model.
 * @see docs/spec/lwm2m.md §3.6
 */
import { err, ok, type Result } from '../../core/result.ts';
import { formatPath, parsePath, type Lwm2mPath } from './path.ts';
import { decodeTextValue, formatTextValue } from './text.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, Lwm2mValue, ResourceType, ResourceTypeOf } from './types.ts';

/** One SenML record as on the wire (only the labels LwM2M uses). */
export interface SenmlRecord {
  bn?: string;
  bt?: number;
  n?: string;
  v?: number | bigint;
  vs?: string;
  vb?: boolean;
  vd?: Uint8Array;
  /** LwM2M object link `oid:iid`. */
  vlo?: string;
  t?: number;
}

/** Value labels; a record carries at most one (none for Read-Composite request records). */
export const SENML_VALUE_LABELS = ['v', 'vs', 'vb', 'vd', 'vlo'] as const;

/** A record with its base values applied: the full name, path, and absolute time. */
export interface ResolvedSenmlRecord {
  index: number;
  name: string;
  path: Lwm2mPath;
  record: SenmlRecord;
  time?: number;
}

function failure(index: number, message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at: index, message: `record ${index}: ${message}` });
}

/**
 * Apply base name and base time to every record and parse each full name as a LwM2M path.
 * `at` in a failure is the record index.
 */
export function resolveSenml(records: readonly SenmlRecord[]): Result<ResolvedSenmlRecord[], Lwm2mFormatFailure> {
  let baseName = '';
  let baseTime: number | undefined;
  const out: ResolvedSenmlRecord[] = [];
  for (const [index, record] of records.entries()) {
    if (record.bn !== undefined) baseName = record.bn;
    if (record.bt !== undefined) baseTime = record.bt;
    const values = SENML_VALUE_LABELS.filter((label) => record[label] !== undefined);
    if (values.length > 1) return failure(index, `more than one value field (${values.join(', ')})`);
    const name = baseName + (record.n ?? '');
    const path = parsePath(name);
    if (!path.ok) return failure(index, `name "${name}" is not a LwM2M path: ${path.error.message}`);
    const time = record.t !== undefined || baseTime !== undefined ? (baseTime ?? 0) + (record.t ?? 0) : undefined;
    out.push(time === undefined ? { index, name, path: path.value, record } : { index, name, path: path.value, record, time });
  }
  return ok(out);
}

function numericValue(type: ResourceType, v: number | bigint): Lwm2mValue | string {
  if (type === 'float') return { type, value: Number(v) };
  if (type === 'integer' || type === 'unsigned' || type === 'time') {
    if (typeof v === 'number' && !Number.isInteger(v)) return `${type} value ${v} is not an integer`;
    const value = BigInt(v);
    if (type === 'unsigned' && value < 0n) return `unsigned value ${v} is negative`;
    return { type, value };
  }
  return `numeric value for a ${type} resource`;
}

/** The typed value of one record, or a message when its value field does not fit the type. */
function recordValue(record: SenmlRecord, type: ResourceType | undefined): Lwm2mValue | string | undefined {
  if (record.v !== undefined) return numericValue(type ?? (typeof record.v === 'bigint' || Number.isInteger(record.v) ? 'integer' : 'float'), record.v);
  if (record.vb !== undefined) return type === undefined || type === 'boolean' ? { type: 'boolean', value: record.vb } : `boolean value for a ${type} resource`;
  if (record.vd !== undefined) return type === undefined || type === 'opaque' ? { type: 'opaque', value: record.vd } : `data value for a ${type} resource`;
  if (record.vlo !== undefined) {
    const link = decodeTextValue('objlnk', new TextEncoder().encode(record.vlo));
    return link.ok ? link.value : `vlo "${record.vlo}" is not oid:iid`;
  }
  if (record.vs !== undefined) return type === 'corelnk' ? { type, value: record.vs } : type === undefined || type === 'string' ? { type: 'string', value: record.vs } : `string value for a ${type} resource`;
  return undefined;
}

/**
 * SenML records → LwM2M records. Values are typed by `typeOf` (unknown resources keep the
 * SenML value kind). Records without a value (composite read requests) are refused here; use
 * `resolveSenml` for those.
 */
export function senmlToLwm2m(records: readonly SenmlRecord[], typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  const resolved = resolveSenml(records);
  if (!resolved.ok) return resolved;
  const out: Lwm2mRecord[] = [];
  for (const r of resolved.value) {
    if (r.path.length < 3) return failure(r.index, `name "${r.name}" is not a resource or resource-instance path`);
    const value = recordValue(r.record, typeOf(r.path));
    if (value === undefined) return failure(r.index, `no value for ${r.name}`);
    if (typeof value === 'string') return failure(r.index, `${r.name}: ${value}`);
    out.push(r.time === undefined ? { path: r.path, value } : { path: r.path, value, time: r.time });
  }
  return ok(out);
}

function valueFields(value: Lwm2mValue): SenmlRecord {
  switch (value.type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      return { v: value.value >= BigInt(Number.MIN_SAFE_INTEGER) && value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : value.value };
    case 'float':
      return { v: value.value };
    case 'boolean':
      return { vb: value.value };
    case 'opaque':
      return { vd: value.value };
    case 'objlnk':
      return { vlo: formatTextValue(value) };
    case 'string':
    case 'corelnk':
      return { vs: value.value };
  }
}

/**
 * LwM2M records → SenML records. `baseName` goes in `bn` of the first record and every name is
 * written relative to it (`/3/0/` gives `n: "0"`, `/3/0` gives `n: "/0"`); it must prefix every
 * record's path, else RangeError. Record times are written as `t`.
 */
export function lwm2mToSenml(records: readonly Lwm2mRecord[], baseName = ''): SenmlRecord[] {
  return records.map((record, index) => {
    const name = formatPath(record.path);
    if (!name.startsWith(baseName)) throw new RangeError(`base name ${baseName} does not prefix ${name}`);
    const senml: SenmlRecord = index === 0 && baseName !== '' ? { bn: baseName } : {};
    senml.n = name.slice(baseName.length);
    Object.assign(senml, valueFields(record.value));
    if (record.time !== undefined) senml.t = record.time;
    return senml;
  });
}

/** Records naming paths only, as a Read-Composite/Observe-Composite request carries them. */
export function compositeRequestRecords(paths: readonly Lwm2mPath[]): SenmlRecord[] {
  return paths.map((path) => ({ n: formatPath(path) }));
}
