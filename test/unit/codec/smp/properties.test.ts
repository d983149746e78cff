import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor, type CborValue } from '../../../../src/codec/cbor/cbor.ts';
import {
  allCommands,
  arbMalformedPacket,
  arbSmpHeader,
  arbValidRequest,
  arbValidResponse,
  checkResponse,
  mapOf,
  requestArbitraries,
  classifyResponseBody,
  classifyResponseValue,
  decodeSmpHeader,
  decodeSmpPacket,
  encodeSmpHeader,
  type FieldType,
} from '../../../../src/codec/smp/index.ts';
import { valueToFields } from './groups/vector-json.ts';

const RUNS = 10_000;

/** Any CBOR-decodable JS value, shaped like what cbor-x returns. */
const anyCbor: fc.Arbitrary<CborValue> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constantFrom(null, undefined),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }),
  ),
})).v as fc.Arbitrary<CborValue>;

function keysOf(t: FieldType): string[] {
  if (t.t === 'map') return Object.entries(t.fields).flatMap(([k, s]) => [k, ...keysOf(s.type)]);
  if (t.t === 'array' || t.t === 'dict') return keysOf(t.of);
  return [];
}

const commands = [...allCommands.values()];

/** A response-like map: mostly the command's own keys, with values of any type. */
const arbResponseFor = (keys: string[]): fc.Arbitrary<Record<string, CborValue>> =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys, 'rc', 'err', 'x'), fc.string({ maxLength: 4 })), anyCbor, { maxKeys: 6 });

describe('SMP property tests', () => {
  it('header encode/decode round trips every field value', () => {
    fc.assert(
      fc.property(arbSmpHeader, (h) => {
        const d = decodeSmpHeader(encodeSmpHeader(h));
        expect(d.ok && d.value).toEqual(h);
      }),
      { numRuns: RUNS },
    );
  });

  it('valid requests of every command: packet → header + body with the same fields', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbValidRequest, (s) => {
        seen.add(s.command.name);
        const p = decodeSmpPacket(s.packetBytes);
        if (!p.ok) throw new Error(p.error.message);
        expect(p.value.rest.length).toBe(0);
        expect([p.value.header.group, p.value.header.id, p.value.header.op, p.value.header.seq, p.value.header.version]).toEqual([
          s.command.group, s.command.id, s.command.op, s.seq, s.version,
        ]);
        const body = decodeCbor(p.value.payload);
        expect(body.ok).toBe(true);
        if (body.ok) expect(valueToFields(body.value)).toEqual(valueToFields(s.body));
        expect(Object.keys(s.body)).toEqual(s.command.requestKeys.filter((k) => k in s.body));
        const valid = checkResponse(s.body as Record<string, CborValue>, mapOf(s.command.requestSchema));
        expect(valid.ok ? valid.value.unknownFields : valid.error).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(seen.size).toBe(allCommands.size);
  });

  it('valid responses of every command: packet → ok body → decodeResponse gives the same fields, nothing unknown', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbValidResponse, (s) => {
        seen.add(s.command.name);
        const p = decodeSmpPacket(s.packetBytes);
        if (!p.ok) throw new Error(p.error.message);
        const body = classifyResponseBody(p.value.payload);
        if (body.kind !== 'ok') throw new Error(`${s.command.name}: classified ${body.kind}`);
        const d = s.command.decodeResponse(body.rsp);
        expect(d.ok ? [] : d.error).toEqual([]);
        if (d.ok) {
          expect(d.value.unknownFields).toEqual([]);
          expect(valueToFields(d.value.value)).toEqual(valueToFields(s.rsp));
        }
      }),
      { numRuns: RUNS },
    );
    expect(seen.size).toBe(allCommands.size);
  });

  it('every command with request fields has its own request arbitrary', () => {
    for (const c of commands) {
      if (Object.keys(c.requestSchema).length > 0) expect(requestArbitraries.has(c.name), c.name).toBe(true);
    }
    expect([...requestArbitraries.keys()].filter((k) => !allCommands.has(k))).toEqual([]);
  });

  it('decodeSmpPacket, classifyResponseBody and every decodeResponse return values on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const p = decodeSmpPacket(bytes);
        expect(typeof p.ok).toBe('boolean');
        const c = classifyResponseBody(bytes);
        expect(['ok', 'errV1', 'errV2', 'malformed']).toContain(c.kind);
        if (c.kind === 'ok') for (const command of commands) expect(typeof command.decodeResponse(c.rsp).ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('decodeSmpPacket and classifyResponseBody return values on malformed packets', () => {
    fc.assert(
      fc.property(arbMalformedPacket, (f) => {
        const p = decodeSmpPacket(f.bytes);
        expect(typeof p.ok).toBe('boolean');
        if (p.ok) expect(['ok', 'errV1', 'errV2', 'malformed']).toContain(classifyResponseBody(p.value.payload).kind);
      }),
      { numRuns: RUNS },
    );
  });

  it('classifyResponseValue and every decodeResponse return values on arbitrary CBOR values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...commands).chain((c) => fc.tuple(fc.constant(c), fc.oneof(arbResponseFor(keysOf(c.responseType)), anyCbor))),
        ([command, value]) => {
          expect(['ok', 'errV1', 'errV2', 'malformed']).toContain(classifyResponseValue(value).kind);
          const r = command.decodeResponse(value as Record<string, CborValue>);
          if (r.ok) expect(Array.isArray(r.value.unknownFields)).toBe(true);
          else expect(r.error.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
