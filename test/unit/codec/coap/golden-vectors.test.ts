/**
 * Golden CoAP vectors: real datagrams of Zephyr, Wakaama and Anjay from the captures plus the
 * RFC and digest examples. Each decodes to its recorded fields and re-encodes byte-exact.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';
import { coapOptionName, decodeCoap, encodeCoap, type CoapMessage, type CoapType } from '../../../../src/codec/coap/index.ts';

interface VectorFields {
  type: CoapType;
  code: string;
  messageId: number;
  token: string;
  options: { number: number; name: string; value: string }[];
  payload: string;
}
interface Vector<F> {
  name: string;
  fields: F;
  hex: string;
  source: string;
}

function load<F>(file: string): Vector<F>[] {
  return readFileSync(new URL(`../../../fixtures/vectors/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Vector<F>);
}

const vectors = load<VectorFields>('coap.jsonl');
const malformed = load<{ error: string }>('coap-malformed.jsonl');

function toMessage(f: VectorFields): CoapMessage {
  return {
    type: f.type,
    code: f.code,
    messageId: f.messageId,
    token: fromHex(f.token),
    options: f.options.map((o) => ({ number: o.number, value: fromHex(o.value) })),
    payload: fromHex(f.payload),
  };
}

describe('golden vectors (test/fixtures/vectors/coap.jsonl)', () => {
  it('holds captures of every client and the RFC examples', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(50);
    for (const client of ['zephyr-lwm2m-', 'zephyr-lwm2m11-', 'wakaama-lwm2m-', 'anjay-lwm2m-', 'rfc7252-', 'rfc7959-', 'rfc7641-', 'digest-']) {
      expect(vectors.some((v) => v.name.startsWith(client)), client).toBe(true);
    }
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s decodes to its fields and re-encodes byte-exact', (_name, v) => {
    const decoded = decodeCoap(fromHex(v.hex));
    if (!decoded.ok) throw new Error(`${v.source}: ${decoded.error.message}`);
    const m = decoded.value;
    expect({ type: m.type, code: m.code, messageId: m.messageId, token: toHex(m.token), payload: toHex(m.payload) }).toEqual({
      type: v.fields.type,
      code: v.fields.code,
      messageId: v.fields.messageId,
      token: v.fields.token,
      payload: v.fields.payload,
    });
    expect(m.options.map((o) => ({ number: o.number, name: coapOptionName(o.number), value: toHex(o.value) }))).toEqual(v.fields.options);
    expect(toHex(encodeCoap(toMessage(v.fields)))).toBe(v.hex.toLowerCase());
  });
});

describe('malformed golden vectors (test/fixtures/vectors/coap-malformed.jsonl)', () => {
  it.each(malformed.map((v) => [v.name, v] as const))('%s is refused with its reason', (_name, v) => {
    const decoded = decodeCoap(fromHex(v.hex));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.reason).toBe(v.fields.error);
  });
});
