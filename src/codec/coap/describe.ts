/**
 * A plain, JSON-friendly view of a CoAP message for traces and reports: names for type, code
 * and options, option values in their registered format, payload as hex (and text when it is).
 * @see docs/spec/lwm2m.md §1.1, §1.5
 */
import { toHex } from '../../core/bytes.ts';
import { coapCodeName } from './codes.ts';
import { decodeCoap, type CoapMessage } from './message.ts';
import { CoapOption, coapOptionDefinition, coapOptionName } from './options.ts';
import { decodeBlockValue, decodeStringValue, decodeUintValue } from './values.ts';

/** One option as shown in a trace. */
export interface DescribedOption {
  number: number;
  name: string;
  hex: string;
  value?: string | number;
  block?: { num: number; more: boolean; size: number };
}

function describeOption(o: CoapMessage['options'][number]): DescribedOption {
  const out: DescribedOption = { number: o.number, name: coapOptionName(o.number), hex: toHex(o.value) };
  const format = coapOptionDefinition(o.number)?.format;
  if (format === 'string') out.value = decodeStringValue(o.value);
  if (format === 'uint') {
    const v = decodeUintValue(o.value);
    if (v.ok) out.value = v.value;
  }
  if (o.number === CoapOption.BLOCK2 || o.number === CoapOption.BLOCK1) {
    const b = decodeBlockValue(o.value);
    if (b.ok) out.block = { num: b.value.num, more: b.value.more, size: 1 << (b.value.szx + 4) };
  }
  return out;
}

const printable = /^[\t\n\r\x20-\x7e]*$/;

/** Decoded message fields with names; for traces. */
export function describeCoapMessage(m: CoapMessage): Record<string, unknown> {
  const text = m.payload.length > 0 ? decodeStringValue(m.payload) : '';
  return {
    type: m.type,
    code: m.code,
    codeName: coapCodeName(m.code),
    messageId: m.messageId,
    token: toHex(m.token),
    options: m.options.map(describeOption),
    payload: m.payload.length === 0 ? undefined : { length: m.payload.length, hex: toHex(m.payload), ...(printable.test(text) ? { text } : {}) },
  };
}

/** Decode and describe a datagram; a decode failure is described as `{ error }`. */
export function describeCoapBytes(bytes: Uint8Array): unknown {
  const d = decodeCoap(bytes);
  return d.ok ? describeCoapMessage(d.value) : { error: d.error };
}
