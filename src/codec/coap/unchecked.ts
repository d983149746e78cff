/**
 * Builders for CoAP messages that break the rules on purpose: wrong version, TKL 9-15, option
 * lengths that lie, nibble 15, payload marker with no payload, options out of order (negative
 * deltas written as the raw nibble), unknown critical options, Empty messages with content.
 * @see docs/spec/lwm2m.md §1.1, §1.2, §1.6
 */
import { concatBytes } from '../../core/bytes.ts';
import { codeToByte } from './codes.ts';
import { COAP_TYPES, PAYLOAD_MARKER, type CoapMessage, type CoapType } from './message.ts';

/** One option as the builder writes it: nibbles and extensions may be given explicitly. */
export interface RawOption {
  /** Option delta to write (not the absolute number); deltas cannot be negative, see `optionsOutOfOrder`. */
  delta: number;
  value: Uint8Array;
  /** Length to claim instead of `value.length` (a lie). */
  claimedLength?: number;
  /** Force the delta or length nibble (e.g. 15), skipping extension bytes for it. */
  deltaNibble?: number;
  lengthNibble?: number;
}

/** Fields of an unchecked message; every field may hold what no valid message holds. */
export interface UncheckedCoap {
  version?: number;
  type: CoapType | number;
  /** Dotted code or the raw byte. */
  code: string | number;
  messageId: number;
  token: Uint8Array;
  /** TKL to write instead of `token.length`. */
  tokenLength?: number;
  options: readonly RawOption[];
  /** Written after a 0xFF marker when `marker` is true or the payload is non-empty. */
  payload?: Uint8Array;
  /** Force the marker even with an empty payload (a format error). */
  marker?: boolean;
  /** Bytes appended at the very end (after the payload). */
  trailing?: Uint8Array;
}

function extension(n: number): number[] {
  if (n < 13) return [];
  if (n < 269) return [(n - 13) & 0xff];
  const v = n - 269;
  return [(v >> 8) & 0xff, v & 0xff];
}

function nibble(n: number): number {
  return n < 13 ? n : n < 269 ? 13 : 14;
}

/** Bytes of one raw option. */
export function rawOptionBytes(o: RawOption): Uint8Array {
  const len = o.claimedLength ?? o.value.length;
  const dn = o.deltaNibble ?? nibble(o.delta);
  const ln = o.lengthNibble ?? nibble(len);
  const head = [((dn & 0xf) << 4) | (ln & 0xf)];
  const ext = [...(o.deltaNibble === undefined ? extension(o.delta) : []), ...(o.lengthNibble === undefined ? extension(len) : [])];
  return concatBytes(Uint8Array.from([...head, ...ext]), o.value);
}

/** Write a message exactly as described, never validating. */
export function encodeCoapUnchecked(m: UncheckedCoap): Uint8Array {
  const typeBits = typeof m.type === 'number' ? m.type : COAP_TYPES.indexOf(m.type);
  const codeByte = typeof m.code === 'number' ? m.code : (codeToByte(m.code) ?? 0);
  const tkl = m.tokenLength ?? m.token.length;
  const header = Uint8Array.of((((m.version ?? 1) & 3) << 6) | ((typeBits & 3) << 4) | (tkl & 0xf), codeByte & 0xff, (m.messageId >> 8) & 0xff, m.messageId & 0xff);
  const payload = m.payload ?? new Uint8Array(0);
  const marker = m.marker === true || payload.length > 0 ? Uint8Array.of(PAYLOAD_MARKER) : new Uint8Array(0);
  return concatBytes(header, m.token, ...m.options.map(rawOptionBytes), marker, payload, m.trailing ?? new Uint8Array(0));
}

/** Raw options of a valid message's option list, in the order given (absolute numbers → deltas). */
export function rawOptionsOf(options: CoapMessage['options']): RawOption[] {
  let prev = 0;
  return options.map((o) => {
    const delta = o.number - prev;
    prev = o.number;
    return { delta, value: o.value };
  });
}

/** A malformed message with a label saying what is wrong. */
export interface MalformedCoap {
  bytes: Uint8Array;
  label: string;
}

const base = (messageId: number): UncheckedCoap => ({ type: 'CON', code: '0.01', messageId, token: Uint8Array.of(0xc0, 0xde), options: [] });
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * A catalogue of malformed GET requests (one per rule of RFC 7252 §3 a receiver must check),
 * for suites that probe format-error handling.
 */
export function malformedCoapCatalogue(messageId: number): MalformedCoap[] {
  const b = base(messageId);
  const path3 = { delta: 11, value: utf8('3') };
  return [
    { label: 'version 2', bytes: encodeCoapUnchecked({ ...b, version: 2, options: [path3] }) },
    { label: 'version 0', bytes: encodeCoapUnchecked({ ...b, version: 0, options: [path3] }) },
    { label: 'TKL 9', bytes: encodeCoapUnchecked({ ...b, tokenLength: 9, token: new Uint8Array(9), options: [path3] }) },
    { label: 'TKL 15', bytes: encodeCoapUnchecked({ ...b, tokenLength: 15, token: new Uint8Array(8) }) },
    { label: 'token shorter than TKL', bytes: encodeCoapUnchecked({ ...b, tokenLength: 8, token: Uint8Array.of(1, 2) }) },
    { label: 'option length past end', bytes: encodeCoapUnchecked({ ...b, options: [{ ...path3, claimedLength: 9 }] }) },
    { label: 'delta nibble 15', bytes: encodeCoapUnchecked({ ...b, options: [{ ...path3, deltaNibble: 15 }] }) },
    { label: 'length nibble 15', bytes: encodeCoapUnchecked({ ...b, options: [{ ...path3, lengthNibble: 15 }] }) },
    { label: 'payload marker with no payload', bytes: encodeCoapUnchecked({ ...b, options: [path3], marker: true }) },
    { label: 'unknown critical option 9999', bytes: encodeCoapUnchecked({ ...b, options: [path3, { delta: 9999 - 11, value: Uint8Array.of(1) }] }) },
    { label: 'Empty message with token', bytes: encodeCoapUnchecked({ ...b, code: '0.00' }) },
    { label: 'Content-Format twice', bytes: encodeCoapUnchecked({ ...b, options: [path3, { delta: 1, value: Uint8Array.of(0) }, { delta: 0, value: Uint8Array.of(40) }] }) },
    { label: 'Uri-Path of 256 bytes', bytes: encodeCoapUnchecked({ ...b, options: [{ delta: 11, value: new Uint8Array(256).fill(0x61) }] }) },
  ];
}

/**
 * Options out of order as a sender that forgets to sort writes them: Uri-Path (11) first, then
 * Observe (6) with its absolute number as delta, which a receiver reads as option 17 (Accept).
 * Deltas cannot be negative on the wire, so this is what "out of order" looks like in bytes.
 */
export function optionsOutOfOrder(messageId: number): MalformedCoap {
  const b = base(messageId);
  return {
    label: 'Observe written after Uri-Path with its absolute number as delta',
    bytes: encodeCoapUnchecked({ ...b, options: [{ delta: 11, value: utf8('3') }, { delta: 6, value: new Uint8Array(0) }] }),
  };
}
