/**
 * Target runs in child processes, several in parallel (DESIGN.md "Scale": targets in parallel,
 * one process each). A child that outlives its bound is killed with its process group; whatever
 * it journaled before is kept and the rest of its cases are marked broken, so a run always ends
 * with reports and never hangs on a stuck worker.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  buildTargetSummary,
  type CaseRecord,
  parseJsonLines,
  toCaseSummary,
  writeFileAtomic,
  writeJsonAtomic,
} from '../reporting/index.ts';
import { junitFileName, renderJUnit } from '../reporting/junit.ts';
import { CLI_BUILD_ENV, nodeEntryArgv } from '../target/node-entry.ts';
import type { CliIo } from './args.ts';
import type { ChildJob } from './run-child.ts';
import { type CaseEvent, parseCaseEvent } from './run-progress.ts';
import { casesForProtocols } from './run-selection.ts';
import { completeRecordsWithAllure, type TargetRunResult } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';
import { PACKAGE_ROOT } from './run-vitest.ts';

const CHILD_ENTRY = resolve(PACKAGE_ROOT, 'src/cli/run-child.ts');

/** The CLI bundle's build name, defined by scripts/build-cli.mjs; not defined when running from the sources. */
declare const MGMT_CLI_BUILD: string | undefined;

/**
 * V8 settings of a target-run process: its live heap is small (about 23 MB at the height of an
 * SMP run) but its garbage is not, and V8 grew the heap to about 68 MB before collecting it.
 * Favouring size and growing the heap by 20 % at a time took an SMP target run over UDP from
 * 140 MB to 121 MB peak RSS for about 0.8 s more CPU (of 25 s wall time). Not allowed in
 * NODE_OPTIONS, so given on the command line (they do not reach what the process starts).
 */
export const TARGET_V8_FLAGS: readonly string[] = ['--optimize-for-size', '--heap-growing-percent=20'];

/**
 * Node arguments of a target-run process. From the CLI bundle: the same build's `run-child.js`,
 * plain JavaScript (no TypeScript loader and its hooks thread, whose transform state held
 * ~90 MB of heap in each target process; figures: bench/full-run.ts). From the sources, or
 * when that build was removed meanwhile: the TypeScript entry through tsx.
 */
export function childArgv(jobFile: string): string[] {
  const build = typeof MGMT_CLI_BUILD === 'string' ? MGMT_CLI_BUILD : undefined;
  return [...TARGET_V8_FLAGS, ...nodeEntryArgv({ bundled: 'run-child.js', source: CHILD_ENTRY }, build, [jobFile])];
}

/**
 * Memory settings of a target process and everything it starts (the vitest worker, a simulated
 * LwM2M client): much of their resident memory is not JavaScript objects but V8's young
 * generation (3 × 16 MiB semi-spaces per isolate by default) and glibc's per-thread malloc arenas
 * (vite's native transformer and libuv run several threads). Through the environment, so the
 * processes the target process starts inherit them. Figures: bench/full-run.ts.
 */
function targetProcessEnv(): NodeJS.ProcessEnv {
  const nodeOptions = [process.env['NODE_OPTIONS'], '--max-semi-space-size=2'].filter(Boolean).join(' ');
  // The build the simulated LwM2M clients start from (none from the sources, even if inherited).
  return { MALLOC_ARENA_MAX: '2', ...process.env, NODE_OPTIONS: nodeOptions, [CLI_BUILD_ENV]: typeof MGMT_CLI_BUILD === 'string' ? MGMT_CLI_BUILD : undefined };
}

/** Time a child gets beyond its own run timeout to start the target, write reports and exit. */
const CHILD_GRACE_MS = 90_000;

/** What every child shares. */
export interface ParallelRunContext {
  selected: readonly CaseRecord[];
  root: string;
  outDir: string;
  runTimeoutMs: number;
  isJson: boolean;
  loadProblems?: readonly string[];
  /** Hard bound on a child's life (default: the run timeout plus a grace period). */
  childBoundMs?: number;
  /** Told of each case a plan's process finished. */
  onCase?: (index: number, event: CaseEvent) => void;
  /** Told when a plan's process starts (an interrupted run reports the started ones). */
  onStart?: (index: number) => void;
  /** True once the run is stopping: no further plan is started. */
  isStopping?: () => boolean;
  /** Most target processes at once (`run --jobs N`); default `defaultTargetConcurrency()`. */
  jobs?: number;
}


/** Hand a child's output on line by line, so lines of two children never interleave mid-line. */
function lineForwarder(onLine: (line: string) => void): { push: (chunk: Buffer) => void; flush: () => void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(`${line}\n`);
    },
    flush() {
      if (pending) onLine(`${pending}\n`);
      pending = '';
    },
  };
}

/** Kill a child's whole process group (the child and the vitest worker it forked). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Process groups of running children. */
const liveGroups = new Set<number>();

/**
 * Kill every running target process with its process group, at once (SIGKILL: a worker stuck in
 * a busy loop ignores anything gentler). `run` calls it on SIGINT/SIGTERM before writing the
 * partial reports from the journals; the children live in their own groups, so a terminal's
 * Ctrl+C reaches only the CLI process.
 */
export function killLiveTargetProcesses(): void {
  for (const pid of liveGroups) killGroup(pid);
}

/** Where a child's output goes: case events to `onCase`, other lines to `io`. */
function childOutput(io: CliIo, onCase: ((e: CaseEvent) => void) | undefined): (line: string) => void {
  return (line) => {
    const event = parseCaseEvent(line.trimEnd());
    if (event === undefined) io.stdout(line);
    else onCase?.(event);
  };
}

function spawnChild(jobFile: string, io: CliIo, boundMs: number, onCase?: (e: CaseEvent) => void): Promise<string> {
  return new Promise((done) => {
    // Own process group: a worker stuck in a busy loop ignores everything but SIGKILL, and must
    // die with its target run rather than outlive the CLI.
    const child = spawn(process.execPath, childArgv(jobFile), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: targetProcessEnv() });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const out = lineForwarder(childOutput(io, onCase));
    const err = lineForwarder(io.stderr);
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    let isKilled = false;
    const timer = setTimeout(() => {
      isKilled = true;
      killGroup(child.pid);
    }, boundMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      out.flush();
      err.flush();
      done(isKilled ? `target process killed after ${Math.round(boundMs / 1000)} s` : `target process ended with ${signal ?? `code ${code}`}`);
    });
  });
}

/** Result of a child that wrote none: its journaled cases, the others broken with `reason`. */
function salvage(plan: TargetRunPlan, ctx: ParallelRunContext, reason: string): TargetRunResult {
  const journal = join(ctx.outDir, '.journal', `${plan.key}.jsonl`);
  const reported = existsSync(journal) ? (parseJsonLines(readFileSync(journal, 'utf8')) as CaseRecord[]) : [];
  // The cases that finished have their Allure results (written as each finished); the others get one from their record.
  const records = completeRecordsWithAllure(casesForProtocols(ctx.selected, plan.protocols), reported, `not run: ${reason}`, ctx.outDir, plan);
  const startedAt = new Date().toISOString();
  const summary = buildTargetSummary({ name: plan.target.name, transport: plan.transport, identity: {}, capabilities: [], cases: records.map(toCaseSummary), error: reason });
  const junit = renderJUnit({ name: plan.target.name, transport: plan.transport, startedAt, cases: records, error: reason });
  writeFileAtomic(join(ctx.outDir, junitFileName(plan.key)), junit);
  return { summary, records, startedAt };
}

async function runOne(plan: TargetRunPlan, index: number, ctx: ParallelRunContext, io: CliIo): Promise<TargetRunResult> {
  const jobFile = join(ctx.outDir, '.journal', `${plan.key}.job.json`);
  const resultFile = join(ctx.outDir, '.journal', `${plan.key}.result.json`);
  rmSync(resultFile, { force: true });
  const job: ChildJob = {
    plan,
    selected: casesForProtocols(ctx.selected, plan.protocols),
    root: ctx.root,
    outDir: ctx.outDir,
    runTimeoutMs: ctx.runTimeoutMs,
    loadProblems: [...(ctx.loadProblems ?? [])],
    isJson: ctx.isJson,
    resultFile,
  };
  writeJsonAtomic(jobFile, job);
  const ending = await spawnChild(jobFile, io, ctx.childBoundMs ?? ctx.runTimeoutMs + CHILD_GRACE_MS, (e) => ctx.onCase?.(index, e));
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8')) as TargetRunResult;
  } catch {
    return salvage(plan, ctx, ending);
  }
}

/** Most target processes at once: a simulator target keeps a core busy, a board mostly waits. */
export function defaultTargetConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/** Run every plan in its own process, `limit` at a time; `onDone` sees each result as it arrives. */
export async function executeTargetRunsInParallel(
  plans: readonly TargetRunPlan[],
  ctx: ParallelRunContext,
  io: CliIo,
  onDone: (index: number, result: TargetRunResult) => void,
  limit = ctx.jobs ?? defaultTargetConcurrency(),
): Promise<TargetRunResult[]> {
  const results: TargetRunResult[] = new Array(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < plans.length; i = next++) {
      if (ctx.isStopping?.()) return;
      ctx.onStart?.(i);
      const result = await runOne(plans[i]!, i, ctx, io);
      results[i] = result;
      onDone(i, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, plans.length) }, worker));
  return results;
}
