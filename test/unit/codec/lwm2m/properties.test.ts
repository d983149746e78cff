import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbHierarchicalSample, arbPath, arbPayload, arbTlvWithLyingLength, decodeTlvRecords, arbSingleValueSample, ContentFormat, decodeContent, decodeLwm2mCbor, decodeSenmlCbor, decodeSenmlJson, decodeTlv,
  definitionTypeOf, encodeContent, formatLimits, formatPath, parseLinkFormat, parsePath, parseRegisterQuery, VALUE_FORMATS, type ContentSample, type ValueFormat,
} from '../../../../src/codec/lwm2m/index.ts';

const typeOf = definitionTypeOf();
const RUNS = 2000;

function roundTrip(format: ValueFormat, sample: ContentSample): void {
  const bytes = encodeContent(format, sample.records, sample.requestPath);
  const decoded = decodeContent(format, bytes, sample.requestPath, typeOf);
  if (!decoded.ok) throw new Error(`${formatPath(sample.requestPath)}: ${decoded.error.message}`);
  expect(decoded.value).toEqual(sample.records);
}

const HIERARCHICAL: ValueFormat[] = [
  ContentFormat.LWM2M_TLV, ContentFormat.LWM2M_TLV_LEGACY, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR, ContentFormat.LWM2M_JSON, ContentFormat.LWM2M_JSON_LEGACY,
];

describe('any value the definitions allow round-trips', () => {
  for (const format of HIERARCHICAL) {
    it(`through content format ${format}`, () => {
      fc.assert(fc.property(arbHierarchicalSample(formatLimits(format)), (sample) => roundTrip(format, sample)), { numRuns: RUNS });
    });
  }
  for (const format of [ContentFormat.TEXT_PLAIN, ContentFormat.CBOR] as const) {
    it(`through single-value format ${format}`, () => {
      fc.assert(fc.property(arbSingleValueSample(formatLimits(format)), (sample) => roundTrip(format, sample)), { numRuns: RUNS });
    });
  }
  it('through octet-stream (opaque resources)', () => {
    fc.assert(fc.property(arbSingleValueSample({}, 'opaque'), (sample) => roundTrip(ContentFormat.OCTET_STREAM, sample)), { numRuns: RUNS });
  });
});

describe('decoders never throw on arbitrary input', () => {
  it('content decoders of every format, any path', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALUE_FORMATS), fc.uint8Array({ maxLength: 200 }), arbPath(), (format, bytes, path) => {
        const result = decodeContent(format, bytes, path, typeOf);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
  it('TLV, SenML and LwM2M CBOR decoders on CBOR-ish and TLV-ish bytes', () => {
    const tlvish = fc.array(fc.oneof(fc.constantFrom(0x00, 0x08, 0x10, 0x18, 0x38, 0x88, 0xc1, 0xc8, 0xe8, 0xf8), fc.integer({ min: 0, max: 255 })), { maxLength: 60 }).map((a) => Uint8Array.from(a));
    const cborish = fc.array(fc.oneof(fc.constantFrom(0x81, 0x9f, 0xa1, 0xbf, 0xff, 0x21, 0x00, 0x02, 0x61, 0x41, 0xfb, 0x82), fc.integer({ min: 0, max: 255 })), { maxLength: 60 }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.oneof(tlvish, cborish), (bytes) => {
        for (const result of [decodeTlv(bytes), decodeSenmlCbor(bytes), decodeSenmlJson(bytes), decodeLwm2mCbor(bytes, typeOf)]) expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
  it('path, link-format and Register query parsers on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }), (text, queries) => {
        expect(typeof parsePath(text).ok).toBe('boolean');
        const links = parseLinkFormat(text);
        expect(Array.isArray(links.links)).toBe(true);
        expect(Array.isArray(parseRegisterQuery(queries).findings)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('payload arbitraries', () => {
  it('every format\'s payloads decode back to their records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALUE_FORMATS).chain(arbPayload), (payload) => {
        expect(decodeContent(payload.format, payload.bytes, payload.requestPath, typeOf)).toEqual({ ok: true, value: payload.records });
      }),
      { numRuns: 1000 },
    );
  });
  it('a TLV that claims more bytes than follow is incomplete', () => {
    fc.assert(
      fc.property(arbTlvWithLyingLength, ({ bytes }) => {
        expect(decodeTlv(bytes)).toMatchObject({ ok: false, error: { kind: 'incomplete', at: 0 } });
        expect(decodeTlvRecords(bytes, [3, 0], typeOf).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
