/**
 * `run` as a real process on the fixture project (test/fixtures/run-cli/run-fixture-cli.ts):
 * a real SIGINT or SIGTERM in the middle of a run leaves a valid partial summary.json, JUnit and
 * Allure results and exits 130/143; the plain progress lines carry the per-target count.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';

const script = resolve(import.meta.dirname, '../../fixtures/run-cli/run-fixture-cli.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** This test's environment without its vitest worker's variables, which must not reach the vitest the child starts. */
function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'MGMT_TARGET'));
}

const work = mkdtempSync(join(tmpdir(), 'run-signals-'));
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start the fixture run; FIXTURE_HANG makes FIX-IMG-002 wait forever, so the run only ends by a signal. */
function startRun(out: string): { child: ChildProcess; ended: Promise<Ended>; output: () => string } {
  const child = spawn(process.execPath, ['--import', tsx, script, '--smp', 'udp://127.0.0.1:9', '--out', out], {
    env: { ...outsideEnv(), FIXTURE_HANG: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<Ended>((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
  return { child, ended, output: () => stdout };
}

/** True when the target run names `id` as the case it is running. */
function isRunning(out: string, id: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(out, '.journal', 'smp.running.json'), 'utf8')) as { record: { id: string } }).record.id === id;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
  steps: unknown[];
  attachments: { name: string; source: string }[];
}

/** The Allure results by case id. */
function allureResults(out: string): Map<string, AllureResult> {
  const dir = join(out, 'allure-results');
  const results = readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AllureResult);
  return new Map(results.map((r) => [r.name.split(' ')[0]!, r]));
}

// Two vitest start-ups per run (collect, then the target run); on a loaded machine that takes a while.
describe('run stopped by a signal', { timeout: 330_000 }, () => {
  it('SIGINT and SIGTERM mid-run leave valid partial reports of the finished cases and exit 130 / 143', async () => {
    const runs = (['SIGINT', 'SIGTERM'] as const).map((signal) => ({ signal, out: join(work, signal), ...startRun(join(work, signal)) }));
    // Wait until each has finished some cases and is hanging in FIX-IMG-002.
    try {
      await Promise.all(runs.map((r) => until(() => /\[[1-7]\/7, 0 failing\]/.test(r.output()) && isRunning(r.out, 'FIX-IMG-002'), 240_000)));
    } catch (e) {
      // The CLI's own handler ends its target processes too.
      for (const r of runs) r.child.kill('SIGTERM');
      const ends = await Promise.all(runs.map((r) => r.ended));
      throw new Error(`${(e as Error).message}; output: ${ends.map((x) => `${x.stdout}\n${x.stderr}`).join('\n---\n')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const r of runs) r.child.kill(r.signal);
    for (const r of runs) {
      const ended = await r.ended;
      expect(ended.code).toBe(r.signal === 'SIGINT' ? 130 : 143);
      expect(ended.stderr).toContain(`run: interrupted by ${r.signal}; partial reports in ${r.out}`);
      expect(ended.stdout).toContain(`Interrupted by ${r.signal}`);
      const summary = JSON.parse(readFileSync(join(r.out, 'summary.json'), 'utf8')) as RunSummary;
      expect(checkSummary(summary)).toEqual([]);
      expect(summary).toMatchObject({ interrupted: true, interruptedBy: r.signal });
      const target = summary.targets[0]!;
      const ids = target.cases.map((c) => c.id);
      // The finished cases are kept; the hanging one and those never started are not invented.
      expect(ids.length).toBeGreaterThan(0);
      expect(ids).not.toContain('FIX-IMG-002');
      expect(target.error).toBe(`interrupted by ${r.signal} after ${ids.length} of 7 case(s)`);
      // Each kept case was printed as finished before the signal.
      for (const id of ids) expect(ended.stdout).toMatch(new RegExp(`\\[\\d/7, 0 failing\\]  ${id} `));
      // Allure: the finished cases whole (the evidence step and the trace attachments), and the
      // case the signal stopped, broken with the interruption as its message.
      const allure = allureResults(r.out);
      expect([...allure.keys()].sort()).toEqual([...ids, 'FIX-IMG-002'].sort());
      for (const id of ids.filter((i) => i !== 'FIX-IMG-001')) {
        const result = allure.get(id)!;
        expect(result.steps.length, id).toBeGreaterThan(0);
        expect(result.attachments.map((a) => a.name).sort(), id).toEqual(['trace (annotated hex)', 'trace (json)']);
        for (const a of result.attachments) expect(existsSync(join(r.out, 'allure-results', a.source)), a.source).toBe(true);
      }
      const stopped = allure.get('FIX-IMG-002')!;
      expect(stopped.status).toBe('broken');
      expect(stopped.statusDetails?.message).toBe(`interrupted by ${r.signal} while this case was running`);
      expect(existsSync(join(r.out, 'junit-smp.xml'))).toBe(true);
      expect(readFileSync(join(r.out, 'junit-smp.xml'), 'utf8')).toContain(`interrupted by ${r.signal}`);
    }
  });
});
