/**
 * text/plain (Content-Format 0) and application/octet-stream (42) for single values.
 * Integers, unsigned and time in decimal; floats in decimal with optional exponent; booleans
 * `0`/`1`; objlnk `oid:iid`; strings as UTF-8; opaque as base64 in text/plain (LwM2M 1.1) and
 * raw bytes in octet-stream.
 * @see docs/spec/lwm2m.md §3.3
 */
import { err, ok, type Result } from '../../core/result.ts';
import { MAX_LWM2M_ID } from './path.ts';
import { INT64_MAX, INT64_MIN, UINT64_MAX, type Lwm2mFormatFailure, type Lwm2mValue, type ResourceType } from './types.ts';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalid(message: string): { ok: false; error: Lwm2mFormatFailure } {
  return err({ kind: 'invalid', at: 0, message });
}

function parseInteger(text: string, type: 'integer' | 'unsigned' | 'time'): Result<Lwm2mValue, Lwm2mFormatFailure> {
  const pattern = type === 'unsigned' ? /^\+?\d{1,20}$/ : /^[+-]?\d{1,19}$/;
  if (!pattern.test(text)) return invalid(`"${text.slice(0, 40)}" is not a decimal ${type}`);
  const value = BigInt(text.startsWith('+') ? text.slice(1) : text);
  const [min, max] = type === 'unsigned' ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
  if (value < min || value > max) return invalid(`${text} is outside the ${type} range`);
  return ok({ type, value });
}

function parseObjlnk(text: string): Result<Lwm2mValue, Lwm2mFormatFailure> {
  const match = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  const objectId = Number(match?.[1]);
  const instanceId = Number(match?.[2]);
  // 65535:65535 is the "null" object link, so objlnk allows the reserved id.
  if (!match || objectId > MAX_LWM2M_ID + 1 || instanceId > MAX_LWM2M_ID + 1) return invalid(`"${text.slice(0, 40)}" is not an object link oid:iid`);
  return ok({ type: 'objlnk', value: { objectId, instanceId } });
}

/** Decode a text/plain payload as the given resource type. */
export function decodeTextValue(type: ResourceType, bytes: Uint8Array): Result<Lwm2mValue, Lwm2mFormatFailure> {
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    return invalid('text/plain payload is not valid UTF-8');
  }
  switch (type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      return parseInteger(text, type);
    case 'float':
      return FLOAT_TEXT.test(text) ? ok({ type, value: Number(text) }) : invalid(`"${text.slice(0, 40)}" is not a decimal number`);
    case 'boolean':
      return text === '0' || text === '1' ? ok({ type, value: text === '1' }) : invalid(`boolean must be "0" or "1", got "${text.slice(0, 40)}"`);
    case 'objlnk':
      return parseObjlnk(text);
    case 'opaque':
    case 'none':
      return BASE64_TEXT.test(text) ? ok({ type: 'opaque', value: new Uint8Array(Buffer.from(text, 'base64')) }) : invalid('opaque in text/plain must be base64');
    case 'string':
    case 'corelnk':
      return ok({ type, value: text });
  }
}

/** Text form of a value (no UTF-8 step). Non-finite floats throw RangeError: text/plain has no form for them. */
export function formatTextValue(value: Lwm2mValue): string {
  switch (value.type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      return value.value.toString();
    case 'float':
      if (!Number.isFinite(value.value)) throw new RangeError(`float ${value.value} has no text/plain form`);
      return String(value.value);
    case 'boolean':
      return value.value ? '1' : '0';
    case 'objlnk':
      return `${value.value.objectId}:${value.value.instanceId}`;
    case 'opaque':
      return Buffer.from(value.value).toString('base64');
    case 'string':
    case 'corelnk':
      return value.value;
  }
}

/** Encode a value as a text/plain payload. */
export function encodeTextValue(value: Lwm2mValue): Uint8Array {
  return utf8.encode(formatTextValue(value));
}

/** Decode an application/octet-stream payload (always an opaque value). */
export function decodeOpaqueValue(bytes: Uint8Array): Lwm2mValue {
  return { type: 'opaque', value: bytes.slice() };
}

/** Encode an opaque value as application/octet-stream (the bytes themselves). */
export function encodeOpaqueValue(value: Uint8Array): Uint8Array {
  return value.slice();
}
