/**
 * Wall time and peak memory of the full default run: `node bin/mgmt-conformance.js run
 * --out <tmp>` against the default target (the simulator: SMP on both transports, LwM2M 1.0 and
 * 1.1), bounded; memory is the CLI's whole process tree, sampled from /proc (summed PSS, the
 * machine's memory for it, beside summed RSS; see ./process-tree-rss.ts); case counts come from
 * the run's summary.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainModule } from './is-main.ts';
import { sampleTreeRss, type TreeRssFigures } from './process-tree-rss.ts';

/**
 * The run is stopped (SIGTERM: it ends its children and writes partial reports) after this long:
 * far beyond an idle machine's ~2 minutes, so a loaded machine still measures a whole run
 * (`exitCode` 143 and missing cases say when it did not).
 */
export const FULL_RUN_BUDGET_MS = 600_000;

/** Case counts of one target run, as summary.json reports them. */
export interface TargetFigures {
  transport: string;
  cases: number;
  totals: Record<string, number>;
  /** Cases that failed, broke or crashed, with the verdict's message: a run that should be clean says which. */
  failures: { id: string; outcome: string; message: string }[];
}

/** Figures of the full run. */
export interface FullRunFigures {
  wallSeconds: number;
  /** Unrounded wall time, the figure goals are judged on. */
  wallMs: number;
  /** Memory of the CLI and every process it started (target runs, vitest workers, simulators): PSS and RSS sums, per-process peaks. */
  memory: TreeRssFigures;
  exitCode: number | null;
  /** The run's own duration from summary.json. */
  summaryDurationSeconds: number | undefined;
  totalCases: number;
  targets: TargetFigures[];
}

const CLI = fileURLToPath(new URL('../bin/mgmt-conformance.js', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Run the CLI to completion or the budget, sampling its process tree's memory; resolves with its exit code (null when killed). */
function runCli(out: string, extraArgs: readonly string[]): Promise<{ exitCode: number | null; memory: TreeRssFigures }> {
  return new Promise((resolve) => {
    // Own process group, so a timeout can end the CLI with SIGTERM: it then ends its target
    // processes (their own groups) and writes what it has.
    const child = spawn(process.execPath, [CLI, 'run', '--out', out, '--json', ...extraArgs], { cwd: REPO, stdio: 'ignore', detached: true });
    const sampler = sampleTreeRss(child.pid ?? -1);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    }, FULL_RUN_BUDGET_MS);
    const end = (exitCode: number | null): void => {
      clearTimeout(timer);
      resolve({ exitCode, memory: sampler.stop() });
    };
    child.on('exit', (code) => end(code));
    child.on('error', () => end(null));
  });
}

interface Summary {
  durationMs?: number;
  targets?: { transport?: string; cases?: { id?: string; outcome?: string; message?: string }[]; totals?: Record<string, number> }[];
}

/** summary.json, or an empty summary when the run left none (killed) or a broken one. */
async function readSummary(file: string): Promise<Summary> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Summary;
  } catch {
    return {};
  }
}

/** Time one full run (`extraArgs` go to `run`, e.g. `--jobs 1`); the temporary report folder is removed afterwards. */
export async function benchFullRun(extraArgs: readonly string[] = []): Promise<FullRunFigures> {
  const out = await mkdtemp(join(tmpdir(), 'mgmt-bench-run-'));
  try {
    const started = performance.now();
    const { exitCode, memory } = await runCli(out, extraArgs);
    const wallMs = performance.now() - started;
    const wallSeconds = Number((wallMs / 1000).toFixed(1));
    const summary = await readSummary(join(out, 'summary.json'));
    const bad = new Set(['fail', 'broken', 'crash', 'blocked']);
    const targets = (summary.targets ?? []).map((t) => ({
      transport: t.transport ?? '?',
      cases: t.cases?.length ?? 0,
      totals: t.totals ?? {},
      failures: (t.cases ?? []).filter((c) => bad.has(c.outcome ?? '')).map((c) => ({ id: c.id ?? '?', outcome: c.outcome ?? '?', message: (c.message ?? '').slice(0, 2000) })),
    }));
    return {
      wallSeconds,
      wallMs,
      memory,
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
  // `npx tsx bench/full-run.ts -- --jobs 1`: arguments after `--` go to `run`.
  const dash = process.argv.indexOf('--');
  process.stdout.write(`${JSON.stringify(await benchFullRun(dash >= 0 ? process.argv.slice(dash + 1) : []), null, 2)}\n`);
}
