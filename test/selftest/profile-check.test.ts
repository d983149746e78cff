import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporting/summary.ts';
import { buildTargetSummary, type CaseSummary } from '../../src/reporting/summary.ts';
import { judgeProfile, uncaughtCatchers } from './profile-check.ts';

function run(cases: Partial<CaseSummary>[], error?: string): RunSummary {
  const full = cases.map((c, i) => ({ id: `SMP-T-${i}`, title: 't', level: 'MUST' as const, outcome: 'pass' as const, durationMs: 1, message: '', spec: '', ...c }));
  const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases: full, ...(error ? { error } : {}) });
  return { schemaVersion: 1, tool: { name: 't', version: '0', node: 'v20' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 1, seed: 1, targets: [t] };
}

describe('fault profile verdicts', () => {
  const profile = { name: 'wrong-seq', caughtBy: ['SMP-HDR-SEQ-001'], mayAlsoFail: ['SMP-OS-*'] };

  it('is clean when exactly the caughtBy cases fail', () => {
    const r = run([{ id: 'SMP-HDR-SEQ-001', outcome: 'fail' }, { id: 'SMP-IMG-001' }]);
    expect(judgeProfile(profile, [r])).toEqual({ missed: [], falseAlarms: [], targetErrors: [] });
  });

  it('reports a caughtBy case that passed, and a failure elsewhere', () => {
    const r = run([{ id: 'SMP-HDR-SEQ-001' }, { id: 'SMP-IMG-001', outcome: 'broken', message: 'timeout\nmore' }]);
    expect(judgeProfile(profile, [r])).toEqual({ missed: ['SMP-HDR-SEQ-001'], falseAlarms: ['SMP-IMG-001 broken on udp: timeout'], targetErrors: [] });
  });

  it('tolerates failures matching mayAlsoFail, and counts a catch on any transport', () => {
    const udp = run([{ id: 'SMP-HDR-SEQ-001', outcome: 'unsupported' }, { id: 'SMP-OS-ECHO-001', outcome: 'fail' }]);
    const serial = run([{ id: 'SMP-HDR-SEQ-001', outcome: 'fail' }]);
    expect(judgeProfile(profile, [udp, serial]).missed).toEqual([]);
    expect(judgeProfile(profile, [udp]).falseAlarms).toEqual([]);
    expect(uncaughtCatchers(profile, udp)).toEqual(['SMP-HDR-SEQ-001']);
    expect(uncaughtCatchers(profile, serial)).toEqual([]);
    expect(uncaughtCatchers(profile, undefined)).toEqual(['SMP-HDR-SEQ-001']);
  });

  it('counts a non-strict SHOULD case as a catch, but not a non-strict MUST one', () => {
    const p = { name: 'x', caughtBy: ['SMP-A-1', 'SMP-A-2'] };
    const r = run([{ id: 'SMP-A-1', level: 'SHOULD', outcome: 'nonStrict' }, { id: 'SMP-A-2', level: 'MUST', outcome: 'nonStrict' }]);
    expect(judgeProfile(p, [r]).missed).toEqual(['SMP-A-2']);
  });

  it('reports a target-level error', () => {
    expect(judgeProfile(profile, [run([{ id: 'SMP-HDR-SEQ-001', outcome: 'fail' }], 'timed out')]).targetErrors).toEqual(['sim/udp: timed out']);
  });
});
