/** The direct reading of simple reply bodies gives exactly what the tree decoder gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { classifyResponseBody, classifyResponseTree } from '../../../../src/codec/smp/message.ts';

const asciiText = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const simpleValue = fc.oneof(fc.nat({ max: 0xffffffff }), asciiText, fc.boolean(), fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: -1 }));
const simpleBody = fc.dictionary(fc.oneof(asciiText, fc.constantFrom('rc', 'off', 'r', 'err', 'match', '__proto__')), simpleValue, { maxKeys: 26 });

describe('classifyResponseBody on simple bodies', () => {
  it('equals the tree decoder on encoded maps of text keys to uints, text and booleans', () => {
    fc.assert(fc.property(simpleBody, (body) => {
      const bytes = encodeCbor(body);
      expect(classifyResponseBody(bytes)).toStrictEqual(classifyResponseTree(bytes));
    }), { numRuns: 2000 });
  });

  it('equals the tree decoder when such a body is damaged (one byte changed, cut short or extended)', () => {
    fc.assert(fc.property(simpleBody, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'grow'), (body, where, byte, how) => {
      const base = encodeCbor(body);
      const at = where % base.length;
      const bytes = how === 'cut' ? base.subarray(0, at) : how === 'grow' ? Uint8Array.from([...base, byte]) : Uint8Array.from(base, (b, i) => (i === at ? byte : b));
      expect(classifyResponseBody(bytes)).toStrictEqual(classifyResponseTree(bytes));
    }), { numRuns: 3000 });
  });

  it('equals the tree decoder on non-preferred heads and duplicate keys', () => {
    for (const hex of ['a16172180a', 'a1617219000a', 'a261720161720262', 'b8016172f5', 'a1780172f4', 'a1617200', 'a2616101616102']) {
      const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
      expect(classifyResponseBody(bytes)).toStrictEqual(classifyResponseTree(bytes));
    }
  });
});
