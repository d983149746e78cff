/**
 * DTLS 1.2 record framing: one datagram carries one or more records, each with a 13-byte header.
 * @see RFC 6347 §4.1 (record layer), §4.1.1 (records per datagram)
 */
import { concatBytes } from '../../core/bytes.ts';
import type { DecodeFailure, Result } from '../../core/result.ts';
import { DTLS_MAX_RECORD_PAYLOAD_BYTES, DTLS_RECORD_HEADER_BYTES } from './constants.ts';
import { readWire, uintBytes } from './reader.ts';

/** One record as framed on the wire; `fragment` is plaintext or protected bytes as the epoch says. */
export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  /** 48-bit record sequence number. */
  sequenceNumber: number;
  fragment: Uint8Array;
}

/** Frame a record. The length field is the fragment's; use `encodeDtlsRecordUnchecked` to lie. */
export function encodeDtlsRecord(record: DtlsRecord): Uint8Array {
  return encodeDtlsRecordUnchecked({ ...record, length: record.fragment.length });
}

/** Frame a record with any length field, for malformed traffic. */
export function encodeDtlsRecordUnchecked(record: DtlsRecord & { length: number }): Uint8Array {
  return concatBytes(
    uintBytes(record.type & 0xff, 1),
    uintBytes(record.version & 0xffff, 2),
    uintBytes(record.epoch & 0xffff, 2),
    uintBytes(record.sequenceNumber, 6),
    uintBytes(record.length & 0xffff, 2),
    record.fragment,
  );
}

/** Decode the record at the start of `bytes`; `size` is how many bytes it occupied. */
export function decodeDtlsRecord(bytes: Uint8Array, base = 0): Result<{ record: DtlsRecord; size: number }, DecodeFailure> {
  return readWire(bytes, 'incomplete', (r) => {
    const type = r.uint(1, 'record type');
    const version = r.uint(2, 'record version');
    const epoch = r.uint(2, 'record epoch');
    const sequenceNumber = r.uint(6, 'record sequence number');
    const length = r.uint(2, 'record length');
    if (length > DTLS_MAX_RECORD_PAYLOAD_BYTES) r.fail('limit', `record length ${length} exceeds ${DTLS_MAX_RECORD_PAYLOAD_BYTES}`, -2);
    const fragment = r.take(length, 'record fragment');
    return { record: { type, version, epoch, sequenceNumber, fragment }, size: DTLS_RECORD_HEADER_BYTES + length };
  }, base);
}

/**
 * Split a datagram into its records. Records decoded before a damaged one are kept (the
 * receiver processes them, RFC 6347 §4.1.2.7 lets it drop the rest); `failure` says what stopped it.
 */
export function splitDtlsDatagram(datagram: Uint8Array): { records: DtlsRecord[]; failure?: DecodeFailure } {
  const records: DtlsRecord[] = [];
  let at = 0;
  while (at < datagram.length) {
    const decoded = decodeDtlsRecord(datagram.subarray(at), at);
    if (!decoded.ok) return { records, failure: decoded.error };
    records.push(decoded.value.record);
    at += decoded.value.size;
  }
  return { records };
}
