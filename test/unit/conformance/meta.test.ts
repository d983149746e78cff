import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../src/core/trace.ts';
import { EVIDENCE_LIMIT, OUTCOMES, jsonSafe, toEvidence } from '../../../src/conformance/meta.ts';
import { OUTCOME_CLASSES } from '../../../src/reporting/summary.ts';

const entry = (i: number): TraceEntry => ({ direction: i % 2 ? 'in' : 'out', atNs: BigInt(i) * 1_000_000_000_000n, hex: i.toString(16).padStart(2, '0') });

describe('evidence', () => {
  it('is JSON-safe: ns timestamps as strings, bytes as hex, maps as objects, bigints as strings', () => {
    const { evidence, dropped } = toEvidence([{ ...entry(3), decoded: { n: 2n ** 70n, b: Uint8Array.of(1, 2), m: new Map([[1, 'x']]) }, note: 'raw' }]);
    expect(dropped).toBe(0);
    expect(evidence).toEqual([{ direction: 'in', atNs: '3000000000000', hex: '03', note: 'raw', decoded: { n: '1180591620717411303424', b: { hex: '0102' }, m: { 1: 'x' } } }]);
    expect(JSON.parse(JSON.stringify(evidence))).toEqual(evidence);
  });

  it('keeps the first quarter and the last entries past the cap, counting what it dropped', () => {
    const all = Array.from({ length: EVIDENCE_LIMIT + 50 }, (_, i) => entry(i));
    const { evidence, dropped } = toEvidence(all);
    expect(evidence.length).toBe(EVIDENCE_LIMIT);
    expect(dropped).toBe(50);
    expect(evidence[0]?.hex).toBe('00');
    expect(evidence[EVIDENCE_LIMIT - 1]?.atNs).toBe(String(BigInt(EVIDENCE_LIMIT + 49) * 1_000_000_000_000n));
  });

  it('bounds depth so a cyclic or hostile value cannot hang a report', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) at = (at['x'] = {}) as Record<string, unknown>;
    expect(JSON.stringify(jsonSafe(deep, 0))).toContain('"…"');
  });

  it('spells outcomes exactly as the reporters do', () => {
    expect([...OUTCOMES]).toEqual([...OUTCOME_CLASSES]);
  });
});
