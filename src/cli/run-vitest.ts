/**
 * Drive vitest's `conformance` project programmatically: collect the cases (for selection and
 * `list`) and run the selected ones for one target, bounded by a global timeout.
 * @see docs/architecture.md "Session and run model"
 */
import { resolve } from 'node:path';
import type { Reporter, Vitest } from 'vitest/node';
import { caseRecordFromTest, type CaseRecord } from '../reporting/index.ts';
import { collectRegisteredCases } from './collect-cases.ts';

/** The package folder: vitest.config.ts and suites/ live here, whatever the working directory. */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '../..');

const QUIET: Reporter = {};
const CLOSE_BOUND_MS = 15_000;
const CANCEL_BOUND_MS = 5_000;

/** What a run adds to vitest's options: retries, a shard, a blob report, blobs to merge. */
export interface VitestRunExtras {
  /** vitest `retry`: rerun a failed test up to this many times. */
  retry?: number;
  /** vitest `shard`: only this part of the test files. */
  shard?: { index: number; count: number };
  /** Also write vitest's blob report here (the input of `merge`). */
  blobFile?: string;
  /** Replay the blob reports in this folder instead of running (vitest `mergeReports`). */
  mergeReports?: string;
}

type VitestReporterEntry = Reporter | [string, Record<string, unknown>];

/**
 * Last in the reporter list of a run: once every reporter before it has seen a finished case
 * (the Allure reporter writes the case's result and attachments then), the case's Allure runtime
 * messages leave its task meta. vitest keeps every task until the run ends, and these messages
 * carry the case's evidence and traces as base64 attachments: left in place they grew the
 * target-run process by ~8 MB per SMP target. Not used when a blob report is written or merged:
 * the blob replays the meta later.
 */
export const releaseAllureMessages: Reporter = {
  onTestCaseResult(testCase) {
    const meta = (testCase as unknown as { task?: { meta?: Record<string, unknown> } }).task?.meta;
    if (meta !== undefined && meta['conformanceAllure'] === true) delete meta['allureRuntimeMessages'];
  },
};

/** Open vitest on the `conformance` project of `root`. */
export async function openVitest(root: string, reporters: Reporter[], testNamePattern?: RegExp, extras: VitestRunExtras = {}): Promise<Vitest> {
  // Loaded here, not at the top: vitest's node API is most of `run`'s start-up (`run --help` needs none of it).
  const { createVitest } = await import('vitest/node');
  const all: VitestReporterEntry[] = reporters.length > 0 ? [...reporters] : [QUIET];
  if (extras.blobFile !== undefined) all.push(['blob', { outputFile: extras.blobFile }]);
  else if (reporters.length > 0 && extras.mergeReports === undefined) all.push(releaseAllureMessages);
  return createVitest('test', {
    root,
    config: resolve(root, 'vitest.config.ts'),
    project: ['conformance'],
    watch: false,
    passWithNoTests: true,
    // vitest takes reporter objects and [name, options] pairs alike.
    reporters: all as Reporter[],
    ...(testNamePattern ? { testNamePattern } : {}),
    ...(extras.retry !== undefined && extras.retry > 0 ? { retry: extras.retry } : {}),
    ...(extras.shard !== undefined ? { shard: `${extras.shard.index}/${extras.shard.count}` } : {}),
    ...(extras.mergeReports !== undefined ? { mergeReports: extras.mergeReports } : {}),
  });
}

/** The message of a thrown value (an Error, or anything with a `message`). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * Every conformance case with its metadata, without running any; plus suite files that failed to
 * load. The package's own suites are read from the case registry in a child process (cheap: no
 * vitest); another `root` (tests use a fixture project whose suites are plain vitest tests) is
 * collected by vitest.
 */
export async function collectConformanceCases(root = PACKAGE_ROOT): Promise<{ cases: CaseRecord[]; problems: string[] }> {
  return resolve(root) === PACKAGE_ROOT ? collectRegisteredCases(root) : collectConformanceCasesWithVitest(root);
}

/**
 * Collect through vitest's `conformance` project of `root` (vitest.config.ts there): every test
 * vitest finds, whichever way it was declared.
 */
export async function collectConformanceCasesWithVitest(root = PACKAGE_ROOT): Promise<{ cases: CaseRecord[]; problems: string[] }> {
  // Loaded here: the reporters module pulls in allure-vitest, which `list` of the package's own suites never needs.
  const { finishedFromTestCase } = await import('../reporting/vitest-reporters.ts');
  const vitest = await openVitest(root, []);
  try {
    const result = await vitest.collect();
    const cases: CaseRecord[] = [];
    const problems = result.unhandledErrors.map(errorText);
    for (const module of result.testModules) {
      for (const e of module.errors()) problems.push(`${module.relativeModuleId}: ${e.message}`);
      for (const test of module.children.allTests()) {
        cases.push(caseRecordFromTest({ ...finishedFromTestCase(test, root), state: 'passed', errors: [] }));
      }
    }
    return { cases, problems };
  } finally {
    await vitest.close();
  }
}

/** How a target run ended. */
export interface ConformanceRunEnd {
  isTimedOut: boolean;
  /** Errors outside any case (suite file failed to load, worker crashed). */
  problems: string[];
}

/** Wait for `work` at most `ms` (its rejection ignored); a worker stuck in a busy loop never answers vitest's requests. */
export async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((r) => {
      timer = setTimeout(r, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Run the cases matching `pattern` with the given reporters; `MGMT_TARGET` must already be in
 * the environment (the forked worker inherits it). Returns within about `timeoutMs` + 20 s, but a
 * worker stuck in a busy loop may outlive it: the caller's process must be disposable (the `run`
 * command runs each target in a child process and kills its process group afterwards).
 */
export async function runConformanceProject(options: {
  root: string;
  pattern: RegExp;
  /** Suite file filters (`suites/smp/`): only matching files load; default every suite file. */
  files?: readonly string[];
  reporters: Reporter[];
  timeoutMs: number;
  extras?: VitestRunExtras;
}): Promise<ConformanceRunEnd> {
  const vitest = await openVitest(options.root, options.reporters, options.pattern, options.extras);
  let timer: NodeJS.Timeout | undefined;
  try {
    const done = vitest.start(options.files ? [...options.files] : undefined).then(
      (r) => ({ kind: 'done' as const, problems: r.unhandledErrors.map(errorText) }),
      (e: unknown) => ({ kind: 'done' as const, problems: [errorText(e)] }),
    );
    const timeout = new Promise<{ kind: 'timeout' }>((r) => {
      timer = setTimeout(() => r({ kind: 'timeout' }), options.timeoutMs);
    });
    const end = await Promise.race([done, timeout]);
    if (end.kind === 'timeout') {
      await atMost(vitest.cancelCurrentRun('run-timeout' as Parameters<Vitest['cancelCurrentRun']>[0]), CANCEL_BOUND_MS);
      return { isTimedOut: true, problems: [`target run timed out after ${Math.round(options.timeoutMs / 1000)} s`] };
    }
    return { isTimedOut: false, problems: end.problems };
  } finally {
    clearTimeout(timer);
    await atMost(vitest.close(), CLOSE_BOUND_MS);
  }
}
