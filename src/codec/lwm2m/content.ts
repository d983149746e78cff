/**
 * One entry point per direction for every LwM2M content format: decode a payload answering (or
 * sent to) a request path into typed records, and encode records for a request path. Single-value
 * formats (text/plain, octet-stream, CBOR) carry exactly one record at a resource or
 * resource-instance path.
 * @see docs/spec/lwm2m.md §3
 */
import { ContentFormat } from '../coap/content-format.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { decodeCborSingleValue, decodeLwm2mCbor, encodeCborSingleValue, encodeLwm2mCbor } from './lwm2m-cbor.ts';
import { decodeLwm2mJson, encodeLwm2mJson } from './lwm2m-json.ts';
import { formatPath, type Lwm2mPath } from './path.ts';
import { lwm2mToSenml, senmlToLwm2m } from './senml.ts';
import { decodeSenmlCbor, encodeSenmlCbor } from './senml-cbor.ts';
import { decodeSenmlJson, encodeSenmlJson } from './senml-json.ts';
import { decodeTextValue, decodeOpaqueValue, encodeTextValue } from './text.ts';
import { decodeTlvRecords, encodeTlvRecords } from './tlv-encode.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, ResourceTypeOf } from './types.ts';

/** Content formats that carry LwM2M resource values (link format is separate). */
export const VALUE_FORMATS = [
  ContentFormat.TEXT_PLAIN, ContentFormat.OCTET_STREAM, ContentFormat.CBOR, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_TLV_LEGACY, ContentFormat.LWM2M_JSON_LEGACY, ContentFormat.LWM2M_TLV, ContentFormat.LWM2M_JSON, ContentFormat.LWM2M_CBOR,
] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

/** Formats that hold one value only. */
export function isSingleValueFormat(format: number): boolean {
  return format === ContentFormat.TEXT_PLAIN || format === ContentFormat.OCTET_STREAM || format === ContentFormat.CBOR;
}

function singleValue(format: number, bytes: Uint8Array, path: Lwm2mPath, typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  if (path.length < 3) return err({ kind: 'invalid', at: 0, message: `format ${format} holds a single value; ${formatPath(path)} is not a resource path` });
  const type = typeOf(path);
  if (format === ContentFormat.OCTET_STREAM) return ok([{ path, value: decodeOpaqueValue(bytes) }]);
  // Unknown resources: text/plain reads as a string, CBOR as whatever its data item is.
  const value = format === ContentFormat.TEXT_PLAIN ? decodeTextValue(type ?? 'string', bytes) : decodeCborSingleValue(type, bytes);
  return value.ok ? ok([{ path, value: value.value }]) : value;
}

/** Decode a payload of `format` for `requestPath`. Unknown formats are refused. Never throws. */
export function decodeContent(format: number, bytes: Uint8Array, requestPath: Lwm2mPath, typeOf: ResourceTypeOf): Result<Lwm2mRecord[], Lwm2mFormatFailure> {
  switch (format) {
    case ContentFormat.TEXT_PLAIN:
    case ContentFormat.OCTET_STREAM:
    case ContentFormat.CBOR:
      return singleValue(format, bytes, requestPath, typeOf);
    case ContentFormat.LWM2M_TLV:
    case ContentFormat.LWM2M_TLV_LEGACY:
      return decodeTlvRecords(bytes, requestPath, typeOf);
    case ContentFormat.SENML_JSON:
    case ContentFormat.SENML_CBOR: {
      const records = format === ContentFormat.SENML_JSON ? decodeSenmlJson(bytes) : decodeSenmlCbor(bytes);
      return records.ok ? senmlToLwm2m(records.value, typeOf) : records;
    }
    case ContentFormat.LWM2M_JSON:
    case ContentFormat.LWM2M_JSON_LEGACY:
      return decodeLwm2mJson(bytes, typeOf);
    case ContentFormat.LWM2M_CBOR:
      return decodeLwm2mCbor(bytes, typeOf);
    default:
      return err({ kind: 'invalid', at: 0, message: `content format ${format} does not carry LwM2M values` });
  }
}

/**
 * Encode records in `format` for `requestPath`: SenML and LwM2M JSON use base name
 * `<requestPath>/` (the parent's, when a record sits at the request path itself, as for a read of
 * one resource), LwM2M CBOR compresses that same path into the first key. Single-value
 * formats need exactly one record (else RangeError).
 */
export function encodeContent(format: ValueFormat, records: readonly Lwm2mRecord[], requestPath: Lwm2mPath): Uint8Array {
  const common = records.every((r) => r.path.length > requestPath.length) ? requestPath : requestPath.slice(0, -1);
  const baseName = common.length === 0 ? '' : `${formatPath(common)}/`;
  switch (format) {
    case ContentFormat.TEXT_PLAIN:
    case ContentFormat.OCTET_STREAM:
    case ContentFormat.CBOR: {
      const [record, ...rest] = records;
      if (!record || rest.length > 0) throw new RangeError(`format ${format} holds exactly one value, got ${records.length}`);
      if (format === ContentFormat.CBOR) return encodeCborSingleValue(record.value);
      if (format === ContentFormat.TEXT_PLAIN) return encodeTextValue(record.value);
      if (record.value.type !== 'opaque') throw new RangeError(`octet-stream holds an opaque value, got ${record.value.type}`);
      return record.value.value.slice();
    }
    case ContentFormat.LWM2M_TLV:
    case ContentFormat.LWM2M_TLV_LEGACY:
      return encodeTlvRecords(records, requestPath);
    case ContentFormat.SENML_JSON:
      return encodeSenmlJson(lwm2mToSenml(records, baseName));
    case ContentFormat.SENML_CBOR:
      return encodeSenmlCbor(lwm2mToSenml(records, baseName));
    case ContentFormat.LWM2M_JSON:
    case ContentFormat.LWM2M_JSON_LEGACY:
      return encodeLwm2mJson(records, baseName);
    case ContentFormat.LWM2M_CBOR:
      return encodeLwm2mCbor(records, { prefix: common });
  }
}
