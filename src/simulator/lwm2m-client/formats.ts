/**
 * Content-format policy of the client on top of the codec's `encodeContent`/`decodeContent`:
 * single-value formats (text, opaque, CBOR) on an object or instance are refused with 4.06; on
 * a multiple resource they answer its first instance, as Zephyr does (capture read-5-0-8); a
 * resource without a value answers an empty payload; undecodable payloads are 4.00.
 * @see docs/spec/lwm2m.md §3; captures lwm2m-registrations.jsonl read-3-0-* rows
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { decodeContent as decodeCodec, encodeContent as encodeCodec, isSingleValueFormat, VALUE_FORMATS, type ValueFormat } from '../../codec/lwm2m/content.ts';
import { formatPath, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { ResourceTypeOf } from '../../codec/lwm2m/types.ts';
import { refuse, type ModelResult, type ValueRecord } from './object-store.ts';

const isValueFormat = (format: number): format is ValueFormat => (VALUE_FORMATS as readonly number[]).includes(format);

/** Encode read records in `format` for a request on `path`. */
export function encodeContent(format: number, records: readonly ValueRecord[], path: Lwm2mPath): ModelResult<Uint8Array> {
  if (!isValueFormat(format)) return refuse('4.06', `format ${format} not supported`);
  if (!isSingleValueFormat(format)) return { ok: true, value: encodeCodec(format, records, path) };
  if (path.length < 3) return refuse('4.06', `format ${format} carries a single value, path ${formatPath(path)} has several`);
  const first = records[0];
  if (first === undefined) return { ok: true, value: new Uint8Array(0) };
  if (format === ContentFormat.OCTET_STREAM && first.value.type !== 'opaque') return refuse('4.06', `resource ${formatPath(path)} is not opaque`);
  return { ok: true, value: encodeCodec(format, [first], path) };
}

/** Decode a write payload in `format` for `path` into records (4.00 on undecodable payloads). */
export function decodeContent(format: number, payload: Uint8Array, path: Lwm2mPath, typeOf: ResourceTypeOf): ModelResult<ValueRecord[]> {
  if (!isValueFormat(format)) return refuse('4.15', `format ${format} not supported`);
  const decoded = decodeCodec(format, payload, path, typeOf);
  return decoded.ok ? { ok: true, value: decoded.value } : refuse('4.00', decoded.error.message);
}
