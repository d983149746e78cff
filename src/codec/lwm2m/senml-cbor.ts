/**
 * SenML CBOR (Content-Format 112): an array of maps with the integer labels of RFC 8428
 * (bn -2, bt -3, n 0, v 2, vs 3, vb 4, t 6, vd 8) and LwM2M's text label "vlo". Decoded with the
 * strict CBOR tree decoder, so truncated or malformed CBOR is a typed failure.
 * @see docs/spec/lwm2m.md §3.6 (RFC 8428 §6)
 */
import { err, ok, type Result } from '../../core/result.ts';
import { decodeCborTree, type CborNode } from '../cbor/tree.ts';
import { CborWriter } from '../cbor/writer.ts';
import { lwm2mCborLimits, cborBoolean, cborKey, cborNumber, cborText, writeCborNumber } from './cbor-values.ts';
import type { SenmlRecord } from './senml.ts';
import type { Lwm2mFormatFailure } from './types.ts';

/** RFC 8428 integer labels LwM2M uses. */
export const SenmlCborLabel = { bn: -2, bt: -3, n: 0, v: 2, vs: 3, vb: 4, t: 6, vd: 8 } as const;

type LabelReader = (node: CborNode) => unknown;
const READERS = new Map<number | string, [keyof SenmlRecord, LabelReader]>([
  [SenmlCborLabel.bn, ['bn', cborText]],
  [SenmlCborLabel.bt, ['bt', (n) => numberOnly(cborNumber(n))]],
  [SenmlCborLabel.n, ['n', cborText]],
  [SenmlCborLabel.v, ['v', cborNumber]],
  [SenmlCborLabel.vs, ['vs', cborText]],
  [SenmlCborLabel.vb, ['vb', cborBoolean]],
  [SenmlCborLabel.t, ['t', (n) => numberOnly(cborNumber(n))]],
  [SenmlCborLabel.vd, ['vd', (n) => (n.kind === 'bstr' ? n.value : undefined)]],
  ['vlo', ['vlo', cborText]],
]);

function numberOnly(v: number | bigint | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function invalid(at: number, message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at, message });
}

function readRecord(node: CborNode, index: number): Result<SenmlRecord, Lwm2mFormatFailure> {
  if (node.kind !== 'map') return invalid(node.start, `record ${index} is not a map`);
  const record: Record<string, unknown> = {};
  const seen = new Set<number | string>();
  for (const { key, value } of node.entries) {
    const label = cborKey(key);
    if (label === undefined) return invalid(key.start, `record ${index} has a key that is neither an integer nor a text label`);
    if (seen.has(label)) return invalid(key.start, `record ${index} repeats label ${label}`);
    seen.add(label);
    const reader = READERS.get(label);
    if (!reader) continue;
    const decoded = reader[1](value);
    if (decoded === undefined) return invalid(value.start, `record ${index}: label ${label} has the wrong type`);
    record[reader[0]] = decoded;
  }
  return ok(record as SenmlRecord);
}

/** Decode a SenML CBOR pack; `at` is a byte offset. Never throws. */
export function decodeSenmlCbor(bytes: Uint8Array): Result<SenmlRecord[], Lwm2mFormatFailure> {
  const tree = decodeCborTree(bytes, lwm2mCborLimits(bytes));
  if (!tree.ok) return err(tree.error);
  if (tree.value.trailing !== 0) return invalid(tree.value.end, `${tree.value.trailing} bytes after the SenML pack`);
  if (tree.value.kind !== 'array') return invalid(0, 'SenML CBOR must be an array of records');
  const records: SenmlRecord[] = [];
  for (const [index, item] of tree.value.items.entries()) {
    const record = readRecord(item, index);
    if (!record.ok) return record;
    records.push(record.value);
  }
  return ok(records);
}

function fieldCount(record: SenmlRecord): number {
  return (['bn', 'bt', 'n', 'v', 'vs', 'vb', 'vd', 'vlo', 't'] as const).filter((k) => record[k] !== undefined).length;
}

/** Encode records as SenML CBOR, labels in the order bn, bt, n, value, t (Zephyr's order). */
export function encodeSenmlCbor(records: readonly SenmlRecord[]): Uint8Array {
  const w = new CborWriter().arrayHeader(records.length);
  for (const r of records) {
    w.mapHeader(fieldCount(r));
    if (r.bn !== undefined) w.int(SenmlCborLabel.bn).text(r.bn);
    if (r.bt !== undefined) writeCborNumber(w.int(SenmlCborLabel.bt), r.bt);
    if (r.n !== undefined) w.int(SenmlCborLabel.n).text(r.n);
    if (r.v !== undefined) writeCborNumber(w.int(SenmlCborLabel.v), r.v);
    if (r.vs !== undefined) w.int(SenmlCborLabel.vs).text(r.vs);
    if (r.vb !== undefined) w.int(SenmlCborLabel.vb).bool(r.vb);
    if (r.vd !== undefined) w.int(SenmlCborLabel.vd).bytes(r.vd);
    if (r.vlo !== undefined) w.text('vlo').text(r.vlo);
    if (r.t !== undefined) writeCborNumber(w.int(SenmlCborLabel.t), r.t);
  }
  return w.toBytes();
}
