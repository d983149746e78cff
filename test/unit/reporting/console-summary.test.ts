import { describe, expect, it } from 'vitest';
import { toCaseSummary } from '../../../src/reporting/case-record.ts';
import { oneLine, renderConsoleSummary } from '../../../src/reporting/console-summary.ts';
import { buildTargetSummary, type RunSummary } from '../../../src/reporting/summary.ts';
import { onePerOutcome, record } from './fixtures.ts';

function summary(targets: RunSummary['targets']): RunSummary {
  return { schemaVersion: 1, tool: { name: 't', version: '0', node: 'v20' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 1500, seed: 9, targets };
}

describe('console summary', () => {
  it('shows totals per target and each failing case with a one-line message', () => {
    const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases: onePerOutcome().map(toCaseSummary) });
    const text = renderConsoleSummary(summary([t]));
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^target\s+transport\s+pass\s+fail\s+non-strict\s+informational\s+unsupported\s+broken$/);
    expect(lines[2]).toMatch(/^sim\s+udp\s+1\s+1\s+1\s+1\s+1\s+1$/);
    expect(text).toContain(`sim/udp  SMP-TEST-002  fail: fail because <"&'>`);
    expect(text).toContain('sim/udp  SMP-TEST-006  broken:');
    expect(text).not.toContain('SMP-TEST-003');
  });

  it('folds many cases that failed for the same reason into one line', () => {
    const cases = Array.from({ length: 30 }, (_, i) => toCaseSummary(record({ id: `SMP-X-${String(i).padStart(3, '0')}`, outcome: 'broken', message: 'target unavailable' })));
    const t = buildTargetSummary({ name: 'smp', transport: 'udp', identity: {}, capabilities: [], cases, error: 'no answer' });
    const text = renderConsoleSummary(summary([t]));
    expect(text).toContain('smp/udp  target error: no answer');
    expect(text).toContain('smp/udp  30 cases broken: target unavailable (SMP-X-000, SMP-X-001, SMP-X-002, …)');
  });

  it('says so when nothing failed', () => {
    const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases: [toCaseSummary(record())] });
    expect(renderConsoleSummary(summary([t]))).toContain('No failures.');
  });

  it('cuts messages to their first non-empty line', () => {
    expect(oneLine('\n  first line  \nsecond')).toBe('first line');
    expect(oneLine('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(oneLine('𝄞'.repeat(20), 5)).toBe('𝄞𝄞𝄞𝄞…');
  });
});
