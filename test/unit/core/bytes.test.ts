import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, fromHex, toHex, toSpacedHex } from '../../../src/core/bytes.ts';

describe('bytes helpers', () => {
  it('hex round trip', () => {
    expect(toHex(fromHex('0a 00 00 09'))).toBe('0a000009');
    expect(toHex(new Uint8Array(0))).toBe('');
  });
  it('toHex respects subarray offsets', () => {
    expect(toHex(fromHex('00112233').subarray(1, 3))).toBe('1122');
  });
  it('fromHex rejects odd length and non-hex', () => {
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
  it('concat and equality', () => {
    const c = concatBytes(fromHex('01'), fromHex(''), fromHex('0203'));
    expect(toHex(c)).toBe('010203');
    expect(bytesEqual(c, fromHex('010203'))).toBe(true);
    expect(bytesEqual(c, fromHex('010204'))).toBe(false);
    expect(bytesEqual(c, fromHex('0102'))).toBe(false);
  });
  it('spaced hex truncates long input', () => {
    expect(toSpacedHex(fromHex('0a0b'))).toBe('0a 0b');
    expect(toSpacedHex(fromHex('0a0b0c'), 2)).toBe('0a 0b … (3 bytes)');
  });
});
