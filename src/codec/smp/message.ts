/**
 * Whole SMP packets: header + CBOR body, and the classification of a response body into
 * success, v1 error (`rc`/`rsn`) or v2 error (`err: {group, rc}`).
 * @see ../../../../shared/spec/smp.md §1.5, §1.7, §2.2–2.3
 */
import { concatBytes } from '../../core/bytes.ts';
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { decodeCbor, encodeCbor, isCborMap, type CborValue } from '../cbor/cbor.ts';
import { SMP_HEADER_BYTES, SmpVersion } from './constants.ts';
import { decodeSmpHeader, encodeSmpHeader, type SmpHeader } from './header.ts';

/** What a caller gives to build a well-formed packet. */
export interface SmpPacketSpec {
  op: number;
  group: number;
  id: number;
  seq: number;
  /** Defaults to SMP v2. */
  version?: number;
  /** CBOR body value (an object for every group 0–63 command); `{}` when absent. */
  body?: unknown;
}

/** Encode a well-formed packet; the length field is the exact CBOR length. */
export function encodeSmpPacket(spec: SmpPacketSpec): Uint8Array {
  const body = encodeCbor(spec.body ?? {});
  const header = encodeSmpHeader({
    op: spec.op,
    version: spec.version ?? SmpVersion.V2,
    length: body.length,
    group: spec.group,
    seq: spec.seq,
    id: spec.id,
  });
  return concatBytes(header, body);
}

/** A received packet split into header and payload, before the payload is interpreted. */
export interface SmpPacket {
  header: SmpHeader;
  /** Exactly `header.length` bytes. */
  payload: Uint8Array;
  /** Bytes after this packet in the same buffer (several packets may share one datagram). */
  rest: Uint8Array;
}

/**
 * Split one packet off the front of `bytes`. Fewer than 8 bytes or fewer than `length` payload
 * bytes → `incomplete`.
 */
export function decodeSmpPacket(bytes: Uint8Array): Result<SmpPacket, DecodeFailure> {
  const header = decodeSmpHeader(bytes);
  if (!header.ok) return header;
  const end = SMP_HEADER_BYTES + header.value.length;
  if (bytes.length < end) {
    return err({
      kind: 'incomplete',
      at: bytes.length,
      message: `length field says ${header.value.length} payload bytes, ${bytes.length - SMP_HEADER_BYTES} present`,
    });
  }
  return ok({ header: header.value, payload: bytes.subarray(SMP_HEADER_BYTES, end), rest: bytes.subarray(end) });
}

/** A response body classified the way the SMP spec defines success and the two error forms. */
export type SmpResponseBody =
  | { kind: 'ok'; rsp: { [key: string]: CborValue } }
  | { kind: 'errV1'; rc: number; rsn?: string; rsp: { [key: string]: CborValue } }
  | { kind: 'errV2'; group: number; rc: number; rsp: { [key: string]: CborValue } }
  | { kind: 'malformed'; reason: string; at: number };

/**
 * Classify a response payload. Success = a map with no non-zero `rc` and no `err`. `rc: 0`
 * (legacy-rc builds) is success. Never throws.
 */
export function classifyResponseBody(payload: Uint8Array): SmpResponseBody {
  const decoded = decodeCbor(payload);
  if (!decoded.ok) return { kind: 'malformed', reason: `CBOR: ${decoded.error.message}`, at: decoded.error.at };
  return classifyResponseValue(decoded.value);
}

/** Classify an already decoded response body. */
export function classifyResponseValue(value: CborValue): SmpResponseBody {
  if (!isCborMap(value)) return { kind: 'malformed', reason: 'response body is not a map with text keys', at: 0 };
  const e = value['err'];
  if (e !== undefined) {
    if (isCborMap(e) && isUint(e['group']) && isUint(e['rc'])) {
      if (e['rc'] === 0) return { kind: 'ok', rsp: value };
      return { kind: 'errV2', group: e['group'], rc: e['rc'], rsp: value };
    }
    return { kind: 'malformed', reason: '"err" is not a map {group: uint, rc: uint}', at: 0 };
  }
  const rc = value['rc'];
  if (rc !== undefined) {
    if (!isInt(rc)) return { kind: 'malformed', reason: '"rc" is not an integer', at: 0 };
    if (rc !== 0) {
      const rsn = value['rsn'];
      return typeof rsn === 'string' ? { kind: 'errV1', rc, rsn, rsp: value } : { kind: 'errV1', rc, rsp: value };
    }
  }
  return { kind: 'ok', rsp: value };
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
