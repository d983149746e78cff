/**
 * Human-readable forms of SMP answers for failure messages: the "Actual:" line and the offending
 * frame as annotated hex (header fields named, body shown as hex and decoded).
 * @see docs/spec/smp.md §1.1, §2.2
 */
import { toSpacedHex } from '../../core/bytes.ts';
import { annotateCbor } from '../../codec/cbor/annotate.ts';
import { decodeCbor } from '../../codec/cbor/cbor.ts';
import { SMP_HEADER_BYTES, groupName, mgmtErrName } from '../../codec/smp/constants.ts';
import { groupErrName } from '../../codec/smp/group-errors.ts';
import { decodeSmpHeader } from '../../codec/smp/header.ts';
import type { SmpResponseBody } from '../../codec/smp/message.ts';

/** Longest text of a decoded value in a message. */
const MAX_VALUE_CHARS = 240;
/** Bytes of a frame shown in a message (the evidence keeps all of them). */
const MAX_FRAME_BYTES = 256;
/** Annotated CBOR lines shown in a message. */
const MAX_ANNOTATION_LINES = 40;

/** A compact diagnostic-like text of a decoded CBOR value: `{"r": "hi", "data": h'0001…'/64}`. */
export function describeValue(value: unknown): string {
  const text = valueText(value, 0);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function valueText(v: unknown, depth: number): string {
  if (depth > 6) return '…';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `h'${toSpacedHex(v.subarray(0, 16)).replace(/ /g, '')}${v.length > 16 ? '…' : ''}'/${v.length}`;
  if (Array.isArray(v)) return `[${v.map((x) => valueText(x, depth + 1)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${valueText(k, depth + 1)}: ${valueText(x, depth + 1)}`).join(', ')}}`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${valueText(x, depth + 1)}`).join(', ')}}`;
  }
  return String(v);
}

/** `rc 3 (MGMT_ERR_EINVAL)`. */
export function describeRc(rc: number): string {
  const name = mgmtErrName(rc);
  return name ? `rc ${rc} (${name})` : `rc ${rc}`;
}

/** `err {group 1 (image), rc 5 (IMG_MGMT_ERR_...)}`. */
export function describeGroupErr(group: number, rc: number): string {
  const name = groupErrName(group, rc);
  return `err {group ${group} (${groupName(group)}), rc ${rc}${name ? ` (${name})` : ''}}`;
}

/** One line for a classified response body. */
export function describeBody(body: SmpResponseBody | undefined): string {
  if (body === undefined) return 'a packet too short for an SMP header';
  switch (body.kind) {
    case 'ok':
      return `success ${describeValue(body.rsp)}`;
    case 'errV1':
      return `${describeRc(body.rc)}${body.rsn !== undefined ? ` rsn ${JSON.stringify(body.rsn)}` : ''}`;
    case 'errV2':
      return describeGroupErr(body.group, body.rc);
    case 'malformed':
      return `malformed body: ${body.reason}`;
  }
}

/**
 * A frame as annotated hex: header bytes with their fields named, then the body as annotated
 * CBOR (one head per line) and its decoded value (or why it does not decode). Bounded: long
 * bodies are cut in the message; the evidence keeps every byte.
 */
export function annotateFrame(bytes: Uint8Array, direction: 'in' | 'out' = 'in'): string {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) return `${direction} ${bytes.length} bytes (no SMP header): ${toSpacedHex(bytes, MAX_FRAME_BYTES)}`;
  const x = h.value;
  const lines = [
    `${direction} ${bytes.length} bytes`,
    `${toSpacedHex(bytes.subarray(0, SMP_HEADER_BYTES))}   header: op ${x.op} ver ${x.version} res ${x.reserved} flags ${x.flags} ` +
      `len ${x.length} group ${x.group} (${groupName(x.group)}) seq ${x.seq} id ${x.id}`,
  ];
  const payload = bytes.subarray(SMP_HEADER_BYTES);
  if (payload.length === 0) return lines.join('\n');
  const annotated = annotateCbor(payload.subarray(0, MAX_FRAME_BYTES)).split('\n');
  lines.push(`body: ${payload.length} bytes${payload.length > MAX_FRAME_BYTES ? `, first ${MAX_FRAME_BYTES} annotated` : ''}`);
  lines.push(...annotated.slice(0, MAX_ANNOTATION_LINES));
  if (annotated.length > MAX_ANNOTATION_LINES) lines.push(`… ${annotated.length - MAX_ANNOTATION_LINES} more lines`);
  const decoded = decodeCbor(payload);
  lines.push(decoded.ok ? `= ${describeValue(decoded.value)}` : `CBOR ${decoded.error.kind}: ${decoded.error.message}`);
  return lines.join('\n');
}
