/**
 * SenML JSON (Content-Format 110): an array of record objects; `vd` is base64url without
 * padding. The encoder writes labels in the order bn, bt, n, value, t (Zephyr and Wakaama
 * order) and integers beyond 2^53 as exact digits.
 * @see docs/spec/lwm2m.md §3.6 (RFC 8428 §4, §5)
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { SenmlRecord } from './senml.ts';
import type { Lwm2mFormatFailure } from './types.ts';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

type FieldCheck = (value: unknown) => boolean;
const FIELD_CHECKS: Record<string, FieldCheck> = {
  bn: (v) => typeof v === 'string',
  bt: (v) => typeof v === 'number',
  n: (v) => typeof v === 'string',
  v: (v) => typeof v === 'number',
  vs: (v) => typeof v === 'string',
  vb: (v) => typeof v === 'boolean',
  vd: (v) => typeof v === 'string' && BASE64URL.test(v),
  vlo: (v) => typeof v === 'string',
  t: (v) => typeof v === 'number',
};

function invalid(at: number, message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at, message });
}

function readRecord(item: unknown, index: number): Result<SenmlRecord, Lwm2mFormatFailure> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return invalid(index, `record ${index} is not an object`);
  const record: Record<string, unknown> = {};
  for (const [label, value] of Object.entries(item)) {
    const check = FIELD_CHECKS[label];
    // RFC 8428 §4.4: labels ending in "_" must be understood; other unknown labels are ignored.
    if (!check) {
      if (label.endsWith('_')) return invalid(index, `record ${index} has must-understand label ${label}`);
      continue;
    }
    if (!check(value)) return invalid(index, `record ${index}: label ${label} has the wrong type`);
    record[label] = label === 'vd' ? new Uint8Array(Buffer.from(value as string, 'base64url')) : value;
  }
  return ok(record as SenmlRecord);
}

/** Decode a SenML JSON pack; `at` is the record index (0 for syntax errors). Never throws. */
export function decodeSenmlJson(bytes: Uint8Array): Result<SenmlRecord[], Lwm2mFormatFailure> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Strict.decode(bytes));
  } catch (e) {
    return invalid(0, `not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) return invalid(0, 'SenML JSON must be an array of records');
  const records: SenmlRecord[] = [];
  for (const [index, item] of parsed.entries()) {
    const record = readRecord(item, index);
    if (!record.ok) return record;
    records.push(record.value);
  }
  return ok(records);
}

function jsonNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new RangeError(`SenML JSON has no form for ${value}`);
  return JSON.stringify(value);
}

function recordText(record: SenmlRecord): string {
  const fields: string[] = [];
  if (record.bn !== undefined) fields.push(`"bn":${JSON.stringify(record.bn)}`);
  if (record.bt !== undefined) fields.push(`"bt":${jsonNumber(record.bt)}`);
  if (record.n !== undefined) fields.push(`"n":${JSON.stringify(record.n)}`);
  if (record.v !== undefined) fields.push(`"v":${jsonNumber(record.v)}`);
  if (record.vs !== undefined) fields.push(`"vs":${JSON.stringify(record.vs)}`);
  if (record.vb !== undefined) fields.push(`"vb":${record.vb}`);
  if (record.vd !== undefined) fields.push(`"vd":"${Buffer.from(record.vd).toString('base64url')}"`);
  if (record.vlo !== undefined) fields.push(`"vlo":${JSON.stringify(record.vlo)}`);
  if (record.t !== undefined) fields.push(`"t":${jsonNumber(record.t)}`);
  return `{${fields.join(',')}}`;
}

/** Encode records as a compact SenML JSON pack. Non-finite numbers throw RangeError. */
export function encodeSenmlJson(records: readonly SenmlRecord[]): Uint8Array {
  return new TextEncoder().encode(`[${records.map(recordText).join(',')}]`);
}
