/**
 * The CoAP option registry (IANA "CoAP Option Numbers"), with RFC spelling of each name, its
 * value format and length bounds. Critical / unsafe / no-cache-key are properties of the number
 * itself (RFC 7252 §5.4.6), so they are computed, not listed.
 * @see docs/spec/lwm2m.md §1.5, §1.6
 */

/** Value format of an option (RFC 7252 §3.2). */
export type CoapOptionFormat = 'empty' | 'opaque' | 'uint' | 'string';

/** One registered option. */
export interface CoapOptionDefinition {
  number: number;
  /** Name as the defining RFC spells it. */
  name: string;
  format: CoapOptionFormat;
  minLength: number;
  maxLength: number;
  repeatable: boolean;
  /** Defining document. */
  rfc: string;
}

function def(number: number, name: string, format: CoapOptionFormat, minLength: number, maxLength: number, repeatable: boolean, rfc: string): CoapOptionDefinition {
  return { number, name, format, minLength, maxLength, repeatable, rfc };
}

/** Every option the harness knows, by number. */
export const COAP_OPTIONS: readonly CoapOptionDefinition[] = [
  def(1, 'If-Match', 'opaque', 0, 8, true, 'RFC 7252 §5.10.8.1'),
  def(3, 'Uri-Host', 'string', 1, 255, false, 'RFC 7252 §5.10.1'),
  def(4, 'ETag', 'opaque', 1, 8, true, 'RFC 7252 §5.10.6'),
  def(5, 'If-None-Match', 'empty', 0, 0, false, 'RFC 7252 §5.10.8.2'),
  def(6, 'Observe', 'uint', 0, 3, false, 'RFC 7641 §2'),
  def(7, 'Uri-Port', 'uint', 0, 2, false, 'RFC 7252 §5.10.1'),
  def(8, 'Location-Path', 'string', 0, 255, true, 'RFC 7252 §5.10.7'),
  def(9, 'OSCORE', 'opaque', 0, 255, false, 'RFC 8613 §2'),
  def(11, 'Uri-Path', 'string', 0, 255, true, 'RFC 7252 §5.10.1'),
  def(12, 'Content-Format', 'uint', 0, 2, false, 'RFC 7252 §5.10.3'),
  def(14, 'Max-Age', 'uint', 0, 4, false, 'RFC 7252 §5.10.5'),
  def(15, 'Uri-Query', 'string', 0, 255, true, 'RFC 7252 §5.10.1'),
  def(16, 'Hop-Limit', 'uint', 1, 1, false, 'RFC 8768 §3'),
  def(17, 'Accept', 'uint', 0, 2, false, 'RFC 7252 §5.10.4'),
  def(19, 'Q-Block1', 'uint', 0, 3, false, 'RFC 9177 §4'),
  def(20, 'Location-Query', 'string', 0, 255, true, 'RFC 7252 §5.10.7'),
  def(23, 'Block2', 'uint', 0, 3, false, 'RFC 7959 §2.1'),
  def(27, 'Block1', 'uint', 0, 3, false, 'RFC 7959 §2.1'),
  def(28, 'Size2', 'uint', 0, 4, false, 'RFC 7959 §4'),
  def(31, 'Q-Block2', 'uint', 0, 3, false, 'RFC 9177 §4'),
  def(35, 'Proxy-Uri', 'string', 1, 1034, false, 'RFC 7252 §5.10.2'),
  def(39, 'Proxy-Scheme', 'string', 1, 255, false, 'RFC 7252 §5.10.2'),
  def(60, 'Size1', 'uint', 0, 4, false, 'RFC 7252 §5.10.9'),
  def(252, 'Echo', 'opaque', 1, 40, false, 'RFC 9175 §2.2'),
  def(258, 'No-Response', 'uint', 0, 1, false, 'RFC 7967 §2'),
  def(292, 'Request-Tag', 'opaque', 0, 8, true, 'RFC 9175 §3.2'),
];

/** Option numbers by RFC name, for code that builds messages. */
export const CoapOption = {
  IF_MATCH: 1,
  URI_HOST: 3,
  ETAG: 4,
  IF_NONE_MATCH: 5,
  OBSERVE: 6,
  URI_PORT: 7,
  LOCATION_PATH: 8,
  OSCORE: 9,
  URI_PATH: 11,
  CONTENT_FORMAT: 12,
  MAX_AGE: 14,
  URI_QUERY: 15,
  HOP_LIMIT: 16,
  ACCEPT: 17,
  Q_BLOCK1: 19,
  LOCATION_QUERY: 20,
  BLOCK2: 23,
  BLOCK1: 27,
  SIZE2: 28,
  Q_BLOCK2: 31,
  PROXY_URI: 35,
  PROXY_SCHEME: 39,
  SIZE1: 60,
  ECHO: 252,
  NO_RESPONSE: 258,
  REQUEST_TAG: 292,
} as const;

const byNumber = new Map(COAP_OPTIONS.map((d) => [d.number, d]));
const byName = new Map(COAP_OPTIONS.map((d) => [d.name, d]));

/** The registered definition of an option number, if any. */
export function coapOptionDefinition(number: number): CoapOptionDefinition | undefined {
  return byNumber.get(number);
}

/** The number of a registered option name (`'Uri-Path'` → 11). */
export function coapOptionNumber(name: string): number | undefined {
  return byName.get(name)?.number;
}

/** Name for traces: the registered name, or `Unknown-N`. */
export function coapOptionName(number: number): string {
  return byNumber.get(number)?.name ?? `Unknown-${number}`;
}

/** Critical options must be understood by the receiver (odd numbers; RFC 7252 §5.4.1, §5.4.6). */
export function isCriticalOption(number: number): boolean {
  return (number & 1) === 1;
}

/** Unsafe-to-forward options (bit 1; RFC 7252 §5.4.2, §5.4.6). */
export function isUnsafeOption(number: number): boolean {
  return (number & 2) === 2;
}

/** Options that are not part of the cache key (bits 2-4 all set; RFC 7252 §5.4.6). */
export function isNoCacheKeyOption(number: number): boolean {
  return (number & 0x1e) === 0x1c;
}
