import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../../src/core/bytes.ts';
import { encodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { cborWireFindings, describeCborWireFinding } from '../../../../src/codec/cbor/findings.ts';
import { decodeCborTree } from '../../../../src/codec/cbor/tree.ts';

function findingsOf(hex: string): ReturnType<typeof cborWireFindings> {
  const bytes = fromHex(hex);
  const tree = decodeCborTree(bytes);
  if (!tree.ok) throw new Error(`test input does not decode: ${tree.error.message}`);
  return cborWireFindings(tree.value, bytes);
}

describe('cborWireFindings', () => {
  it('names a duplicate text key with the offsets of both occurrences', () => {
    expect(findingsOf('a2 627263 03 627263 00')).toEqual([{ kind: 'duplicate-key', key: '"rc"', at: 5, firstAt: 1 }]);
  });

  it('compares integer keys by value and other keys by their bytes', () => {
    expect(findingsOf('a2 01 00 01 01')).toEqual([{ kind: 'duplicate-key', key: '1', at: 3, firstAt: 1 }]);
    expect(findingsOf('a2 41ff 00 41ff 01')).toEqual([{ kind: 'duplicate-key', key: "h'ff'", at: 4, firstAt: 1 }]);
    // The text "1" and the integer 1 are different keys.
    expect(findingsOf('a2 6131 00 01 00')).toEqual([]);
  });

  it('finds duplicates in nested maps and lists indefinite lengths in wire order', () => {
    expect(findingsOf('bf 61 6d a2 6161 01 6161 02 ff')).toEqual([
      { kind: 'indefinite-length', item: 'map', at: 0 },
      { kind: 'duplicate-key', key: '"a"', at: 7, firstAt: 4 },
    ]);
    expect(findingsOf('9f 7f 6161 ff ff')).toEqual([
      { kind: 'indefinite-length', item: 'array', at: 0 },
      { kind: 'indefinite-length', item: 'text string', at: 1 },
    ]);
  });

  it('lists heads wider than their argument needs (integers, lengths, tag numbers, string chunks)', () => {
    expect(findingsOf('1817')).toEqual([{ kind: 'non-preferred-head', at: 0, width: 1, preferredWidth: 0 }]);
    expect(findingsOf('390000')).toEqual([{ kind: 'non-preferred-head', at: 0, width: 2, preferredWidth: 0 }]);
    expect(findingsOf('b9 0000')).toEqual([{ kind: 'non-preferred-head', at: 0, width: 2, preferredWidth: 0 }]);
    expect(findingsOf('d8 01 00')).toEqual([{ kind: 'non-preferred-head', at: 0, width: 1, preferredWidth: 0 }]);
    expect(findingsOf('5f 5801ff ff')).toEqual([
      { kind: 'indefinite-length', item: 'byte string', at: 0 },
      { kind: 'non-preferred-head', at: 1, width: 1, preferredWidth: 0 },
    ]);
    expect(findingsOf('1b 0000000100000000')).toEqual([]);
    expect(findingsOf('1a ffffffff')).toEqual([]);
    expect(findingsOf('1b 00000000ffffffff')).toEqual([{ kind: 'non-preferred-head', at: 0, width: 8, preferredWidth: 4 }]);
  });

  it('finds nothing in what cbor-x encodes from plain text-keyed maps', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (value) => {
        const bytes = encodeCbor(value);
        const tree = decodeCborTree(bytes);
        expect(tree.ok && cborWireFindings(tree.value, bytes)).toEqual([]);
      }),
    );
  });

  it('describes each finding with its offset (shifted by a base) and whether it is valid CBOR', () => {
    const [dup] = findingsOf('a2 627263 03 627263 00');
    expect(dup && describeCborWireFinding(dup, 8)).toBe('duplicate map key "rc" at byte 13 (first at byte 9); RFC 8949 §5.6: a map with duplicate keys is not valid');
    const [indef] = findingsOf('bf ff');
    expect(indef && describeCborWireFinding(indef)).toBe('indefinite-length map at byte 0 (valid CBOR, RFC 8949 §3.2.2)');
  });
});
