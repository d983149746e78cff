/**
 * Target runs in child processes: results come back through the result file, and a child that
 * has to be killed still leaves its journaled cases, the rest broken with the reason, and JUnit.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeTargetRunsInParallel } from '../../../src/cli/run-parallel.ts';
import type { TargetRunPlan } from '../../../src/cli/run-targets.ts';
import { collectConformanceCases } from '../../../src/cli/run-vitest.ts';

const root = resolve(import.meta.dirname, '../../fixtures/conformance-project');
const work = mkdtempSync(join(tmpdir(), 'run-parallel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function plan(key: string, faults: string[]): TargetRunPlan {
  const target = { name: key, kind: 'udp' as const, smp: 'udp://127.0.0.1:9', capabilities: [], timeoutMs: 1000, strict: false, budgets: {} };
  return { key, target, transport: 'udp', faults, isStrict: false, seed: 3, protocols: ['smp'] };
}

// The two runs wait out their bounds (60 s, 20 s) and share nothing but the fixture: they run side by side.
describe('parallel target runs', { timeout: 180_000, concurrent: true }, () => {
  it('runs each plan in its own process and kills one that outlives its bound', async () => {
    const { cases } = await collectConformanceCases(root);
    const events: string[] = [];
    const started: number[] = [];
    const startedAt = new Map<number, number>();
    const doneAt = new Map<number, number>();
    const done: string[] = [];
    const results = await executeTargetRunsInParallel(
      [plan('quick', []), plan('stuck', ['hang'])],
      {
        selected: cases,
        root,
        outDir: work,
        runTimeoutMs: 90_000,
        isJson: false,
        // Room for the stuck child's vitest to start and report its first case on loaded CI cores.
        childBoundMs: 60_000,
        onStart: (i) => started.push(i) && startedAt.set(i, Date.now()),
        onCase: (i, e) => events.push(`${i} ${e.outcome} ${e.id}`),
      },
      { stdout: () => undefined, stderr: () => undefined },
      (i, r) => done.push(`${i}:${r.summary.name}`) && doneAt.set(i, Date.now()),
      2,
    );
    expect(done.sort()).toEqual(['0:quick', '1:stuck']);
    const [quick, stuck] = results;
    expect(quick!.summary.error).toBeUndefined();
    expect(quick!.summary.totals.pass).toBe(4);
    // One process per plan, at the same time: the second started before the first had finished.
    expect(started.sort()).toEqual([0, 1]);
    expect(startedAt.get(1)!).toBeLessThan(doneAt.get(0)!);
    expect(events).toContain('0 pass FIX-OS-001');
    expect(events).toContain('1 unsupported FIX-IMG-001');
    expect(stuck!.summary.error).toBe('target process killed after 60 s');
    const hung = stuck!.summary.cases.find((c) => c.id === 'FIX-IMG-002');
    expect(hung).toMatchObject({ outcome: 'broken', message: 'not run: target process killed after 60 s' });
    expect(stuck!.summary.cases).toHaveLength(cases.length);
    expect(existsSync(join(work, 'junit-stuck.xml'))).toBe(true);
    expect(readFileSync(join(work, 'junit-stuck.xml'), 'utf8')).toContain('target process killed after 60 s');
    const allure = readdirSync(join(work, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(work, 'allure-results', f), 'utf8')) as { status: string; parameters: { name: string; value: string }[] });
    const ofStuck = allure.filter((r) => r.parameters.some((p) => p.name === 'target' && p.value === 'stuck'));
    expect(ofStuck).toHaveLength(cases.length);
    expect(ofStuck.filter((r) => r.status === 'broken').length).toBeGreaterThan(0);
  });

  it('a worker spinning in a busy loop is cut at the run timeout and does not outlive the run', async () => {
    const { cases } = await collectConformanceCases(root);
    const outDir = join(work, 'spin');
    mkdirSync(outDir);
    const pidFile = join(outDir, 'spin.pid');
    process.env['FIXTURE_PID_FILE'] = pidFile;
    try {
      const started = Date.now();
      const [result] = await executeTargetRunsInParallel(
        [plan('spin', ['spin'])],
        { selected: cases, root, outDir, runTimeoutMs: 20_000, isJson: true },
        { stdout: () => undefined, stderr: () => undefined },
        () => undefined,
      );
      expect(Date.now() - started).toBeLessThan(120_000);
      expect(result!.summary.error).toMatch(/timed out after 20 s|killed/);
      expect(result!.summary.cases.find((c) => c.id === 'FIX-IMG-002')?.outcome).toBe('broken');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      delete process.env['FIXTURE_PID_FILE'];
    }
  });
});
