import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../../../src/core/bytes.ts';
import { arbConsoleText, arbSerialChunking } from '../../../../src/codec/smp/serial-framing-arbitraries.ts';
import { SerialFrameDecoder } from '../../../../src/codec/smp/serial-framing.ts';

describe('arbSerialChunking', () => {
  it('yields non-empty chunks that concatenate to the input', () => {
    const arb = fc.uint8Array({ maxLength: 500 }).chain((bytes) => arbSerialChunking(bytes).map((chunks) => ({ bytes, chunks })));
    fc.assert(
      fc.property(arb, ({ bytes, chunks }) => {
        expect(chunks.every((c) => c.length > 0)).toBe(true);
        expect(toHex(concatBytes(...chunks))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('sometimes splits into many chunks and sometimes not at all', () => {
    const counts = fc.sample(arbSerialChunking(new Uint8Array(64)), 300).map((c) => c.length);
    expect(counts.some((n) => n === 1)).toBe(true);
    expect(counts.some((n) => n >= 10)).toBe(true);
  });
});

describe('arbConsoleText', () => {
  it('gives lines without newline or marker prefix that the decoder reports as console text', () => {
    fc.assert(
      fc.property(arbConsoleText(), (text) => {
        expect(/[\r\n]/.test(text)).toBe(false);
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
        expect(new SerialFrameDecoder().push(new TextEncoder().encode(`${text}\n`))).toEqual([{ kind: 'console', text, bytes: new TextEncoder().encode(text) }]);
      }),
      { numRuns: 2000 },
    );
  });
});
