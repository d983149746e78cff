/**
 * Content formats as the client answers and accepts them, built on the LwM2M codec: OMA-TLV
 * (1.0 build), SenML JSON / SenML CBOR / CBOR (1.1 build), text/plain and opaque (both).
 * Single-value formats on a multiple resource answer its first instance, as Zephyr does
 * (capture read-5-0-8); on an object or instance they are refused with 4.06.
 * @see docs/spec/lwm2m.md §3; captures lwm2m-registrations.jsonl read-3-0-* rows
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { formatPath, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { decodeCborSingleValue, encodeCborSingleValue } from '../../codec/lwm2m/lwm2m-cbor.ts';
import { decodeSenmlCbor, encodeSenmlCbor } from '../../codec/lwm2m/senml-cbor.ts';
import { decodeSenmlJson, encodeSenmlJson } from '../../codec/lwm2m/senml-json.ts';
import { lwm2mToSenml, senmlToLwm2m } from '../../codec/lwm2m/senml.ts';
import { decodeOpaqueValue, decodeTextValue, encodeTextValue } from '../../codec/lwm2m/text.ts';
import { decodeTlvRecords, encodeTlvRecords } from '../../codec/lwm2m/tlv-encode.ts';
import type { ResourceTypeOf } from '../../codec/lwm2m/types.ts';
import { refuse, type ModelResult, type ValueRecord } from './object-store.ts';

const TLV_FORMATS = new Set<number>([ContentFormat.LWM2M_TLV, ContentFormat.LWM2M_TLV_LEGACY]);

/** SenML base name Zephyr writes: the instance path (`/3/0/`), or the object path at object level. */
export function senmlBaseName(path: Lwm2mPath): string {
  return `${formatPath(path.slice(0, Math.min(path.length, 2)))}/`;
}

/** Encode read records in `format` for a request on `path`. Single-value formats need a resource path. */
export function encodeContent(format: number, records: readonly ValueRecord[], path: Lwm2mPath): ModelResult<Uint8Array> {
  if (TLV_FORMATS.has(format)) return { ok: true, value: encodeTlvRecords(records, path) };
  if (format === ContentFormat.SENML_JSON) return { ok: true, value: encodeSenmlJson(lwm2mToSenml(records, senmlBaseName(path))) };
  if (format === ContentFormat.SENML_CBOR) return { ok: true, value: encodeSenmlCbor(lwm2mToSenml(records, senmlBaseName(path))) };
  if (path.length < 3) return refuse('4.06', `format ${format} carries a single value, path ${formatPath(path)} has several`);
  const first = records[0];
  if (format === ContentFormat.TEXT_PLAIN) return { ok: true, value: first === undefined ? new Uint8Array(0) : encodeTextValue(first.value) };
  if (format === ContentFormat.OCTET_STREAM) {
    if (first !== undefined && first.value.type !== 'opaque') return refuse('4.06', `resource ${formatPath(path)} is not opaque`);
    return { ok: true, value: first === undefined ? new Uint8Array(0) : (first.value.value as Uint8Array) };
  }
  if (format === ContentFormat.CBOR) return { ok: true, value: first === undefined ? new Uint8Array(0) : encodeCborSingleValue(first.value) };
  return refuse('4.06', `format ${format} not supported`);
}

/** Decode a write payload in `format` for `path` into records (4.00 on undecodable payloads). */
export function decodeContent(format: number, payload: Uint8Array, path: Lwm2mPath, typeOf: ResourceTypeOf): ModelResult<ValueRecord[]> {
  const bad = (message: string): ModelResult<ValueRecord[]> => refuse('4.00', message);
  if (TLV_FORMATS.has(format)) {
    const r = decodeTlvRecords(payload, path, typeOf);
    return r.ok ? { ok: true, value: r.value } : bad(r.error.message);
  }
  if (format === ContentFormat.SENML_JSON || format === ContentFormat.SENML_CBOR) {
    const senml = format === ContentFormat.SENML_JSON ? decodeSenmlJson(payload) : decodeSenmlCbor(payload);
    if (!senml.ok) return bad(senml.error.message);
    const r = senmlToLwm2m(senml.value, typeOf);
    return r.ok ? { ok: true, value: r.value } : bad(r.error.message);
  }
  if (path.length < 3) return bad(`format ${format} carries a single value, path ${formatPath(path)} needs several`);
  const type = typeOf(path) ?? 'opaque';
  if (format === ContentFormat.TEXT_PLAIN) {
    const v = decodeTextValue(type, payload);
    return v.ok ? { ok: true, value: [{ path, value: v.value }] } : bad(v.error.message);
  }
  if (format === ContentFormat.OCTET_STREAM) return { ok: true, value: [{ path, value: decodeOpaqueValue(payload) }] };
  if (format === ContentFormat.CBOR) {
    const v = decodeCborSingleValue(type, payload);
    return v.ok ? { ok: true, value: [{ path, value: v.value }] } : bad(v.error.message);
  }
  return refuse('4.15', `format ${format} not supported`);
}
