/**
 * A case the run stops in keeps its evidence, through the real CLI against the built-in simulator:
 * with `hang-mid-upload` the device stops answering at the third upload chunk of
 * SMP-IMG-UPLOAD-009, and the run is stopped while the case waits for that answer, once by
 * SIGTERM and once by the run timeout. Either way the case's Allure result is broken, says why
 * the run stopped, and holds the steps and the trace the case had reached, ending with the
 * chunk that got no answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaseJournal } from '../../../src/reporting/case-journal.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';
import { PACKAGE_ROOT } from '../../selftest/cli-runner.ts';

const BIN = join(PACKAGE_ROOT, 'bin', 'mgmt-conformance.js');
const CASE = 'SMP-IMG-UPLOAD-009';
/** Long enough that the hanging chunk is still waiting when the run is stopped. */
const REQUEST_TIMEOUT_MS = 600_000;
/**
 * The run timeout must fall while the case hangs: after start-up (case collection, vitest, the
 * simulator; a few seconds idle, up to ~40 s on loaded cores) has brought the case to its third
 * chunk, and before vitest's own 60 s test timeout ends the case (vitest.config.ts, conformance
 * project), which would finish the run normally.
 */
const RUN_TIMEOUT_S = 50;

const work = mkdtempSync(join(tmpdir(), 'stopped-case-'));
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

const targetsFile = join(work, 'targets.json');
writeFileSync(
  targetsFile,
  JSON.stringify({ schemaVersion: 1, defaultTarget: 'hang', targets: { hang: { kind: 'sim', sim: { transports: ['udp'], faults: ['hang-mid-upload'] }, timeoutMs: REQUEST_TIMEOUT_MS } } }),
);

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'MGMT_TARGET' && k !== 'MGMT_CASE_JOURNAL_FILE'));
}

function startRun(out: string, runTimeoutS: number): { child: ChildProcess; ended: Promise<Ended> } {
  const args = [BIN, 'run', '--targets', targetsFile, '--grep', `/^${CASE}$/`, '--seed', '1', '--run-timeout', String(runTimeoutS), '--out', out];
  const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env: outsideEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, ended: new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr }))) };
}

interface Evidence {
  direction: string;
  decoded?: { header?: { group?: number; id?: number } };
}

const isUpload = (e: Evidence): boolean => e.decoded?.header?.group === 1 && e.decoded.header.id === 1;

/** True when the worker has journaled the case waiting on an upload chunk after two answered ones. */
function isHanging(out: string): boolean {
  const dir = join(out, '.journal');
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.case.jsonl')) : undefined;
  const journaled = file === undefined ? undefined : readCaseJournal(join(dir, file));
  if (journaled?.id !== CASE) return false;
  const evidence = journaled.evidence as Evidence[];
  const last = evidence[evidence.length - 1];
  return last !== undefined && last.direction === 'out' && isUpload(last) && evidence.filter((e) => e.direction === 'in' && isUpload(e)).length >= 2;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Step {
  name: string;
  attachments: { name: string; source: string }[];
}

interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
  steps: Step[];
  attachments: { name: string; source: string; type: string }[];
  start: number;
  stop: number;
}

function allureResultOf(out: string, id: string): AllureResult[] {
  const dir = join(out, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AllureResult)
    .filter((r) => r.name.startsWith(`${id} `));
}

/** The stopped case's Allure result: broken with `message`, its steps up to the unanswered chunk, the trace attached. */
function expectStoppedEvidence(out: string, message: string): void {
  const results = allureResultOf(out, CASE);
  expect(results).toHaveLength(1);
  const result = results[0]!;
  expect(result.status).toBe('broken');
  expect(result.statusDetails?.message).toBe(message);
  expect(result.stop).toBeGreaterThanOrEqual(result.start);
  const dir = join(out, 'allure-results');
  expect(result.attachments.map((a) => a.name).sort()).toEqual(['trace (annotated hex)', 'trace (json)']);
  for (const a of result.attachments) expect(existsSync(join(dir, a.source)), a.source).toBe(true);
  const json = result.attachments.find((a) => a.name === 'trace (json)')!;
  const trace = JSON.parse(readFileSync(join(dir, json.source), 'utf8')) as { evidence: Evidence[] };
  const uploads = trace.evidence.filter(isUpload);
  // Two answered chunks and the third, sent and never answered.
  expect(uploads.filter((e) => e.direction === 'out').length).toBeGreaterThanOrEqual(3);
  expect(uploads.filter((e) => e.direction === 'in').length).toBe(2);
  expect(trace.evidence[trace.evidence.length - 1]).toMatchObject({ direction: 'out', decoded: { header: { group: 1, id: 1 } } });
  // One step per request, as a finished case has them; the last is the chunk that got no answer.
  expect(result.steps).toHaveLength(trace.evidence.filter((e) => e.direction === 'out').length);
  const last = result.steps[result.steps.length - 1]!;
  expect(last.name).toMatch(/→ 0 frame\(s\) back$/);
  for (const step of result.steps.slice(0, -1)) expect(step.name, step.name).toMatch(/→ [1-9]\d* frame\(s\) back$/);
  for (const step of result.steps) {
    expect(step.attachments.map((a) => a.name)).toEqual(['frames']);
    expect(existsSync(join(dir, step.attachments[0]!.source))).toBe(true);
  }
  const hex = readFileSync(join(dir, result.attachments.find((a) => a.name === 'trace (annotated hex)')!.source), 'utf8');
  expect(hex.split('\n').filter((l) => l.includes(' >>> out')).length).toBe(result.steps.length);
}

// Case collection, then the target run's vitest and the simulator, on cores shared with other jobs.
describe('a run stopped in the middle of a case', { timeout: 400_000 }, () => {
  it('keeps the case\'s steps and partial trace in its broken Allure result, stopped by SIGTERM or by the run timeout', async () => {
    const bySignal = { out: join(work, 'sigterm'), ...startRun(join(work, 'sigterm'), 300) };
    const byTimeout = { out: join(work, 'timeout'), ...startRun(join(work, 'timeout'), RUN_TIMEOUT_S) };
    try {
      await until(() => isHanging(bySignal.out), 240_000, `the case journal shows ${CASE} waiting on its third upload chunk`);
    } catch (e) {
      bySignal.child.kill('SIGTERM');
      const [a, b] = await Promise.all([bySignal.ended, byTimeout.ended]);
      throw new Error(`${(e as Error).message}; output: ${a.stdout}\n${a.stderr}\n---\n${b.stdout}\n${b.stderr}`);
    }
    bySignal.child.kill('SIGTERM');
    const signalled = await bySignal.ended;
    expect(signalled.code, signalled.stderr).toBe(143);
    const summary = JSON.parse(readFileSync(join(bySignal.out, 'summary.json'), 'utf8')) as RunSummary;
    expect(checkSummary(summary)).toEqual([]);
    expect(summary).toMatchObject({ interrupted: true, interruptedBy: 'SIGTERM' });
    expectStoppedEvidence(bySignal.out, 'interrupted by SIGTERM while this case was running');

    const timedOut = await byTimeout.ended;
    expect(timedOut.code, timedOut.stderr).toBe(1);
    const target = (JSON.parse(readFileSync(join(byTimeout.out, 'summary.json'), 'utf8')) as RunSummary).targets[0]!;
    expect(target.error).toBe(`target run timed out after ${RUN_TIMEOUT_S} s`);
    // summary.json and JUnit say the same as the Allure result: the case ran, and was stopped.
    expect(target.cases.find((c) => c.id === CASE)).toMatchObject({ outcome: 'broken', message: `stopped while this case was running: target run timed out after ${RUN_TIMEOUT_S} s` });
    expect(readFileSync(join(byTimeout.out, 'junit-hang-udp.xml'), 'utf8')).toContain('stopped while this case was running');
    expectStoppedEvidence(byTimeout.out, `stopped while this case was running: target run timed out after ${RUN_TIMEOUT_S} s`);
  });
});
