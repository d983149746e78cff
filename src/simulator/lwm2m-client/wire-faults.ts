/**
 * Byte-level damage the fault profiles put into otherwise valid payloads.
 * @see docs/spec/lwm2m.md §1.4 (token echo), §1.1 (payload marker, version, TKL), §1.6, §3.4 (TLV lengths)
 */
import { decodeCoap, encodeCoap, type CoapDecodeFailure, type CoapMessage } from '../../codec/coap/message.ts';
import { encodeCoapUnchecked, rawOptionsOf } from '../../codec/coap/unchecked.ts';
import { decodeTlv } from '../../codec/lwm2m/tlv.ts';
import { encodeTlvUnchecked } from '../../codec/lwm2m/tlv-encode.ts';
import type { HandlerAnswer } from './coap-socket.ts';
import type { Lwm2mFaults } from './faults.ts';

/** The same TLV payload with the first entry's header claiming one value byte more than it has. */
export function tlvLengthOffByOne(payload: Uint8Array): Uint8Array {
  const entries = decodeTlv(payload);
  const first = entries.ok ? entries.value[0] : undefined;
  if (first === undefined) return payload;
  const value = payload.subarray(first.valueStart, first.end);
  const header = encodeTlvUnchecked({ kind: first.kind, id: first.id, value, idBytes: first.idBytes, claimedLength: value.length + 1 });
  const out = new Uint8Array(header.length + payload.length - first.end);
  out.set(header);
  out.set(payload.subarray(first.end), header.length);
  return out;
}

/**
 * The answer to `request` as the socket sends it, with the message-level faults applied: a
 * token whose last byte is flipped (`lwm2m-wrong-token`), a payload marker before an empty 2.05
 * payload (`lwm2m-empty-payload-marker`, Zephyr v4.0's form).
 */
export function answerWithWireFaults(request: CoapMessage, message: Pick<CoapMessage, 'code' | 'options' | 'payload'>, faults: Lwm2mFaults, nextMessageId: () => number): HandlerAnswer {
  const hasWrongToken = faults.has('lwm2m-wrong-token') && request.token.length > 0;
  const hasEmptyMarker = faults.has('lwm2m-empty-payload-marker') && message.code === '2.05' && message.payload.length === 0;
  if (!hasWrongToken && !hasEmptyMarker) return { kind: 'response', message };
  const last = request.token.length - 1;
  const token = hasWrongToken ? Uint8Array.from(request.token, (b, i) => (i === last ? b ^ 1 : b)) : request.token;
  const isCon = request.type === 'CON';
  const full: CoapMessage = { ...message, type: isCon ? 'ACK' : 'NON', messageId: isCon ? request.messageId : nextMessageId(), token };
  if (!hasEmptyMarker) return { kind: 'raw', bytes: encodeCoap(full) };
  const options = rawOptionsOf([...full.options].sort((a, b) => a.number - b.number));
  return { kind: 'raw', bytes: encodeCoapUnchecked({ type: full.type, code: full.code, messageId: full.messageId, token, options, marker: true }) };
}

/** The lenient-parser profiles: which decode failure each one reads past instead of rejecting. */
const LENIENT_PARSING: readonly { fault: string; reason: CoapDecodeFailure['reason'] }[] = [
  { fault: 'lwm2m-unknown-version-answered', reason: 'bad-version' },
  { fault: 'lwm2m-long-token-answered', reason: 'token-length' },
  { fault: 'lwm2m-reserved-nibble-skipped', reason: 'reserved-nibble' },
  { fault: 'lwm2m-empty-marker-accepted', reason: 'marker-without-payload' },
  { fault: 'lwm2m-truncated-option-skipped', reason: 'truncated-option' },
];

/**
 * What a lenient parser makes of a datagram that is not CoAP, when a profile says so: version
 * bits read as 1, a token of 9-15 bytes cut to its first 8, and the rest of the datagram from a
 * nibble-15 option byte, a bare payload marker or an option that runs past the end dropped.
 * Undefined when no active profile covers the failure or the result is still not CoAP (the
 * datagram is then rejected as usual).
 */
export function leniently(bytes: Uint8Array, failure: CoapDecodeFailure, faults: Lwm2mFaults): Uint8Array | undefined {
  if (!LENIENT_PARSING.some((l) => l.reason === failure.reason && faults.has(l.fault))) return undefined;
  let repaired: Uint8Array;
  if (failure.reason === 'bad-version') repaired = Uint8Array.from(bytes, (b, i) => (i === 0 ? (b & 0x3f) | 0x40 : b));
  else if (failure.reason === 'token-length') {
    const tkl = bytes[0]! & 0xf;
    repaired = new Uint8Array([(bytes[0]! & 0xf0) | 8, ...bytes.subarray(1, 12), ...bytes.subarray(4 + tkl)]);
  } else repaired = bytes.subarray(0, failure.at);
  return decodeCoap(repaired).ok ? repaired : undefined;
}

/**
 * The Uri-Path a lenient path parser reads (`lwm2m-long-path-served`): segments after the fourth
 * dropped, ids above 65534 taken modulo 65536; the path as sent otherwise.
 */
export function lenientPath(segments: string[], faults: Lwm2mFaults): string[] {
  if (!faults.has('lwm2m-long-path-served')) return segments;
  return segments.slice(0, 4).map((s) => (/^[0-9]{1,9}$/.test(s) && Number(s) > 65534 ? String(Number(s) % 65536) : s));
}
