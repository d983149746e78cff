import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.ts';
import { cborDiagnostic } from '../../../../src/codec/cbor/diagnostic.ts';
import { decodeCborTree } from '../../../../src/codec/cbor/tree.ts';

function diag(hex: string): string {
  const r = decodeCborTree(fromHex(hex), { maxItems: 100_000 });
  if (!r.ok) throw new Error(`${hex}: ${r.error.message}`);
  return cborDiagnostic(r.value);
}

/** RFC 8949 Appendix A (hex → diagnostic notation). */
const rfcExamples: [string, string][] = [
  ['00', '0'],
  ['1bffffffffffffffff', '18446744073709551615'],
  ['3bffffffffffffffff', '-18446744073709551616'],
  ['3903e7', '-1000'],
  ['f90000', '0.0'],
  ['f98000', '-0.0'],
  ['fb3ff199999999999a', '1.1'],
  ['fa7f800000', 'Infinity'],
  ['f9fc00', '-Infinity'],
  ['f97e00', 'NaN'],
  ['fbc010666666666666', '-4.1'],
  ['f4', 'false'],
  ['f7', 'undefined'],
  ['f0', 'simple(16)'],
  ['f8ff', 'simple(255)'],
  ['c11a514b67b0', '1(1363896240)'],
  ['40', "h''"],
  ['4401020304', "h'01020304'"],
  ['62225c', '"\\"\\\\"'],
  ['8301820203820405', '[1, [2, 3], [4, 5]]'],
  ['a201020304', '{1: 2, 3: 4}'],
  ['5f42010243030405ff', "(_ h'0102', h'030405')"],
  ['7f657374726561646d696e67ff', '(_ "strea", "ming")'],
  ['9fff', '[_ ]'],
  ['9f018202039f0405ffff', '[_ 1, [2, 3], [_ 4, 5]]'],
  ['bf61610161629f0203ffff', '{_ "a": 1, "b": [_ 2, 3]}'],
];

interface DiagVector {
  name: string;
  hex: string;
  diag: string;
  source: string;
}

/** Every untruncated body of the Zephyr v4.0 captures with the capture's own `body_diag` (Python cbor2). */
const captureVectors: DiagVector[] = readFileSync(new URL('../../../fixtures/vectors/cbor-diagnostic.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as DiagVector);

describe('cborDiagnostic', () => {
  for (const [hex, text] of rfcExamples) {
    it(`${hex} → ${text}`, () => expect(diag(hex)).toBe(text));
  }

  it('has the capture bodies, with their sources', () => {
    expect(captureVectors.length).toBeGreaterThan(200);
    expect(captureVectors.every((v) => v.source.startsWith('capture zephyr-v4.0-smp-'))).toBe(true);
  });

  for (const v of captureVectors) {
    it(`${v.name} matches the capture's body_diag`, () => expect(diag(v.hex)).toBe(v.diag));
  }
});
