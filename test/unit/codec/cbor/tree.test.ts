import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.ts';
import { decodeCbor, encodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { cborNodeToValue, decodeCborTree, mapGet, mapKeyProblems, type CborNode } from '../../../../src/codec/cbor/tree.ts';

function tree(hex: string, limits?: { maxDepth?: number; maxItems?: number }) {
  return decodeCborTree(fromHex(hex), limits);
}

function node(hex: string): CborNode & { trailing: number } {
  const r = tree(hex);
  if (!r.ok) throw new Error(`${hex}: ${r.error.kind} ${r.error.message}`);
  return r.value;
}

/** RFC 8949 Appendix A examples (hex → plain value), plus edge values. */
const values: [string, unknown][] = [
  ['00', 0],
  ['17', 23],
  ['1818', 24],
  ['1903e8', 1000],
  ['1a000f4240', 1000000],
  ['1b000000e8d4a51000', 1000000000000n],
  ['1bffffffffffffffff', 18446744073709551615n],
  ['3bffffffffffffffff', -18446744073709551616n],
  ['20', -1],
  ['3903e7', -1000],
  ['f90000', 0],
  ['f93c00', 1],
  ['fb3ff199999999999a', 1.1],
  ['f93e00', 1.5],
  ['f97bff', 65504],
  ['fa47c35000', 100000],
  ['f90001', 5.960464477539063e-8],
  ['f97c00', Infinity],
  ['f9fc00', -Infinity],
  ['f4', false],
  ['f5', true],
  ['f6', null],
  ['f7', undefined],
  ['f0', 16],
  ['f8ff', 255],
  ['4401020304', Uint8Array.of(1, 2, 3, 4)],
  ['60', ''],
  ['6449455446', 'IETF'],
  ['62225c', '"\\'],
  ['63e6b0b4', '水'],
  ['83010203', [1, 2, 3]],
  ['8301820203820405', [1, [2, 3], [4, 5]]],
  ['a201020304', new Map([[1, 2], [3, 4]])],
  ['a26161016162820203', { a: 1, b: [2, 3] }],
  ['5f42010243030405ff', Uint8Array.of(1, 2, 3, 4, 5)],
  ['7f657374726561646d696e67ff', 'streaming'],
  ['9fff', []],
  ['9f018202039f0405ffff', [1, [2, 3], [4, 5]]],
  ['bf61610161629f0203ffff', { a: 1, b: [2, 3] }],
  ['c074323031332d30332d32315432303a30343a30305a', '2013-03-21T20:04:00Z'],
];

describe('decodeCborTree: values', () => {
  for (const [hex, value] of values) {
    it(`${hex} → ${String(value)}`, () => {
      const n = node(hex);
      expect(n.trailing).toBe(0);
      expect(n.end).toBe(hex.length / 2);
      expect(cborNodeToValue(n)).toEqual(value);
    });
  }

  it('keeps integers as numbers when safe and bigint beyond', () => {
    expect(node('1b001fffffffffffff')).toMatchObject({ kind: 'uint', value: Number.MAX_SAFE_INTEGER });
    expect(node('1b0020000000000000')).toMatchObject({ kind: 'uint', value: 2n ** 53n });
    expect(node('3b001ffffffffffffe')).toMatchObject({ kind: 'nint', value: -Number.MAX_SAFE_INTEGER });
    expect(node('3b001fffffffffffff')).toMatchObject({ kind: 'nint', value: -(2n ** 53n) });
  });

  it('marks floats with their width, simple values with their name, and invalid UTF-8', () => {
    expect(node('fa47c35000')).toMatchObject({ kind: 'float', bits: 32 });
    expect(node('f7')).toMatchObject({ kind: 'simple', value: 23, name: 'undefined' });
    expect(node('f0')).toMatchObject({ kind: 'simple', value: 16, name: 'simple' });
    expect(node('62fffe')).toMatchObject({ kind: 'tstr', isValidUtf8: false });
    expect(node('62c3a9')).toMatchObject({ kind: 'tstr', value: 'é', isValidUtf8: true });
    expect(node('7f61c3 61a9 ff')).toMatchObject({ kind: 'tstr', isValidUtf8: false, indefinite: true });
  });
});

describe('decodeCborTree: structure and offsets', () => {
  it('gives exact offsets for every node', () => {
    const n = node('bf 61 64 65 68 65 6c 6c 6f 63 6f 66 66 19 01 00 ff');
    expect(n).toMatchObject({ kind: 'map', indefinite: true, start: 0, headerEnd: 1, end: 17 });
    if (n.kind !== 'map') return;
    expect(n.entries.map((e) => [e.key.start, e.key.end, e.value.start, e.value.headerEnd, e.value.end])).toEqual([
      [1, 3, 3, 4, 9],
      [9, 13, 13, 16, 16],
    ]);
  });

  it('preserves duplicate keys and non-text keys in wire order', () => {
    const n = node('a4 63 6f6666 01 63 6f6666 02 01 03 82 01 02 04');
    expect(n.kind === 'map' && n.entries.map((e) => cborNodeToValue(e.key))).toEqual(['off', 'off', 1, [1, 2]]);
    expect(mapGet(n, 'off')).toMatchObject({ kind: 'uint', value: 1 });
    expect(mapGet(n, 1)).toMatchObject({ kind: 'uint', value: 3 });
    expect(mapGet(n, 'len')).toBeUndefined();
    expect(mapGet(node('01'), 'off')).toBeUndefined();
    const problems = mapKeyProblems(n);
    expect(problems.duplicateKeys).toEqual(['off']);
    expect(problems.nonTextKeys.map((k) => k.kind)).toEqual(['uint', 'array']);
    expect(mapKeyProblems(node('a2616101616202'))).toEqual({ duplicateKeys: [], nonTextKeys: [] });
  });

  it('keeps indefinite-string chunks and tag numbers', () => {
    const s = node('5f 42 0102 41 03 ff');
    expect(s.kind === 'bstr' && s.chunks?.map((c) => [c.start, c.end])).toEqual([[1, 4], [4, 6]]);
    expect(node('d8 64 01')).toMatchObject({ kind: 'tag', tag: 100, content: { kind: 'uint', value: 1, start: 2 } });
  });

  it('reports how many bytes follow the first item', () => {
    expect(node('a0 00 01').trailing).toBe(2);
    expect(node('bfff').trailing).toBe(0);
  });

  it('decodes a 2-byte-map cbor-x body to the same value as decodeCbor, __proto__ key included as data', () => {
    const n = node('a1 69 5f5f70726f746f5f5f 01');
    const v = cborNodeToValue(n) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});

/** Input → failure kind. */
const failures: [string, 'incomplete' | 'invalid' | 'limit'][] = [
  ['', 'incomplete'],
  ['18', 'incomplete'],
  ['1b0000', 'incomplete'],
  ['6261', 'incomplete'],
  ['a16161', 'incomplete'],
  ['8201', 'incomplete'],
  ['9f01', 'incomplete'],
  ['bf6161', 'incomplete'],
  ['5f4101', 'incomplete'],
  ['c1', 'incomplete'],
  ['5bffffffffffffffff', 'incomplete'],
  ['7affffffff00', 'incomplete'],
  ['9bffffffffffffffff', 'incomplete'],
  ['bbffffffffffffffff00', 'incomplete'],
  ['1c', 'invalid'],
  ['3d', 'invalid'],
  ['5e', 'invalid'],
  ['ff', 'invalid'],
  ['81ff', 'invalid'],
  ['a1ff', 'invalid'],
  ['a16161ff', 'invalid'],
  ['bf6161ff', 'invalid'],
  ['5f6161ff', 'invalid'],
  ['7f4161ff', 'invalid'],
  ['5f5fffff', 'invalid'],
  ['5f01ff', 'invalid'],
  ['1f', 'invalid'],
  ['3f', 'invalid'],
  ['df00', 'invalid'],
  ['f800', 'invalid'],
  ['f81f', 'invalid'],
];

describe('decodeCborTree: failures', () => {
  for (const [hex, kind] of failures) {
    it(`${hex || '(empty)'} → ${kind}`, () => {
      const r = tree(hex);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe(kind);
        expect(r.error.at).toBeLessThanOrEqual(hex.length / 2);
      }
    });
  }

  it('enforces maxDepth on arrays, maps and tags', () => {
    expect(tree('81'.repeat(16) + '00').ok).toBe(true);
    expect(tree('81'.repeat(17) + '00')).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect(tree('c1'.repeat(17) + '00')).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect(tree('a1 61 61 '.repeat(5) + '00', { maxDepth: 4 })).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect(tree('9f'.repeat(100000), { maxDepth: 100000 })).toMatchObject({ ok: false, error: { kind: 'limit' } });
  });

  it('enforces maxItems, string chunks included', () => {
    expect(tree('83010203', { maxItems: 4 }).ok).toBe(true);
    expect(tree('83010203', { maxItems: 3 })).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect(tree('5f' + '4101'.repeat(20) + 'ff', { maxItems: 10 })).toMatchObject({ ok: false, error: { kind: 'limit' } });
    expect(tree('9f' + '00'.repeat(20000) + 'ff')).toMatchObject({ ok: false, error: { kind: 'limit' } });
  });
});

/** Values cbor-x encodes and decodes the same way (no Dates, records or prototype keys). */
const arbValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, undefined, true, false),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** decodeCbor returns Node Buffers for byte strings, cborNodeToValue plain Uint8Arrays. */
function withoutBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(withoutBuffers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutBuffers(v)]));
  return value;
}

describe('decodeCborTree properties', () => {
  it('never throws on arbitrary bytes and reports a typed failure or a node inside the input', () => {
    const arbBytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      arbValue.map((v) => encodeCbor(v)).chain((b) => fc.tuple(fc.constant(b), fc.nat(b.length), fc.nat(255)).map(([bytes, i, x]) => {
        const out = bytes.slice(0, Math.max(1, bytes.length - (x % 3)));
        if (i < out.length) out[i] = x;
        return out;
      })),
    );
    fc.assert(
      fc.property(arbBytes, (bytes) => {
        const r = decodeCborTree(bytes);
        if (r.ok) {
          expect(r.value.end + r.value.trailing).toBe(bytes.length);
          expect(r.value.end).toBeGreaterThan(0);
        } else {
          expect(['incomplete', 'invalid', 'limit']).toContain(r.error.kind);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('agrees with decodeCbor on values encoded by cbor-x', () => {
    fc.assert(
      fc.property(arbValue, (value) => {
        const bytes = encodeCbor(value);
        const plain = decodeCbor(bytes);
        const r = decodeCborTree(bytes, { maxDepth: 64, maxItems: 100_000 });
        expect(plain.ok && r.ok).toBe(true);
        if (!plain.ok || !r.ok) return;
        expect(r.value.trailing).toBe(0);
        expect(cborNodeToValue(r.value)).toEqual(withoutBuffers(plain.value));
      }),
      { numRuns: 10_000 },
    );
  });

  it('agrees with decodeCbor on whether arbitrary bytes are complete', () => {
    fc.assert(
      fc.property(arbValue, fc.nat(), (value, cut) => {
        const bytes = encodeCbor(value);
        const truncated = bytes.subarray(0, cut % bytes.length);
        const r = decodeCborTree(truncated, { maxDepth: 64, maxItems: 100_000 });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.kind).toBe('incomplete');
      }),
      { numRuns: 5_000 },
    );
  });
});
