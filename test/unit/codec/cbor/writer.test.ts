import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { CborWriter, encodeCborDefinite, encodeCborIndefinite, toFloat16Bits } from '../../../../src/codec/cbor/writer.ts';
import { toHex } from '../../../../src/core/bytes.ts';

const hex = (w: CborWriter): string => toHex(w.toBytes());

/** Normalise decoded values: Buffers → plain Uint8Array, safe bigints → numbers. */
function plain(v: unknown): unknown {
  // cbor-x returns bigint for every 8-byte integer head, even small values.
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('CborWriter heads (RFC 8949 Appendix A)', () => {
  it.each([
    [0, '00'], [23, '17'], [24, '1818'], [255, '18ff'], [256, '190100'], [65535, '19ffff'],
    [65536, '1a00010000'], [4294967295, '1affffffff'], [4294967296, '1b0000000100000000'],
  ])('uint %d → %s', (n, h) => expect(hex(new CborWriter().uint(n))).toBe(h));

  it.each([[-1, '20'], [-24, '37'], [-25, '3818'], [-256, '38ff'], [-257, '390100']])('nint %d → %s', (n, h) =>
    expect(hex(new CborWriter().int(n))).toBe(h));

  it('writes uint64 extremes from bigint', () => {
    expect(hex(new CborWriter().uint(0xffff_ffff_ffff_ffffn))).toBe('1bffffffffffffffff');
    expect(hex(new CborWriter().nint(-(2n ** 64n)))).toBe('3bffffffffffffffff');
  });

  it('writes non-shortest widths on request and refuses widths that cannot hold the value', () => {
    expect(hex(new CborWriter().uint(1, 8))).toBe('1b0000000000000001');
    expect(hex(new CborWriter().uint(0, 1))).toBe('1800');
    expect(() => new CborWriter().uint(256, 1)).toThrow(RangeError);
    expect(() => new CborWriter().uint(24, 0)).toThrow(RangeError);
  });

  it('lets a string length lie', () => {
    expect(hex(new CborWriter().bytes(Uint8Array.of(1, 2), { claimedLength: 0xffffffff }))).toBe('5affffffff0102');
    expect(hex(new CborWriter().text('ab', { claimedLength: 5 }))).toBe('656162');
  });

  it('writes indefinite containers, strings and break codes', () => {
    expect(hex(new CborWriter().mapHeader('indefinite').text('a').uint(1).break())).toBe('bf616101ff');
    expect(hex(new CborWriter().arrayHeader('indefinite').break())).toBe('9fff');
    expect(hex(new CborWriter().indefiniteString('bstr').bytes(Uint8Array.of(1)).break())).toBe('5f4101ff');
    expect(hex(new CborWriter().mapHeader(3))).toBe('a3');
  });

  it('writes floats, tags and simple values', () => {
    expect(hex(new CborWriter().float16(1.5))).toBe('f93e00');
    expect(hex(new CborWriter().float16(65504))).toBe('f97bff');
    expect(hex(new CborWriter().float16(5.960464477539063e-8))).toBe('f90001');
    expect(hex(new CborWriter().float16(Number.NaN))).toBe('f97e00');
    expect(hex(new CborWriter().float16(-Infinity))).toBe('f9fc00');
    expect(hex(new CborWriter().float32(100000))).toBe('fa47c35000');
    expect(hex(new CborWriter().float64(1.1))).toBe('fb3ff199999999999a');
    expect(hex(new CborWriter().tag(1).uint(0))).toBe('c100');
    expect(hex(new CborWriter().simple(16).simple(255).bool(false).bool(true).null().undefined())).toBe('f0f8fff4f5f6f7');
    expect(hex(new CborWriter().initialByte(0, 28))).toBe('1c');
  });
});

describe('encodeCborIndefinite (zcbor style)', () => {
  it('matches the reply bytes quoted in smp.md §1.7 and the capture', () => {
    expect(toHex(encodeCborIndefinite({ r: '' }))).toBe('bf617260ff');
    expect(toHex(encodeCborIndefinite({ groups: [10, 8, 1, 0, 3, 9, 2, 63] }))).toBe('bf6667726f7570739f0a080100030902183fffff');
  });

  it('omits undefined object properties and encodes Map keys as given', () => {
    expect(toHex(encodeCborIndefinite({ a: undefined, b: 1 }))).toBe('bf616201ff');
    expect(toHex(encodeCborDefinite(new Map<unknown, unknown>([[1, 'x']])))).toBe('a1016178');
  });

  it('refuses runaway nesting instead of overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 400; i++) deep = [deep];
    expect(() => encodeCborIndefinite(deep)).toThrow(RangeError);
  });
});

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.string({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('writer round trips against decodeCbor', () => {
  it('indefinite and definite encodings decode to the same value', () => {
    fc.assert(
      fc.property(jsonish, (v) => {
        for (const bytes of [encodeCborIndefinite(v), encodeCborDefinite(v)]) {
          const d = decodeCbor(bytes);
          expect(d.ok).toBe(true);
          if (d.ok) expect(plain(d.value)).toEqual(plain(v));
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('integers of every width and sign round trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }), fc.constantFrom<'shortest' | 8>('shortest', 8), (n, width) => {
        const d = decodeCbor(new CborWriter().int(n, width).toBytes());
        expect(d.ok && BigInt(d.value as number | bigint)).toBe(n);
      }),
      { numRuns: 10_000 },
    );
  });

  it('half floats round trip for every 16-bit pattern that decodes to a number', () => {
    let checked = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const d = decodeCbor(Uint8Array.of(0xf9, bits >> 8, bits & 0xff));
      if (!d.ok || typeof d.value !== 'number' || Number.isNaN(d.value)) continue;
      expect(toFloat16Bits(d.value)).toBe(bits);
      checked++;
    }
    expect(checked).toBeGreaterThan(60_000);
  });
});
