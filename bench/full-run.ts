/**
 * Wall time of the full SMP conformance run: `node bin/mgmt-conformance.js run --out <tmp>`
 * against the default target (the simulator, both transports), bounded; case counts come from
 * the run's summary.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainModule } from './is-main.ts';

/** The run is killed (with its children) after this long. */
export const FULL_RUN_BUDGET_MS = 70_000;

/** Case counts of one target run, as summary.json reports them. */
export interface TargetFigures {
  transport: string;
  cases: number;
  totals: Record<string, number>;
}

/** Figures of the full run. */
export interface FullRunFigures {
  wallSeconds: number;
  exitCode: number | null;
  /** The run's own duration from summary.json. */
  summaryDurationSeconds: number | undefined;
  totalCases: number;
  targets: TargetFigures[];
}

const CLI = fileURLToPath(new URL('../bin/mgmt-conformance.js', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Run the CLI to completion or the budget; resolves with its exit code (null when killed). */
function runCli(out: string): Promise<number | null> {
  return new Promise((resolve) => {
    // Own process group, so a timeout can end the CLI and the runners it started.
    const child = spawn(process.execPath, [CLI, 'run', '--out', out, '--json'], { cwd: REPO, stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, FULL_RUN_BUDGET_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

interface Summary {
  durationMs?: number;
  targets?: { transport?: string; cases?: unknown[]; totals?: Record<string, number> }[];
}

/** summary.json, or an empty summary when the run left none (killed) or a broken one. */
async function readSummary(file: string): Promise<Summary> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Summary;
  } catch {
    return {};
  }
}

/** Time one full run; the temporary report folder is removed afterwards. */
export async function benchFullRun(): Promise<FullRunFigures> {
  const out = await mkdtemp(join(tmpdir(), 'mgmt-bench-run-'));
  try {
    const started = performance.now();
    const exitCode = await runCli(out);
    const wallSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
    const summary = await readSummary(join(out, 'summary.json'));
    const targets = (summary.targets ?? []).map((t) => ({ transport: t.transport ?? '?', cases: t.cases?.length ?? 0, totals: t.totals ?? {} }));
    return {
      wallSeconds,
      exitCode,
      summaryDurationSeconds: summary.durationMs === undefined ? undefined : Number((summary.durationMs / 1000).toFixed(1)),
      totalCases: targets.reduce((n, t) => n + t.cases, 0),
      targets,
    };
  } finally {
    // Retried: a vitest worker that is slow to exit may still write its journal while the folder goes.
    await rm(out, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

if (isMainModule(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchFullRun(), null, 2)}\n`);
}
