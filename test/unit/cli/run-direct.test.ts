/**
 * The run's own case runner (src/cli/run-direct.ts) against vitest's (`MGMT_RUNNER=vitest`): the
 * same seed on the same simulator gives the same cases with the same verdicts, the same session
 * findings, and an Allure result per case carrying the conformance labels and the case's frames.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAllureResultFiles } from './helpers/allure-results.ts';
import { readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'run-direct-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface AllureResult {
  status: string;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  steps: { name: string; attachments: { source: string }[] }[];
  attachments: { name: string; source: string }[];
}

const allureResults = (out: string): AllureResult[] => readAllureResultFiles<AllureResult>(out);

const label = (r: AllureResult, name: string): string | undefined => r.labels.find((l) => l.name === name)?.value;

describe('the run without vitest', () => {
  it('gives the verdicts, session findings and Allure results vitest gives, for the same seed', async () => {
    const args = ['run', '--suite', 'smp/os', '--transport', 'udp', '--seed', '4242'];
    const [direct, viaVitest] = await Promise.all([
      runCli([...args, '--out', join(work, 'direct')], 150_000),
      runCli([...args, '--out', join(work, 'vitest')], 150_000, undefined, { MGMT_RUNNER: 'vitest' }),
    ]);
    expect(direct.code, direct.stderr + direct.stdout).toBe(0);
    expect(viaVitest.code, viaVitest.stderr + viaVitest.stdout).toBe(0);
    const a = readSummary(join(work, 'direct'))!.targets[0]!;
    const b = readSummary(join(work, 'vitest'))!.targets[0]!;
    const verdicts = (t: typeof a): string[][] => t.cases.map((c) => [c.id, c.outcome, c.message]);
    expect(a.cases.length).toBeGreaterThan(20);
    expect(verdicts(a)).toEqual(verdicts(b));
    expect(a.identity).toEqual(b.identity);
    expect(a.capabilities).toEqual(b.capabilities);
    expect(Object.keys(a.timing ?? {}).sort()).toEqual(Object.keys(b.timing ?? {}).sort());

    const results = allureResults(join(work, 'direct'));
    // Each runner names itself: the direct results are not vitest's.
    expect(new Set(results.map((r) => label(r, 'framework')))).toEqual(new Set(['mgmt-conformance']));
    expect(new Set(allureResults(join(work, 'vitest')).map((r) => label(r, 'framework')))).toEqual(new Set(['vitest']));
    expect(results.map((r) => label(r, 'ALLURE_ID')).sort()).toEqual(a.cases.map((c) => c.id).sort());
    const echo = results.find((r) => label(r, 'ALLURE_ID') === 'SMP-OS-ECHO-001');
    expect(echo?.status).toBe('passed');
    expect(echo?.parameters).toEqual([{ name: 'target', value: 'sim' }, { name: 'transport', value: 'udp' }]);
    expect(echo?.steps.length).toBeGreaterThan(0);
    expect(echo?.attachments.map((x) => x.name)).toEqual(['trace (annotated hex)', 'trace (json)']);
    for (const x of [...(echo?.attachments ?? []), ...(echo?.steps.flatMap((s) => s.attachments) ?? [])]) expect(existsSync(join(work, 'direct', 'allure-results', x.source))).toBe(true);
    const env = readFileSync(join(work, 'direct', 'allure-results', 'environment.properties'), 'utf8');
    expect(env).toContain('seed=4242');
    expect(existsSync(join(work, 'direct', 'allure-results', 'categories.json'))).toBe(true);
  }, 200_000);
});
