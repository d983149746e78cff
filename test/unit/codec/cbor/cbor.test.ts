import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor, isCborMap } from '../../../../src/codec/cbor/cbor.ts';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';

describe('CBOR wrapper (cbor-x configured for plain definite-length maps)', () => {
  it('encodes objects as definite-length text-keyed maps, bytes as bstr (no tags)', () => {
    // spec smp.md §1.8: v1 echo body {"d":"aa"} = a1 61 64 62 61 61
    expect(toHex(encodeCbor({ d: 'aa' }))).toBe('a16164626161');
    expect(toHex(encodeCbor({ data: new Uint8Array([1, 2]) }))).toBe('a1646461746142' + '0102');
    expect(toHex(encodeCbor({}))).toBe('a0');
    expect(toHex(encodeCbor({ confirm: true }))).toBe('a167636f6e6669726df5');
  });

  it('decodes Zephyr indefinite-length maps (capture zephyr-v4.0-smp-udp.jsonl#os-echo-v2)', () => {
    const r = decodeCbor(fromHex('bf61726568656c6c6fff'));
    expect(r).toEqual({ ok: true, value: { r: 'hello' } });
  });

  it.each([
    ['a16164', 'incomplete'],
    ['bf', 'incomplete'],
    ['ff', 'invalid'],
    ['a0a0', 'invalid'],
    ['', 'incomplete'],
  ])('%s → %s', (hex, kind) => {
    const r = decodeCbor(fromHex(hex));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe(kind);
  });

  it('allows trailing bytes only when asked', () => {
    expect(decodeCbor(fromHex('a0a0'), { allowTrailing: true }).ok).toBe(true);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeCbor(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 10_000 },
    );
  });

  it('round trips text-keyed maps of plain values', () => {
    const value = fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.uint8Array({ maxLength: 16 })),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(value, (v) => {
        const r = decodeCbor(encodeCbor(v));
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(isCborMap(r.value)).toBe(true);
          const back = r.value as Record<string, unknown>;
          for (const [k, x] of Object.entries(v)) {
            const y = back[k];
            if (x instanceof Uint8Array) expect(toHex(y as Uint8Array)).toBe(toHex(x));
            else expect(y).toEqual(x);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
