/**
 * Small declarative field checkers shared by the group codecs. A response schema lists each
 * spec-defined key with its CBOR type and whether it must be present; `checkResponse` walks a
 * decoded body, reports every mismatch as a `FieldProblem` (with a path such as
 * `images[0].hash`), lists keys the spec does not define, and never throws.
 * @see docs/spec/smp.md §1.7, §3
 */
import { err, ok, type Result } from '../../../core/result.ts';
import { isCborMap, type CborValue } from '../../cbor/cbor.ts';
import type { DecodedResponse, FieldProblem, SmpCommand } from '../command.ts';

/** The CBOR type a field must have. */
export type FieldType =
  | { readonly t: 'uint' }
  | { readonly t: 'uint64' }
  | { readonly t: 'int' }
  | { readonly t: 'tstr' }
  | { readonly t: 'bool' }
  | { readonly t: 'bstr'; readonly size?: number }
  | { readonly t: 'array'; readonly of: FieldType }
  | { readonly t: 'map'; readonly fields: FieldSchema }
  | { readonly t: 'dict'; readonly of: FieldType }
  | { readonly t: 'oneOf'; readonly of: readonly FieldType[] };

/** One key of a map: its type and whether the spec requires it. */
export interface FieldSpec {
  readonly type: FieldType;
  readonly required: boolean;
}

/** The keys of a map, in spec order. */
export type FieldSchema = Readonly<Record<string, FieldSpec>>;

/** Unsigned integer that fits a JS number exactly. */
export const uint: FieldType = { t: 'uint' };
/** Unsigned integer up to 2^64-1 (counters); bigint above 2^53. */
export const uint64: FieldType = { t: 'uint64' };
/** Signed integer. */
export const int: FieldType = { t: 'int' };
/** Text string. */
export const tstr: FieldType = { t: 'tstr' };
/** Boolean. */
export const bool: FieldType = { t: 'bool' };
/** Byte string, optionally of an exact size. */
export function bstr(size?: number): FieldType {
  return size === undefined ? { t: 'bstr' } : { t: 'bstr', size };
}
/** Array whose elements all have one type. */
export function arrayOf(of: FieldType): FieldType {
  return { t: 'array', of };
}
/** Map with known keys. */
export function mapOf(fields: FieldSchema): FieldType {
  return { t: 'map', fields };
}
/** Map from arbitrary text keys (names) to values of one type. */
export function dictOf(of: FieldType): FieldType {
  return { t: 'dict', of };
}
/** Any one of several types. */
export function oneOf(...of: FieldType[]): FieldType {
  return { t: 'oneOf', of };
}
/** A key the spec requires. */
export function req(type: FieldType): FieldSpec {
  return { type, required: true };
}
/** A key the spec allows to be absent. */
export function opt(type: FieldType): FieldSpec {
  return { type, required: false };
}

/** A request or response with no fields (`{}`). */
export type Empty = Record<string, never>;

/** The empty schema: success responses that carry no fields (`{}`). */
export const EMPTY_SCHEMA: FieldSchema = {};

/** At most this many problems are reported per response (a hostile body could yield millions). */
export const MAX_FIELD_PROBLEMS = 100;

/** Describe a decoded CBOR value for a `FieldProblem.actual`: `tstr "abc"`, `uint 5`, `bstr of 3 bytes`. */
export function describeCbor(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return `bool ${v}`;
  if (typeof v === 'bigint') return v < 0n ? `nint ${v}` : `uint ${v}`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `float ${v}`;
    return v < 0 ? `nint ${v}` : `uint ${v}`;
  }
  if (typeof v === 'string') return `tstr ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v instanceof Uint8Array) return `bstr of ${v.length} bytes`;
  if (Array.isArray(v)) return `array of ${v.length}`;
  if (v instanceof Map) return `map with non-text keys (${v.size} pairs)`;
  if (isCborMap(v)) return `map of ${Object.keys(v).length}`;
  return `${typeof v} ${Object.prototype.toString.call(v)}`;
}

function describeType(t: FieldType): string {
  switch (t.t) {
    case 'uint':
    case 'uint64':
    case 'int':
    case 'tstr':
    case 'bool':
      return t.t;
    case 'bstr':
      return t.size === undefined ? 'bstr' : `bstr of ${t.size} bytes`;
    case 'array':
      return `array of ${describeType(t.of)}`;
    case 'map':
      return 'map';
    case 'dict':
      return `map of text → ${describeType(t.of)}`;
    case 'oneOf':
      return t.of.map(describeType).join(' or ');
  }
}

interface Walk {
  problems: FieldProblem[];
  unknown: string[];
}

function problem(w: Walk, field: string, expected: string, actual: string): void {
  if (w.problems.length < MAX_FIELD_PROBLEMS) w.problems.push({ field: field === '' ? '(body)' : field, expected, actual });
}

function isUintNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0);
}

/** The value as a number when it is an integer that a JS number holds exactly (cbor-x returns bigint for 8-byte heads). */
function safeInteger(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? v : undefined;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

/** The path of `key` under `parent`: `images[0]`, `images[0].hash`; built only when a problem or a nested value needs it. */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Record that `v` is not of type `t`; always undefined, the value the caller returns. */
function mismatch(w: Walk, parent: string, key: string | number | undefined, t: FieldType, v: CborValue): undefined {
  problem(w, key === undefined ? parent : childPath(parent, key), describeType(t), describeCbor(v));
  return undefined;
}

/**
 * Check one value against a type; returns the typed copy (bstr as plain Uint8Array views). The
 * value sits at `key` under `parent` (`key` undefined: at `parent` itself); the path string is
 * only built when needed, so a well-formed reply costs no string work.
 */
function checkValue(w: Walk, parent: string, key: string | number | undefined, t: FieldType, v: CborValue): unknown {
  switch (t.t) {
    case 'uint': {
      const n = safeInteger(v);
      return n !== undefined && n >= 0 ? n : mismatch(w, parent, key, t, v);
    }
    case 'uint64':
      if (typeof v === 'bigint') return v >= 0n && v < 1n << 64n ? (safeInteger(v) ?? v) : mismatch(w, parent, key, t, v);
      return isUintNumber(v) ? v : mismatch(w, parent, key, t, v);
    case 'int':
      return safeInteger(v) ?? mismatch(w, parent, key, t, v);
    case 'tstr':
      return typeof v === 'string' ? v : mismatch(w, parent, key, t, v);
    case 'bool':
      return typeof v === 'boolean' ? v : mismatch(w, parent, key, t, v);
    case 'bstr':
      if (!(v instanceof Uint8Array) || (t.size !== undefined && v.length !== t.size)) return mismatch(w, parent, key, t, v);
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    default:
      return checkContainer(w, key === undefined ? parent : childPath(parent, key), t, v);
  }
}

/** Check a value whose type is an array, map, dict or choice, at `path`. */
function checkContainer(w: Walk, path: string, t: FieldType, v: CborValue): unknown {
  switch (t.t) {
    case 'array':
      return Array.isArray(v) ? v.map((x, i) => checkValue(w, path, i, t.of, x)) : mismatch(w, path, undefined, t, v);
    case 'map':
      return isCborMap(v) ? checkMap(w, path, t.fields, v) : mismatch(w, path, undefined, t, v);
    case 'dict':
      return isCborMap(v) ? checkDict(w, path, t.of, v) : mismatch(w, path, undefined, t, v);
    case 'oneOf':
      return checkOneOf(w, path, t, v);
    default:
      return checkValue(w, path, undefined, t, v);
  }
}

function checkOneOf(w: Walk, path: string, t: { t: 'oneOf'; of: readonly FieldType[] }, v: CborValue): unknown {
  for (const alt of t.of) {
    const trial: Walk = { problems: [], unknown: [] };
    const out = checkValue(trial, path, undefined, alt, v);
    if (trial.problems.length === 0) {
      w.unknown.push(...trial.unknown);
      return out;
    }
  }
  problem(w, path, describeType(t), describeCbor(v));
  return undefined;
}

function checkDict(w: Walk, path: string, of: FieldType, v: { [key: string]: CborValue }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // defineProperty: a device may send a key named "__proto__"; plain assignment would act on it.
    Object.defineProperty(out, k, { value: checkValue(w, path, k, of, x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function checkMap(w: Walk, path: string, schema: FieldSchema, v: { [key: string]: CborValue }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let known = 0;
  for (const key in schema) {
    const spec = schema[key]!;
    const x = hasOwn(v, key) ? v[key] : undefined;
    if (x !== undefined) known++;
    if (x === undefined) {
      if (spec.required) problem(w, childPath(path, key), `${describeType(spec.type)} (required)`, 'missing');
      continue;
    }
    out[key] = checkValue(w, path, key, spec.type, x);
  }
  const keys = Object.keys(v);
  // Every key of the body was a schema key: nothing unknown to list.
  if (keys.length === known) return out;
  for (const key of keys) if (!hasOwn(schema, key)) w.unknown.push(childPath(path, key));
  return out;
}

/**
 * Check a success response body against the schema of its command. Never throws; the value is
 * only returned when there is no problem.
 */
export function checkResponse<Rsp>(
  rsp: Record<string, CborValue>,
  top: FieldType,
  extra?: (value: Rsp) => FieldProblem[],
): Result<DecodedResponse<Rsp>, FieldProblem[]> {
  const w: Walk = { problems: [], unknown: [] };
  const value = checkValue(w, '', undefined, top, rsp as CborValue);
  if (w.problems.length > 0) return err(w.problems);
  const more = extra ? extra(value as Rsp) : [];
  if (more.length > 0) return err(more);
  return ok({ value: value as Rsp, unknownFields: w.unknown });
}

/** Copy the keys of `req` in `order`, leaving out those that are undefined. */
export function pickDefined(req: object, order: readonly string[]): Record<string, unknown> {
  const src = req as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) if (src[key] !== undefined) out[key] = src[key];
  return out;
}

/** An `SmpCommand` plus its declared request and response schemas. */
export type DefinedCommand<Req, Rsp> = SmpCommand<Req, Rsp> & {
  /** Request keys in spec order (the order `encodeBody` writes them). */
  readonly requestKeys: readonly string[];
  /** Request field types (what the device's decoder expects; used to build wrong-type requests). */
  readonly requestSchema: FieldSchema;
  readonly responseType: FieldType;
};

/** Build an `SmpCommand` whose request and response schemas are declared as data. */
export function defineCommand<Req extends object, Rsp>(def: {
  name: string;
  group: number;
  id: number;
  op: number;
  request: FieldSchema;
  response: FieldSchema | FieldType;
  check?: (value: Rsp) => FieldProblem[];
}): DefinedCommand<Req, Rsp> {
  const top: FieldType = isFieldType(def.response) ? def.response : mapOf(def.response);
  const requestKeys = Object.keys(def.request);
  return {
    name: def.name,
    group: def.group,
    id: def.id,
    op: def.op,
    requestKeys,
    requestSchema: def.request,
    responseType: top,
    encodeBody: (req: Req) => pickDefined(req, requestKeys),
    decodeResponse: (rsp) => checkResponse<Rsp>(rsp, top, def.check),
  };
}

function isFieldType(x: FieldSchema | FieldType): x is FieldType {
  const t = (x as { t?: unknown }).t;
  return typeof t === 'string';
}
