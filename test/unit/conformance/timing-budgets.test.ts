/**
 * Timing budgets end to end: the timing suite run by a real vitest (conformance project) against
 * the simulator with its default budgets, with replies slowed past them, and with the budgets
 * turned off. Results are read from vitest's JSON report, meta included.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceMeta } from '../../../src/conformance/meta.ts';

const root = resolve(import.meta.dirname, '../../..');
const IDS = ['SMP-TIME-ECHO-001', 'SMP-TIME-IMG-STATE-001'];

interface TestResult {
  title: string;
  status: string;
  failureMessages: string[];
  meta: { conformance?: ConformanceMeta };
}

/**
 * The timing suite run by vitest against `target`; `ids` narrows the run to those cases (by
 * vitest's test-name pattern), every case runs without it.
 */
async function runTiming(target: unknown, ids?: readonly string[]): Promise<Map<string, TestResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'timing-run-'));
  const out = join(dir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...process.env, MGMT_TARGET: JSON.stringify(target), MGMT_SEED: '1' };
  delete env['VITEST_WORKER_ID'];
  try {
    await new Promise<void>((done) => {
      const only = ids ? [`--testNamePattern=(?:^|\\s)(?:${ids.join('|')})\\s`] : [];
      const args = [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'conformance', 'suites/smp/timing.suite.ts', ...only, '--reporter=json', `--outputFile=${out}`];
      execFile(process.execPath, args, { cwd: root, env, timeout: 120_000 }, () => done());
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: TestResult[] }[] };
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    return new Map(tests.map((t) => [t.title.split(' ')[0] ?? '', t]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const outcomeOf = (r: Map<string, TestResult>, id: string): string | undefined => r.get(id)?.meta.conformance?.outcome;

/** A simulator target that declares it can reset (SMP-TIME-RESET-001 needs the capability). */
const RESET_CAPABLE = { name: 'sim', kind: 'sim', capabilities: ['smp.os.reset'] };
const CMD_IDS = ['SMP-TIME-CMD-001', 'SMP-TIME-RESET-001'];
let unbudgetedRun: Promise<Map<string, TestResult>> | undefined;
/** Every timing case with no budget at all: one run serves both tests (it only records). */
const unbudgetedResults = (): Promise<Map<string, TestResult>> => (unbudgetedRun ??= runTiming({ ...RESET_CAPABLE, budgets: {} }));

describe('timing suite against the simulator budgets', () => {
  it('passes with the default budgets, fails when replies are slower, and only records without budgets', async () => {
    const [healthy, slow, unbudgeted] = await Promise.all([
      runTiming({ name: 'sim', kind: 'sim' }, IDS),
      runTiming({ name: 'sim', kind: 'sim', faults: ['slow-replies:120'] }, IDS),
      unbudgetedResults(),
    ]);
    for (const id of IDS) {
      expect(outcomeOf(healthy, id), id).toBe('pass');
      expect(outcomeOf(slow, id), id).toBe('fail');
      expect(outcomeOf(unbudgeted, id), id).toBe('informational');
    }
    expect(slow.get('SMP-TIME-ECHO-001')?.failureMessages[0]).toMatch(/budget smp\.echo\.rttMs.*median round trip ≤ 50 ms.*median 1\d\d\.\d ms over 11 exchanges/s);
    const recorded = unbudgeted.get('SMP-TIME-IMG-STATE-001')?.meta.conformance;
    expect(recorded?.message).toMatch(/^no "smp\.img\.state\.rttMs" budget for target sim; image state read round trip: median [\d.]+ ms over 11 exchanges/);
    // Every exchange is timed and kept: 11 figures in the case log.
    expect(recorded?.warnings.join('\n')).toMatch(/each: ([\d.]+, ){10}[\d.]+ ms/);
  }, 150_000);

  it('judges per-command percentiles and reset-to-ready against the target budgets', async () => {
    const timing = { 'timing.smp.os.*.p95': 1000, 'timing.smp.img.state.max': 2000, resetToReadyMs: 30_000 };
    const [met, slow, unbudgeted] = await Promise.all([
      runTiming({ ...RESET_CAPABLE, budgets: timing }, CMD_IDS),
      runTiming({ ...RESET_CAPABLE, faults: ['slow-replies:120'], budgets: { 'timing.smp.os.echo.p50': 50, resetToReadyMs: 1 } }, CMD_IDS),
      unbudgetedResults(),
    ]);
    expect(outcomeOf(met, 'SMP-TIME-CMD-001'), met.get('SMP-TIME-CMD-001')?.failureMessages.join('\n')).toBe('pass');
    expect(outcomeOf(met, 'SMP-TIME-RESET-001'), met.get('SMP-TIME-RESET-001')?.failureMessages.join('\n')).toBe('pass');
    expect(outcomeOf(slow, 'SMP-TIME-CMD-001')).toBe('fail');
    expect(slow.get('SMP-TIME-CMD-001')?.failureMessages[0]).toMatch(/budget timing\.smp\.os\.echo\.p50.*smp\.os\.echo p50 ≤ 50 ms.*p50 1\d\d\.\d ms/s);
    expect(outcomeOf(slow, 'SMP-TIME-RESET-001')).toBe('fail');
    expect(outcomeOf(unbudgeted, 'SMP-TIME-CMD-001')).toBe('informational');
    expect(unbudgeted.get('SMP-TIME-CMD-001')?.meta.conformance?.warnings.join('\n')).toMatch(/smp\.os\.echo: p50 [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms over 22 exchanges/);
    expect(outcomeOf(unbudgeted, 'SMP-TIME-RESET-001')).toBe('informational');
  }, 200_000);
});

