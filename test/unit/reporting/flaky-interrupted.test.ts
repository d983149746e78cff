/**
 * What a run adds to its reports beyond verdicts: flaky cases (passed on a retry) in the
 * console summary, JUnit, the baseline comparison (text and Markdown) and summary.json; an
 * interrupted run's marks; and the schema accepting exactly those fields.
 */
import { describe, expect, it } from 'vitest';
import { toCaseSummary } from '../../../src/reporting/case-record.ts';
import { renderConsoleSummary } from '../../../src/reporting/console-summary.ts';
import { renderSummaryDiffMarkdown } from '../../../src/reporting/diff-markdown.ts';
import { renderSummaryDiff } from '../../../src/reporting/diff-text.ts';
import { diffSummaries } from '../../../src/reporting/diff.ts';
import { renderJUnit } from '../../../src/reporting/junit.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import { buildTargetSummary, type RunSummary } from '../../../src/reporting/summary.ts';
import { record } from './fixtures.ts';

const flakyRecord = record({ id: 'SMP-OS-ECHO-002', outcome: 'pass', message: '', flaky: true, attempts: 2 });
const steady = record({ id: 'SMP-OS-ECHO-001', outcome: 'pass', message: '' });

function run(cases: RunSummary['targets'][number]['cases'], extra: Partial<RunSummary> = {}): RunSummary {
  const target = buildTargetSummary({ name: 'sim', transport: 'udp', identity: {}, capabilities: [], cases });
  return { schemaVersion: 1, tool: { name: 't', version: '0', node: 'v20' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 1, seed: 3, targets: [target], ...extra };
}

describe('flaky cases and interrupted runs in the reports', () => {
  it('summary.json keeps flaky and attempts, and the schema accepts them with profile, interruption and shard', () => {
    const current = run([steady, flakyRecord].map(toCaseSummary), { profile: 'nightly', interrupted: true, interruptedBy: 'SIGINT', shard: '1/2' });
    expect(current.targets[0]!.cases.find((c) => c.id === 'SMP-OS-ECHO-002')).toMatchObject({ flaky: true, attempts: 2 });
    expect(checkSummary(current)).toEqual([]);
    expect(checkSummary({ ...current, shard: '0/2' }).map((p) => p.pointer)).toEqual(['/shard']);
    expect(checkSummary({ ...current, interrupted: 'yes' }).map((p) => p.pointer)).toEqual(['/interrupted']);
  });

  it('the console lists flaky cases apart and says the run was interrupted', () => {
    const text = renderConsoleSummary(run([steady, flakyRecord].map(toCaseSummary), { profile: 'port', interrupted: true, interruptedBy: 'SIGTERM' }));
    expect(text).toContain('seed 3, profile port');
    expect(text).toContain('No failures.\n\nFlaky (failed, then passed on a retry): 1\n  sim/udp  SMP-OS-ECHO-002  passed on attempt 2');
    expect(text).toContain('Interrupted by SIGTERM: the reports hold the 2 case(s) finished before it.');
    expect(renderConsoleSummary(run([toCaseSummary(steady)]))).not.toContain('Flaky');
  });

  it('JUnit marks a flaky pass with properties and a note, a steady pass with neither', () => {
    const xml = renderJUnit({ name: 'sim', transport: 'udp', startedAt: '2026-01-01T00:00:00Z', cases: [steady, flakyRecord] });
    const flaky = xml.slice(xml.indexOf('[SMP-OS-ECHO-002]'));
    expect(flaky).toMatch(/<property name="flaky" value="true"\/><property name="attempts" value="2"\/>/);
    expect(flaky).toContain('<system-out>flaky: passed on attempt 2 after failing</system-out>');
    expect(xml.slice(xml.indexOf('[SMP-OS-ECHO-001]'), xml.indexOf('[SMP-OS-ECHO-002]'))).not.toContain('flaky');
  });

  it('the comparison lists flaky cases apart and does not count them as a regression', () => {
    const baseline = run([steady, { ...flakyRecord, flaky: undefined, attempts: undefined }].map(toCaseSummary));
    const diff = diffSummaries(baseline, run([steady, flakyRecord].map(toCaseSummary)));
    expect(diff.hasRegression).toBe(false);
    expect(diff.targets[0]!.flaky).toEqual([{ id: 'SMP-OS-ECHO-002', title: flakyRecord.title, attempts: 2, baseline: 'pass' }]);
    expect(renderSummaryDiff(diff)).toContain('flaky, passed on a retry (1; not counted as a regression):\n    SMP-OS-ECHO-002  passed on attempt 2 (baseline: pass)');
    const md = renderSummaryDiffMarkdown(diff, { baseline: 'b.json', current: 'now' });
    expect(md).toMatch(/\*\*Flaky: passed on a retry \(not a regression\) \(1\)\*\*\n\n\| case \| attempts \| baseline \| title \|\n\|---\|---\|---\|---\|\n\| SMP-OS-ECHO-002 \| 2 \| pass \|/);
    expect(md).toContain('No regression.');
  });

  it('the Markdown comparison escapes device text', () => {
    const baseline = run([toCaseSummary(steady)]);
    const current = run([toCaseSummary({ ...steady, outcome: 'fail', message: '<script>|x' })]);
    const md = renderSummaryDiffMarkdown(diffSummaries(baseline, current), { baseline: 'b', current: 'c' });
    expect(md).toContain('&lt;script&gt;\\|x');
    expect(md).not.toContain('<script>');
  });
});
