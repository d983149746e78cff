/**
 * The file-system suites on a small file system, run by a real vitest (conformance project)
 * against the simulator: on the default 16 KiB file system every fs case passes one after the
 * other (one scratch file reused, sizes within the fs budget); a file system too small for a case,
 * or a budget too small, makes the case's precondition unmet with the figures, not a failure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceMeta } from '../../../src/conformance/meta.ts';

const root = resolve(import.meta.dirname, '../../..');
const FS_SUITES = ['suites/smp/fs.suite.ts', 'suites/smp/fs-checks.suite.ts', 'suites/smp/fs-full.suite.ts'];

interface TestResult {
  title: string;
  meta: { conformance?: ConformanceMeta };
}

async function runSuites(target: unknown): Promise<Map<string, ConformanceMeta | undefined>> {
  const dir = mkdtempSync(join(tmpdir(), 'fs-run-'));
  const out = join(dir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...process.env, MGMT_TARGET: JSON.stringify(target), MGMT_SEED: '77' };
  delete env['VITEST_WORKER_ID'];
  try {
    await new Promise<void>((done) => {
      const args = [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'conformance', ...FS_SUITES, '--reporter=json', `--outputFile=${out}`];
      execFile(process.execPath, args, { cwd: root, env, timeout: 240_000 }, () => done());
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: TestResult[] }[] };
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    return new Map(tests.map((t) => [t.title.split(' ')[0] ?? '', t.meta.conformance]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const byOutcome = (results: Map<string, ConformanceMeta | undefined>, outcome: string): string[] =>
  [...results].filter(([, m]) => m?.outcome === outcome).map(([id]) => id);

describe('fs suites on a small file system', () => {
  it('every fs case passes on a 16 KiB file system, one after the other', async () => {
    const results = await runSuites({ name: 'sim', kind: 'sim' });
    expect(results.size).toBeGreaterThanOrEqual(25);
    const notPassed = [...results].filter(([, m]) => m?.outcome !== 'pass').map(([id, m]) => `${id}: ${m?.outcome} ${m?.message ?? ''}`);
    expect(notPassed).toEqual([]);
  }, 300_000);

  it('a full file system and a small fs budget leave preconditions unmet, with the figures', async () => {
    // 1000 bytes hold the 1000-byte files but not SMP-FS-UPLOAD-001's 1200 (2.5 buffers cut to the
    // budget); the budget of 1200 refuses the properties' 1500-byte file before the device is asked.
    const results = await runSuites({ name: 'sim', kind: 'sim', sim: { fsBytes: 1000 }, smpOptions: { fs: { root: '/lfs1', budgetBytes: 1200 } } });
    const full = results.get('SMP-FS-UPLOAD-001');
    expect(full?.outcome).toBe('unsupported');
    expect(full?.message).toMatch(/^precondition not met: the file system refused \d+ bytes at offset \d+ of a 1200-byte file \(err \{8, 10\} FILE_WRITE_FAILED/);
    const overBudget = [...results].filter(([, m]) => m?.message?.includes('over the target\'s fs budget of 1200 bytes'));
    expect(overBudget.length).toBeGreaterThan(0);
    for (const [, m] of overBudget) expect(m?.outcome).toBe('unsupported');
    expect(byOutcome(results, 'fail')).toEqual([]);
    expect(byOutcome(results, 'broken')).toEqual([]);
    // The fill case judges the full file system itself: refused with err 10, nothing miscounted.
    expect(results.get('SMP-FS-FULL-001')?.outcome).toBe('pass');
  }, 300_000);
});
