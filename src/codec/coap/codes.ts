/**
 * CoAP codes (RFC 7252 §12.1, RFC 7959 §2.9, RFC 8132 §6, RFC 8516, RFC 8768), written as the
 * RFCs do: `class.detail` with two detail digits ("2.05"). Byte = class << 5 | detail.
 * @see docs/spec/lwm2m.md §1.3
 */

/** Names of every registered request method and response code, by dotted code. */
export const COAP_CODE_NAMES: Readonly<Record<string, string>> = {
  '0.00': 'Empty',
  '0.01': 'GET',
  '0.02': 'POST',
  '0.03': 'PUT',
  '0.04': 'DELETE',
  '0.05': 'FETCH',
  '0.06': 'PATCH',
  '0.07': 'iPATCH',
  '2.01': 'Created',
  '2.02': 'Deleted',
  '2.03': 'Valid',
  '2.04': 'Changed',
  '2.05': 'Content',
  '2.31': 'Continue',
  '4.00': 'Bad Request',
  '4.01': 'Unauthorized',
  '4.02': 'Bad Option',
  '4.03': 'Forbidden',
  '4.04': 'Not Found',
  '4.05': 'Method Not Allowed',
  '4.06': 'Not Acceptable',
  '4.08': 'Request Entity Incomplete',
  '4.09': 'Conflict',
  '4.12': 'Precondition Failed',
  '4.13': 'Request Entity Too Large',
  '4.15': 'Unsupported Content-Format',
  '4.22': 'Unprocessable Entity',
  '4.29': 'Too Many Requests',
  '5.00': 'Internal Server Error',
  '5.01': 'Not Implemented',
  '5.02': 'Bad Gateway',
  '5.03': 'Service Unavailable',
  '5.04': 'Gateway Timeout',
  '5.05': 'Proxying Not Supported',
  '5.08': 'Hop Limit Reached',
};

/** Request methods by name. */
export const CoapMethod = {
  GET: '0.01',
  POST: '0.02',
  PUT: '0.03',
  DELETE: '0.04',
  FETCH: '0.05',
  PATCH: '0.06',
  IPATCH: '0.07',
} as const;

/** A request method code. */
export type CoapMethodCode = (typeof CoapMethod)[keyof typeof CoapMethod];

/** The dotted form of a code byte: 0x45 → "2.05". */
export function codeFromByte(byte: number): string {
  const detail = byte & 0x1f;
  return `${(byte >> 5) & 0x7}.${detail < 10 ? '0' : ''}${detail}`;
}

/** The byte of a dotted code, or undefined when the text is not `c.dd` with c ≤ 7, dd ≤ 31. */
export function codeToByte(code: string): number | undefined {
  const m = /^([0-7])\.([0-3][0-9])$/.exec(code);
  if (!m) return undefined;
  const detail = Number(m[2]);
  if (detail > 31) return undefined;
  return (Number(m[1]) << 5) | detail;
}

/** Registered name of a code, or `undefined`. */
export function coapCodeName(code: string): string | undefined {
  return COAP_CODE_NAMES[code];
}

/** Class digit of a dotted code ("4.04" → 4). */
export function codeClass(code: string): number {
  return Number(code.charAt(0));
}

/** 0.01–0.31: a request (0.00 is the Empty message). */
export function isRequestCode(code: string): boolean {
  return code.startsWith('0.') && code !== '0.00';
}

/** Classes 2, 4 and 5 are responses; 1, 3, 6 and 7 are reserved (RFC 7252 §12.1). */
export function isResponseCode(code: string): boolean {
  const c = codeClass(code);
  return c === 2 || c === 4 || c === 5;
}
