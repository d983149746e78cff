/**
 * Whole SMP packets: header + CBOR body, and the classification of a response body into
 * success, v1 error (`rc`/`rsn`) or v2 error (`err: {group, rc}`).
 * @see docs/spec/smp.md §1.5, §1.7, §2.2–2.3
 */
import { err, ok, type DecodeFailure, type Result } from '../../core/result.ts';
import { MAX_CBOR_BODY_BYTES, encodeCbor, isCborMap, type CborValue } from '../cbor/cbor.ts';
import { cborWireFindings, type CborWireFinding } from '../cbor/findings.ts';
import { cborNodeToValue } from '../cbor/tree-access.ts';
import { decodeCborTree } from '../cbor/tree.ts';
import { SMP_HEADER_BYTES, SmpVersion } from './constants.ts';
import { decodeSmpHeader, writeSmpHeader, type SmpHeader } from './header.ts';

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

const newBytes = (n: number): Uint8Array => new Uint8Array(n);

/**
 * Encode a well-formed packet; the length field is the exact CBOR length. `allocate` gives the
 * packet's storage (zero-filled or not: every byte is written), e.g. pooled storage of a trace.
 */
export function encodeSmpPacket(spec: SmpPacketSpec, allocate: (bytes: number) => Uint8Array = newBytes): Uint8Array {
  const body = encodeCbor(spec.body ?? {});
  // Header and body in one buffer: no separate header array and no concatenation.
  const out = allocate(SMP_HEADER_BYTES + body.length);
  writeSmpHeader(out, spec.op, spec.version ?? SmpVersion.V2, body.length, spec.group, spec.seq, spec.id);
  out.set(body, SMP_HEADER_BYTES);
  return out;
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
export type SmpResponseBody = (
  | { kind: 'ok'; rsp: { [key: string]: CborValue } }
  | { kind: 'errV1'; rc: number; rsn?: string; rsp: { [key: string]: CborValue } }
  | { kind: 'errV2'; group: number; rc: number; rsp: { [key: string]: CborValue } }
  | { kind: 'malformed'; reason: string; at: number }
) & {
  /**
   * What the body's bytes show beyond its values (offsets relative to the body); absent when
   * the body was not decoded.
   * @see ../cbor/findings.ts for the level of each kind
   */
  findings?: readonly CborWireFinding[];
};

/** Deepest nesting a reply may use; SMP replies nest 3–4 levels (enum details, state lists). */
const REPLY_MAX_DEPTH = 64;

/**
 * Classify a response payload from its exact bytes (the project's tree decoder, not a
 * last-value-wins one). Success = a map with no non-zero `rc` and no `err`; `rc: 0`
 * (legacy-rc builds) is success. A map with a duplicate key anywhere is `malformed`, naming the
 * key and its offset (RFC 8949 §5.6); indefinite lengths and non-preferred heads are valid CBOR
 * and only listed in `findings`. Never throws.
 */
export function classifyResponseBody(payload: Uint8Array): SmpResponseBody {
  const simple = readSimpleMap(payload);
  return simple === undefined ? classifyResponseTree(payload) : classifyResponseValue(simple);
}

/**
 * `classifyResponseBody` through the tree decoder, whatever the body's form; exported so tests
 * can hold the direct reading of simple bodies to it.
 */
export function classifyResponseTree(payload: Uint8Array): SmpResponseBody {
  if (payload.length === 0) return { kind: 'malformed', reason: 'CBOR: empty CBOR body', at: 0 };
  if (payload.length > MAX_CBOR_BODY_BYTES) {
    return { kind: 'malformed', reason: `CBOR: body of ${payload.length} bytes exceeds ${MAX_CBOR_BODY_BYTES}`, at: 0 };
  }
  const tree = decodeCborTree(payload, { maxDepth: REPLY_MAX_DEPTH, maxItems: payload.length });
  if (!tree.ok) return { kind: 'malformed', reason: `CBOR: ${tree.error.message}`, at: tree.error.at };
  const root = tree.value;
  if (root.trailing > 0) return { kind: 'malformed', reason: `CBOR: ${root.trailing} trailing byte(s) after the CBOR item`, at: root.end };
  const findings = cborWireFindings(root, payload);
  const duplicate = findings.find((f) => f.kind === 'duplicate-key');
  if (duplicate !== undefined) {
    const where = `byte ${duplicate.at} of the CBOR body (packet byte ${duplicate.at + SMP_HEADER_BYTES}), first at body byte ${duplicate.firstAt}`;
    return { kind: 'malformed', reason: `duplicate map key ${duplicate.key} at ${where}; RFC 8949 §5.6: a map with duplicate keys is not valid`, at: duplicate.at, findings };
  }
  const body = classifyResponseValue(cborNodeToValue(root));
  if (findings.length > 0) body.findings = findings;
  return body;
}

/**
 * The body read directly when it has the form most replies have: a definite-length map of fewer
 * than 24 pairs, with distinct ASCII text keys and values that are unsigned integers (up to 4
 * bytes), ASCII text or booleans, every head in preferred form, nothing after the map. Such a
 * body has no wire findings, so reading it this way gives exactly what the tree decoder gives;
 * anything else (or anything unsure) is undefined and goes to the tree decoder.
 */
function readSimpleMap(payload: Uint8Array): { [key: string]: CborValue } | undefined {
  const head = payload[0];
  if (head === undefined || head >> 5 !== 5 || (head & 0x1f) > 23) return undefined;
  const out: { [key: string]: CborValue } = {};
  let at = 1;
  for (let pairs = head & 0x1f; pairs > 0; pairs--) {
    const key = readAscii(payload, at);
    if (key === undefined || key.text === '__proto__' || Object.prototype.hasOwnProperty.call(out, key.text)) return undefined;
    at = key.end;
    const b = payload[at];
    if (b === undefined) return undefined;
    let value: CborValue;
    if (b === 0xf4 || b === 0xf5) {
      value = b === 0xf5;
      at++;
    } else if (b >> 5 === 3) {
      const text = readAscii(payload, at);
      if (text === undefined) return undefined;
      value = text.text;
      at = text.end;
    } else {
      const n = readPreferredUint(payload, at);
      if (n === undefined) return undefined;
      value = n.value;
      at = n.end;
    }
    out[key.text] = value;
  }
  return at === payload.length ? out : undefined;
}

/** An unsigned integer (major type 0) at `at` with a preferred head of at most 4 bytes. */
function readPreferredUint(b: Uint8Array, at: number): { value: number; end: number } | undefined {
  const head = b[at]!;
  if (head >> 5 !== 0) return undefined;
  const info = head & 0x1f;
  if (info < 24) return { value: info, end: at + 1 };
  const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (width === 0 || at + 1 + width > b.length) return undefined;
  let value = 0;
  for (let i = 1; i <= width; i++) value = value * 256 + b[at + i]!;
  const least = width === 1 ? 24 : width === 2 ? 0x100 : 0x10000;
  return value >= least ? { value, end: at + 1 + width } : undefined;
}

/** A text string (major type 3) at `at` of only ASCII bytes, with a preferred length head below 256. */
function readAscii(b: Uint8Array, at: number): { text: string; end: number } | undefined {
  const head = b[at];
  if (head === undefined || head >> 5 !== 3) return undefined;
  const info = head & 0x1f;
  let length = info;
  let start = at + 1;
  if (info === 24) {
    length = b[at + 1] ?? 0;
    if (length < 24) return undefined;
    start = at + 2;
  } else if (info > 24) return undefined;
  const end = start + length;
  if (end > b.length) return undefined;
  let text = '';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return undefined;
    text += String.fromCharCode(c);
  }
  return { text, end };
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
