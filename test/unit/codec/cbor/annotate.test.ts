import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.ts';
import { annotateCbor } from '../../../../src/codec/cbor/annotate.ts';

const lines = (hex: string) => annotateCbor(fromHex(hex)).split('\n');

describe('annotateCbor', () => {
  it('puts the bytes on the left and the meaning, indented by nesting, on the right', () => {
    expect(lines('a1 61 64 62 61 61')).toEqual(['a1       # map(1)', '61 64    #   text(1) "d"', '62 61 61 #   text(2) "aa"']);
  });

  it('shows indefinite containers with their break at the container depth', () => {
    expect(lines('bf 61 72 9f 01 20 ff ff')).toEqual([
      'bf       # map(_)',
      '61 72    #   text(1) "r"',
      '9f       #   array(_)',
      '01       #     unsigned(1)',
      '20       #     negative(-1)',
      'ff       #   break',
      'ff       # break',
    ]);
  });

  it('names tags, floats and simple values and spreads long strings over rows of 16 bytes', () => {
    const out = lines(`82 c1 1a 00000001 58 20 ${'ab'.repeat(32)}`);
    expect(out[1]).toMatch(/^c1\s+#\s{3}tag\(1\)$/);
    expect(out[2]).toMatch(/^1a 00 00 00 01\s+#\s{5}unsigned\(1\)$/);
    expect(out[3]).toMatch(/^58 20\s+#\s{3}bytes\(32\)$/);
    expect(out.slice(4)).toEqual([`  ${Array(16).fill('ab').join(' ')}`, `  ${Array(16).fill('ab').join(' ')}`]);
    expect(lines('83 f9 3e00 f5 f0').slice(1).map((l) => l.split('# ')[1]?.trim())).toEqual(['float16(1.5)', 'true', 'simple(16)']);
  });

  it('annotates up to a malformed or truncated spot and says what is wrong', () => {
    expect(lines('bf 61 61 1c').at(-1)).toMatch(/^1c\s+# error: invalid: reserved additional information 28/);
    expect(lines('a1 78 ff 41').at(-1)).toMatch(/# error: string claims 255 bytes, 1 remain$/);
    expect(lines('9f 01').at(-1)).toMatch(/# error: input ended inside an open item$/);
  });

  it('marks bytes after the first item as trailing', () => {
    expect(lines('a0 00')).toEqual(['a0       # map(0)', '         # trailing 1 bytes after the first item', '00       # unsigned(0)']);
  });

  it('never throws and bounds its output on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = annotateCbor(bytes);
        expect(out.split('\n').length).toBeLessThanOrEqual(2001);
      }),
      { numRuns: 5_000 },
    );
    expect(annotateCbor(fromHex('81'.repeat(5000))).split('\n').length).toBeLessThanOrEqual(2001);
  });
});
