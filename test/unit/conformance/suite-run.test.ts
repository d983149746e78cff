/**
 * The kit end to end: the echo demo suite run by a real vitest (conformance project, its
 * environment and session) against the simulator, clean and with a fault profile, and against a
 * target nobody answers. Results are read from vitest's JSON report, meta included.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceMeta } from '../../../src/conformance/meta.ts';

const root = resolve(import.meta.dirname, '../../..');

interface TestResult {
  title: string;
  status: string;
  failureMessages: string[];
  meta: { conformance?: ConformanceMeta };
}

async function runSuite(target: unknown, extraEnv: Record<string, string> = {}, files = ['suites/smp/os-echo.suite.ts']): Promise<Map<string, TestResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-run-'));
  const out = join(dir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...process.env, MGMT_TARGET: JSON.stringify(target), ...extraEnv };
  delete env['VITEST_WORKER_ID'];
  try {
    await new Promise<void>((done) => {
      execFile(
        process.execPath,
        [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'conformance', ...files, '--reporter=json', `--outputFile=${out}`],
        { cwd: root, env, timeout: 120_000 },
        () => done(),
      );
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: TestResult[] }[] };
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    return new Map(tests.map((t) => [t.title.split(' ')[0] ?? '', t]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function outcomes(results: Map<string, TestResult>): Record<string, string | undefined> {
  return Object.fromEntries([...results].map(([id, t]) => [id, t.meta.conformance?.outcome]));
}

describe('echo suite through vitest', () => {
  it('passes against the simulator, with the metadata contract filled in', async () => {
    const results = await runSuite({ name: 'sim', kind: 'sim' }, { MGMT_SEED: '4242' });
    expect(outcomes(results)).toEqual({
      'SMP-OS-ECHO-001': 'pass',
      'SMP-OS-ECHO-002': 'pass',
      'SMP-OS-ECHO-003': 'pass',
      'SMP-OS-ECHO-004': 'pass',
      'SMP-OS-ECHO-005': 'informational',
      'SMP-OS-ECHO-006': 'pass',
    });
    const m = results.get('SMP-OS-ECHO-001')?.meta.conformance;
    expect(m).toMatchObject({ schema: 1, suite: 'smp/os', protocol: 'SMP', feature: 'os', story: 'echo', level: 'MUST', target: 'sim', transport: 'udp', requires: ['smp.os.echo'] });
    expect(m?.spec.url).toContain('smp_group_0.rst#echo-command');
    expect(m?.evidence.length).toBeGreaterThanOrEqual(4);
    expect(results.get('SMP-OS-ECHO-006')?.meta.conformance).toMatchObject({ kind: 'property', numRuns: 300 });
    expect(results.get('SMP-OS-ECHO-001')?.title).toBe('SMP-OS-ECHO-001 echo returns the string it was sent');
  });

  it('fails the cases a truncating echo breaks, and only those', async () => {
    const results = await runSuite({ name: 'sim', kind: 'sim', faults: ['echo-truncated:8'] }, { MGMT_SEED: '4242' });
    expect(outcomes(results)).toMatchObject({ 'SMP-OS-ECHO-001': 'fail', 'SMP-OS-ECHO-002': 'pass', 'SMP-OS-ECHO-003': 'pass', 'SMP-OS-ECHO-006': 'fail' });
    const failed = results.get('SMP-OS-ECHO-001');
    expect(failed?.status).toBe('failed');
    expect(failed?.failureMessages[0]).toContain('Expected one of:');
    const prop = results.get('SMP-OS-ECHO-006')?.meta.conformance;
    expect(prop?.counterexample).toBeDefined();
    expect(prop?.message).toContain('assertion failed: SMP-OS-ECHO-006');
  });

  it('breaks every case quickly, without "assert", when the target does not answer', async () => {
    const results = await runSuite({ name: 'dead', kind: 'udp', smp: 'udp://127.0.0.1:9', readyTimeoutMs: 500, timeoutMs: 200 });
    expect(results.size).toBe(6);
    for (const t of results.values()) {
      expect(t.meta.conformance?.outcome).toBe('broken');
      expect(t.status).toBe('failed');
      expect(t.failureMessages.join('\n')).not.toMatch(/assert/i);
      expect(t.meta.conformance?.message).toContain('target unavailable: no answer from udp://127.0.0.1:9 within 500 ms');
    }
  });

  it('fails SMP-CAP-DECLARED-001 for a declared capability the device lacks, and skips the cases needing it', async () => {
    const files = ['suites/smp/capabilities.suite.ts', 'suites/smp/os-echo.suite.ts'];
    const results = await runSuite({ name: 'sim', kind: 'sim', capabilities: ['smp.os.echo', 'smp.os.mpstat'] }, { MGMT_SEED: '1' }, files);
    const cap = results.get('SMP-CAP-DECLARED-001');
    expect(cap?.meta.conformance?.outcome).toBe('fail');
    expect(cap?.failureMessages[0]).toContain('smp.os.mpstat missing: os mpstat answered rc 8 (MGMT_ERR_ENOTSUP)');
    expect(results.get('SMP-OS-ECHO-001')?.meta.conformance?.outcome).toBe('pass');
    const clean = await runSuite({ name: 'sim', kind: 'sim', capabilities: ['smp.os.echo'] }, {}, files.slice(0, 1));
    expect(clean.get('SMP-CAP-DECLARED-001')?.meta.conformance?.outcome).toBe('pass');
  });

  it('fails (not breaks) the cases of a device that answers with the wrong seq', async () => {
    const results = await runSuite({ name: 'sim', kind: 'sim', faults: ['wrong-seq'], timeoutMs: 300 }, { MGMT_SEED: '1' }, ['suites/smp/capabilities.suite.ts', 'suites/smp/os-echo.suite.ts']);
    expect(results.get('SMP-CAP-DISCOVERY-001')?.meta.conformance?.outcome).toBe('fail');
    const echo = results.get('SMP-OS-ECHO-001');
    expect(echo?.meta.conformance?.outcome).toBe('fail');
    expect(echo?.failureMessages[0]).toContain('arrived that answer no request');
    expect(results.get('SMP-OS-ECHO-005')?.meta.conformance?.outcome).toBe('informational');
  });
});
