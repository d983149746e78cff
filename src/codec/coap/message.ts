/**
 * CoAP messages over UDP (RFC 7252 §3): 4-byte header, token, delta-encoded options, payload
 * marker and payload. The decoder never throws: every length is checked against the datagram.
 * @see docs/spec/lwm2m.md §1.1, §1.2, §1.6
 */
import { err, ok, type Result } from '../../core/result.ts';
import { codeFromByte, codeToByte } from './codes.ts';

/** Message types (RFC 7252 §3, T field). */
export const COAP_TYPES = ['CON', 'NON', 'ACK', 'RST'] as const;
/** A message type. */
export type CoapType = (typeof COAP_TYPES)[number];

/** Protocol version 1, the only one defined. */
export const COAP_VERSION = 1;
/** Byte that separates options from payload. */
export const PAYLOAD_MARKER = 0xff;
/** Longest token (RFC 7252 §3). */
export const MAX_TOKEN_BYTES = 8;
/** Largest option number (the registry's 16-bit space; RFC 7252 §12.2). */
export const MAX_OPTION_NUMBER = 0xffff;
/** Largest value length the 2-byte length extension can express (65535 + 269). */
export const MAX_OPTION_LENGTH = 0xffff + 269;

/** One option as on the wire: its number and raw value bytes. */
export interface CoapOptionValue {
  number: number;
  value: Uint8Array;
}

/** A CoAP message. `code` is dotted ("0.01", "2.05"). */
export interface CoapMessage {
  type: CoapType;
  code: string;
  messageId: number;
  token: Uint8Array;
  /** In wire order (ascending number; equal numbers keep their order). */
  options: CoapOptionValue[];
  payload: Uint8Array;
}

/** Why a datagram is not a CoAP message. `incomplete`: it stops inside a field. */
export interface CoapDecodeFailure {
  kind: 'incomplete' | 'invalid';
  reason:
    | 'truncated-header'
    | 'truncated-token'
    | 'truncated-option'
    | 'bad-version'
    | 'token-length'
    | 'reserved-nibble'
    | 'marker-without-payload'
    | 'option-number-range'
    | 'empty-message-content';
  /** Byte offset of the problem. */
  at: number;
  message: string;
}

function fail(kind: CoapDecodeFailure['kind'], reason: CoapDecodeFailure['reason'], at: number, message: string): { ok: false; error: CoapDecodeFailure } {
  return err({ kind, reason, at, message });
}

/** Nibble and extension bytes for an option delta or length (RFC 7252 §3.1). */
function nibbleFor(n: number): number {
  return n < 13 ? n : n < 269 ? 13 : 14;
}

function extensionLength(n: number): number {
  return n < 13 ? 0 : n < 269 ? 1 : 2;
}

function writeExtension(out: Uint8Array, at: number, n: number): number {
  if (n < 13) return at;
  if (n < 269) {
    out[at] = n - 13;
    return at + 1;
  }
  const v = n - 269;
  out[at] = v >> 8;
  out[at + 1] = v & 0xff;
  return at + 2;
}

/** Wire size of a message with these fields (options already sorted). */
function encodedLength(token: Uint8Array, options: readonly CoapOptionValue[], payload: Uint8Array): number {
  let n = 4 + token.length;
  let prev = 0;
  for (const o of options) {
    const delta = o.number - prev;
    n += 1 + extensionLength(delta) + extensionLength(o.value.length) + o.value.length;
    prev = o.number;
  }
  return payload.length > 0 ? n + 1 + payload.length : n;
}

/**
 * Write header, token, options (in the order given, deltas from the previous) and payload. No
 * checks beyond field widths; `encodeCoap` validates and sorts first.
 */
export function writeCoap(typeBits: number, version: number, codeByte: number, messageId: number, token: Uint8Array, options: readonly CoapOptionValue[], payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(encodedLength(token, options, payload));
  out[0] = ((version & 3) << 6) | ((typeBits & 3) << 4) | (token.length & 0xf);
  out[1] = codeByte & 0xff;
  out[2] = (messageId >> 8) & 0xff;
  out[3] = messageId & 0xff;
  out.set(token, 4);
  let at = 4 + token.length;
  let prev = 0;
  for (const o of options) {
    const delta = o.number - prev;
    const len = o.value.length;
    out[at++] = (nibbleFor(delta) << 4) | nibbleFor(len);
    at = writeExtension(out, at, delta);
    at = writeExtension(out, at, len);
    out.set(o.value, at);
    at += len;
    prev = o.number;
  }
  if (payload.length > 0) {
    out[at++] = PAYLOAD_MARKER;
    out.set(payload, at);
  }
  return out;
}

function sortedOptions(options: readonly CoapOptionValue[]): readonly CoapOptionValue[] {
  for (let i = 1; i < options.length; i++) {
    if (options[i]!.number < options[i - 1]!.number) return [...options].sort((a, b) => a.number - b.number);
  }
  return options;
}

/**
 * Encode a well-formed message. Options are sorted by number (stable, so repeated options keep
 * their order). Throws `RangeError` on fields no valid message can hold (TKL > 8, unknown code
 * syntax, message id out of 16 bits, option numbers or lengths beyond the encoding, an Empty
 * message with content); build malformed messages with `encodeCoapUnchecked`.
 */
export function encodeCoap(m: CoapMessage): Uint8Array {
  const codeByte = codeToByte(m.code);
  if (codeByte === undefined) throw new RangeError(`CoAP code "${m.code}" is not c.dd with class 0-7 and detail 0-31`);
  if (m.token.length > MAX_TOKEN_BYTES) throw new RangeError(`CoAP token of ${m.token.length} bytes (at most 8)`);
  if (codeByte === 0 && (m.token.length > 0 || m.options.length > 0 || m.payload.length > 0)) {
    throw new RangeError('CoAP Empty message (0.00) must have no token, options or payload (RFC 7252 §4.1)');
  }
  if (!Number.isInteger(m.messageId) || m.messageId < 0 || m.messageId > 0xffff) throw new RangeError(`CoAP message id ${m.messageId} out of 0-65535`);
  for (const o of m.options) {
    if (!Number.isInteger(o.number) || o.number < 0 || o.number > MAX_OPTION_NUMBER) throw new RangeError(`CoAP option number ${o.number} out of 0-65535`);
    if (o.value.length > MAX_OPTION_LENGTH) throw new RangeError(`CoAP option ${o.number} value of ${o.value.length} bytes (at most ${MAX_OPTION_LENGTH})`);
  }
  return writeCoap(COAP_TYPES.indexOf(m.type), COAP_VERSION, codeByte, m.messageId, m.token, sortedOptions(m.options), m.payload);
}

/** Read an extended delta or length after its nibble; `undefined` when the bytes run out. */
function readExtension(bytes: Uint8Array, at: number, nibble: number): { value: number; next: number } | undefined {
  if (nibble < 13) return { value: nibble, next: at };
  if (nibble === 13) return at < bytes.length ? { value: bytes[at]! + 13, next: at + 1 } : undefined;
  return at + 1 < bytes.length ? { value: ((bytes[at]! << 8) | bytes[at + 1]!) + 269, next: at + 2 } : undefined;
}

type OptionsParse = { options: CoapOptionValue[]; payloadAt: number };

/** Parse options from `at` up to the payload marker or the end. */
function decodeOptions(bytes: Uint8Array, start: number): Result<OptionsParse, CoapDecodeFailure> {
  const options: CoapOptionValue[] = [];
  let at = start;
  let number = 0;
  while (at < bytes.length) {
    const head = bytes[at]!;
    if (head === PAYLOAD_MARKER) {
      if (at + 1 === bytes.length) return fail('invalid', 'marker-without-payload', at, 'payload marker 0xFF followed by no payload');
      return ok({ options, payloadAt: at + 1 });
    }
    const deltaNibble = head >> 4;
    const lengthNibble = head & 0xf;
    if (deltaNibble === 15 || lengthNibble === 15) {
      return fail('invalid', 'reserved-nibble', at, `option ${deltaNibble === 15 ? 'delta' : 'length'} nibble 15 outside a payload marker`);
    }
    const delta = readExtension(bytes, at + 1, deltaNibble);
    if (!delta) return fail('incomplete', 'truncated-option', at, 'option delta extension runs past the datagram');
    const length = readExtension(bytes, delta.next, lengthNibble);
    if (!length) return fail('incomplete', 'truncated-option', at, 'option length extension runs past the datagram');
    number += delta.value;
    if (number > MAX_OPTION_NUMBER) return fail('invalid', 'option-number-range', at, `option number ${number} above 65535`);
    const end = length.next + length.value;
    if (end > bytes.length) {
      return fail('incomplete', 'truncated-option', at, `option ${number} says ${length.value} value bytes, ${bytes.length - length.next} present`);
    }
    options.push({ number, value: bytes.subarray(length.next, end) });
    at = end;
  }
  return ok({ options, payloadAt: bytes.length });
}

/**
 * Decode one datagram. Option values and payload are views into `bytes` (no copies). An Empty
 * message (0.00) with a token, options or payload is a format error (RFC 7252 §4.1).
 */
export function decodeCoap(bytes: Uint8Array): Result<CoapMessage, CoapDecodeFailure> {
  if (bytes.length < 4) return fail('incomplete', 'truncated-header', bytes.length, `CoAP header needs 4 bytes, got ${bytes.length}`);
  const b0 = bytes[0]!;
  const version = b0 >> 6;
  if (version !== COAP_VERSION) return fail('invalid', 'bad-version', 0, `CoAP version ${version} (only 1 is defined)`);
  const tkl = b0 & 0xf;
  if (tkl > MAX_TOKEN_BYTES) return fail('invalid', 'token-length', 0, `token length ${tkl} (9-15 are reserved)`);
  if (bytes.length < 4 + tkl) return fail('incomplete', 'truncated-token', bytes.length, `token of ${tkl} bytes, ${bytes.length - 4} present`);
  const parsed = decodeOptions(bytes, 4 + tkl);
  if (!parsed.ok) return parsed;
  const code = codeFromByte(bytes[1]!);
  if (code === '0.00' && bytes.length > 4) {
    return fail('invalid', 'empty-message-content', 4, 'Empty message (0.00) with token, options or payload');
  }
  return ok({
    type: COAP_TYPES[(b0 >> 4) & 3]!,
    code,
    messageId: (bytes[2]! << 8) | bytes[3]!,
    token: bytes.subarray(4, 4 + tkl),
    options: parsed.value.options,
    payload: bytes.subarray(parsed.value.payloadAt),
  });
}
