/**
 * The run's own case runner: runs a target's selected cases in the target-run process, without
 * vitest. The suite files register their cases (src/conformance/registry.ts); each selected case
 * runs through the kit (src/conformance/direct-case.ts) against the session the conformance
 * environment provides, one after another in file and declaration order; the reports get what
 * vitest's reporters would give them: the case collector's records, an Allure result per case
 * (written as it finishes), the session info file after each suite file. vitest stays the runner
 * of sharded runs (its blob reports are what `merge` replays) and of projects other than this one.
 * @see docs/architecture.md "Session and run model", docs/design-notes.md §21
 */
import { runRegisteredCase, listedCase } from '../conformance/direct-case.ts';
import { registeredCasesInDeclarationOrder, type RegisteredCase } from '../conformance/registry.ts';
import { readEvidence } from '../reporting/allure-evidence.ts';
import { writeAllureResult } from '../reporting/allure-missing.ts';
import { writeAllureRunFiles } from '../reporting/allure-results.ts';
import { conformanceMeta, type FinishedTest } from '../reporting/case-from-test.ts';
import type { CaseCollector } from '../reporting/case-collector.ts';
import type { CaseRecord } from '../reporting/case-record.ts';
import { installConformanceSessions } from '../target/conformance-environment.ts';
import { atMost, type ConformanceRunEnd, errorText } from './run-vitest.ts';
import { writeSessionInfoFile } from './session-info-file.ts';
import { suiteLoader } from './suite-loaders.ts';

/** What the direct runner needs for one target run. */
export interface DirectRunOptions {
  /** Suite files relative to the project root, in the order they run (one loader each). */
  files: readonly string[];
  selectedIds: Iterable<string>;
  collector: CaseCollector;
  allure: { resultsDir: string; target: { name: string; transport: string }; environmentInfo: Record<string, string> };
  /** Where the session's findings go (`MGMT_SESSION_INFO_FILE`). */
  sessionInfoFile: string;
  /** The whole run's bound: the running case is abandoned then, the rest not run. */
  timeoutMs: number;
  /** Rerun a failed case up to this many times (`run --retries N`). */
  retry?: number;
}

/** Time an abandoned case (run timeout) gets to end before the run stops waiting for it. */
const CANCEL_BOUND_MS = 5_000;
/** Time the sessions get to close at the end. */
const CLOSE_BOUND_MS = 15_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The loaders of every file, or undefined when this build lacks one (the caller runs vitest instead). */
export function directLoaders(root: string, files: readonly string[]): (() => Promise<unknown>)[] | undefined {
  const loaders = files.map((f) => suiteLoader(root, f));
  return loaders.every((l) => l !== undefined) ? (loaders as (() => Promise<unknown>)[]) : undefined;
}

/** Load the suite files with registration only; returns each file's cases and the files that failed. */
async function registerSuites(files: readonly string[], loaders: readonly (() => Promise<unknown>)[]): Promise<{ byFile: Map<string, RegisteredCase[]>; problems: string[] }> {
  const byFile = new Map<string, RegisteredCase[]>();
  const problems: string[] = [];
  const seen = new Set(registeredCasesInDeclarationOrder().map((c) => c.info.id));
  const saved = process.env['MGMT_LIST_ONLY'];
  // Inside a process started by vitest (tests), VITEST is inherited: the kit must still only register.
  process.env['MGMT_LIST_ONLY'] = '1';
  try {
    for (const [i, file] of files.entries()) {
      try {
        await loaders[i]!();
      } catch (e) {
        problems.push(`${file}: ${errorText(e)}`);
      }
      // A file that throws part-way still registered the suites before the throw, as vitest collects them.
      const cases = registeredCasesInDeclarationOrder().filter((c) => !seen.has(c.info.id));
      for (const c of cases) seen.add(c.info.id);
      byFile.set(file, cases);
    }
  } finally {
    if (saved === undefined) delete process.env['MGMT_LIST_ONLY'];
    else process.env['MGMT_LIST_ONLY'] = saved;
  }
  return { byFile, problems };
}

/** Console output of cases goes nowhere, as under vitest's quiet reporters (stdout carries the progress events). */
function silenceConsole(): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = () => undefined;
  return () => methods.forEach((m, i) => (console[m] = saved[i]!));
}

/** Errors outside any case (a stray rejection): recorded as run problems, as vitest reports them. */
function catchStrayErrors(problems: string[]): () => void {
  const onError = (e: unknown): void => {
    problems.push(`unhandled error outside a case: ${errorText(e)}`);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return () => {
    process.off('unhandledRejection', onError);
    process.off('uncaughtException', onError);
  };
}

/** The Allure result of a finished case, from its record and the evidence in its metadata. */
function writeCaseAllure(options: DirectRunOptions, finished: FinishedTest, record: CaseRecord, startMs: number, flaky: boolean): void {
  const meta = conformanceMeta(finished.meta);
  const dropped = typeof meta['evidenceDropped'] === 'number' ? meta['evidenceDropped'] : 0;
  const trace = finished.errors[0]?.stack;
  writeAllureResult(options.allure.resultsDir, record, options.allure.target, {
    startMs,
    stopMs: Date.now(),
    evidence: { items: readEvidence(meta['evidence']), dropped },
    ...(trace !== undefined && record.outcome !== 'pass' ? { trace } : {}),
    ...(flaky ? { flaky } : {}),
  });
}

/** Run one case with its retries; undefined when the run was stopped while it ran. */
async function runWithRetries(c: RegisteredCase, file: string, options: DirectRunOptions, run: AbortSignal, stopped: Promise<void>): Promise<{ finished: FinishedTest; retryCount: number } | undefined> {
  const retries = options.retry ?? 0;
  for (let attempt = 0; ; attempt++) {
    const ending = await Promise.race([runRegisteredCase(c, file, run), stopped.then(() => sleep(CANCEL_BOUND_MS)).then(() => undefined)]);
    if (ending === undefined || run.aborted) return undefined;
    if (ending.state !== 'failed' || attempt >= retries) return { finished: ending, retryCount: attempt };
  }
}

/** Did any case of this file get as far as the session (its metadata names the transport)? */
function openedSession(finished: readonly FinishedTest[]): boolean {
  return finished.some((f) => {
    const transport = conformanceMeta(f.meta)['transport'];
    return typeof transport === 'string' && transport !== '';
  });
}

/** Run the selected cases of `files` for the target in `MGMT_TARGET`; never throws for target trouble. */
export async function runConformanceDirect(options: DirectRunOptions, loaders: readonly (() => Promise<unknown>)[]): Promise<ConformanceRunEnd> {
  const problems: string[] = [];
  const restoreErrors = catchStrayErrors(problems);
  const restoreConsole = silenceConsole();
  const selected = new Set(options.selectedIds);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const stopped = new Promise<void>((r) => controller.signal.addEventListener('abort', () => r(), { once: true }));
  const closeSessions = installConformanceSessions();
  try {
    const registered = await registerSuites(options.files, loaders);
    problems.push(...registered.problems);
    writeAllureRunFiles(options.allure.resultsDir, options.allure.environmentInfo);
    for (const file of options.files) {
      const done: FinishedTest[] = [];
      for (const c of registered.byFile.get(file) ?? []) {
        if (!selected.has(c.info.id) || controller.signal.aborted) continue;
        options.collector.caseStarting(listedCase(c, file));
        const startMs = Date.now();
        const ran = await runWithRetries(c, file, options, controller.signal, stopped);
        if (ran === undefined) break;
        done.push(ran.finished);
        const flaky = ran.retryCount > 0 && ran.finished.state === 'passed';
        const record = options.collector.caseFinished(ran.finished, { retryCount: ran.retryCount, flaky });
        if (record !== undefined) writeCaseAllure(options, ran.finished, record, startMs, flaky);
      }
      if (openedSession(done)) await writeSessionInfoFile(options.sessionInfoFile);
      if (controller.signal.aborted) break;
    }
  } finally {
    clearTimeout(timer);
    await atMost(closeSessions(), CLOSE_BOUND_MS);
    restoreConsole();
    restoreErrors();
  }
  if (timedOut) return { isTimedOut: true, problems: [`target run timed out after ${Math.round(options.timeoutMs / 1000)} s`] };
  return { isTimedOut: false, problems };
}
