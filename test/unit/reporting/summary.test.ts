import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCaseSummary } from '../../../src/reporting/case-record.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import {
  buildTargetSummary,
  OUTCOME_CLASSES,
  type RunSummary,
  runHasFailures,
  totalsOf,
} from '../../../src/reporting/summary.ts';
import { onePerOutcome, record } from './fixtures.ts';

function run(targets: RunSummary['targets']): RunSummary {
  return {
    schemaVersion: 1,
    tool: { name: 'mgmt-conformance', version: '0.1.0', node: 'v20.0.0' },
    startedAt: '2026-11-28T09:00:00.000Z',
    durationMs: 1234,
    seed: 42,
    targets,
  };
}

describe('summary totals', () => {
  it('counts one case in each outcome class', () => {
    const totals = totalsOf(onePerOutcome());
    expect(totals).toEqual({ pass: 1, fail: 1, nonStrict: 1, informational: 1, unsupported: 1, broken: 1, crash: 0, blocked: 0 });
  });

  it('totals always add up to the number of cases', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OUTCOME_CLASSES), { maxLength: 50 }), (outcomes) => {
        const totals = totalsOf(outcomes.map((outcome) => ({ outcome })));
        const sum = Object.values(totals).reduce((a, b) => a + b, 0);
        expect(sum).toBe(outcomes.length);
        for (const o of OUTCOME_CLASSES) expect(totals[o]).toBe(outcomes.filter((x) => x === o).length);
      }),
      { numRuns: 200 },
    );
  });

  it('only fail and broken make the run fail', () => {
    for (const c of onePerOutcome()) {
      const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases: [toCaseSummary(c)] });
      expect(runHasFailures({ targets: [t] })).toBe(c.outcome === 'fail' || c.outcome === 'broken');
    }
  });

  it('a target-level error makes the run fail even with no cases', () => {
    const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases: [], error: 'boom' });
    expect(runHasFailures({ targets: [t] })).toBe(true);
  });

  it('sorts cases by id and capabilities by name, for stable diffs', () => {
    const cases = ['SMP-B-002', 'SMP-A-001', 'SMP-B-001'].map((id) => toCaseSummary(record({ id })));
    const t = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: ['smp.os', 'smp.img'], cases });
    expect(t.cases.map((c) => c.id)).toEqual(['SMP-A-001', 'SMP-B-001', 'SMP-B-002']);
    expect(t.capabilities).toEqual(['smp.img', 'smp.os']);
  });

  it('keeps seed and counterexample only when present', () => {
    expect(toCaseSummary(record())).not.toHaveProperty('seed');
    const s = toCaseSummary(record({ seed: 7, counterexample: '[1,2]' }));
    expect(s.seed).toBe(7);
    expect(s.counterexample).toBe('[1,2]');
    expect(s).not.toHaveProperty('requirement');
  });
});

describe('summary schema check', () => {
  const good = () =>
    run([
      buildTargetSummary({
        name: 'sim',
        transport: 'udp',
        identity: { os: { kernel: 'Zephyr' } },
        capabilities: ['smp.os'],
        cases: onePerOutcome().map(toCaseSummary),
      }),
    ]);

  it('accepts a well-formed summary, also after a JSON round trip', () => {
    expect(checkSummary(good())).toEqual([]);
    expect(checkSummary(JSON.parse(JSON.stringify(good())))).toEqual([]);
  });

  it('names the pointer of a wrong outcome', () => {
    const s = good() as unknown as { targets: { cases: { outcome: string }[] }[] };
    s.targets[0]!.cases[1]!.outcome = 'failed';
    expect(checkSummary(s)).toEqual([{ pointer: '/targets/0/cases/1/outcome', message: expect.stringContaining('one of') }]);
  });

  it('refuses missing fields, unknown fields and a wrong schema version', () => {
    const s = good() as unknown as Record<string, unknown>;
    delete s.seed;
    s.extra = true;
    s.schemaVersion = 2;
    const pointers = checkSummary(s).map((p) => p.pointer).sort();
    expect(pointers).toEqual(['/extra', '/schemaVersion', '/seed']);
  });

  it('refuses totals that disagree with the cases', () => {
    const s = good();
    s.targets[0]!.totals.pass = 5;
    expect(checkSummary(s)).toEqual([{ pointer: '/targets/0/totals/pass', message: 'must be 1 (counted from the cases)' }]);
  });

  it('refuses duplicate case ids within a target', () => {
    const s = good();
    s.targets[0]!.cases[1]!.id = s.targets[0]!.cases[0]!.id;
    expect(checkSummary(s).map((p) => p.message)).toContain(`duplicate case id ${s.targets[0]!.cases[0]!.id}`);
  });

  it('refuses a non-object without throwing', () => {
    expect(checkSummary(null)).toEqual([{ pointer: '', message: 'must be object, got null' }]);
    expect(checkSummary('x').length).toBe(1);
  });
});
