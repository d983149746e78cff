/**
 * `mgmt-conformance run`: resolve the targets, select the cases, run them once per target run
 * (one vitest run each, in its own child process, several in parallel), and write the reports:
 * `summary.json` (rewritten atomically as each target run ends), `junit-<target run>.xml`,
 * `allure-results/`, a console table, and with `--baseline` diff.json and diff.md. Exit 0 when
 * nothing failed, 1 when a case failed or broke (or regressed, see `exitCodeOf`), 2 on usage or
 * config errors, 130/143 when SIGINT/SIGTERM stopped it (partial reports, src/cli/run-interrupt.ts).
 * @see docs/architecture.md "Data flow", "Session and run model"
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ConnectionStringError, UsageError } from '../errors.ts';
import { type CaseRecord, renderConsoleSummary, type RunSummary, runHasFailures, type SummaryDiff, type TargetSummary, writeJsonAtomic } from '../reporting/index.ts';
import { type CliIo, formatFlagHelp } from './args.ts';
import { parseRunOptions, RUN_FLAGS, type RunOptions } from './run-options.ts';
import { casesForProtocols, selectCases } from './run-selection.ts';
import { compareWithBaseline, loadBaseline } from './run-baseline.ts';
import type { InterruptSignal } from './run-interrupt.ts';
import type { ParallelRunContext } from './run-parallel.ts';
import { applyProfile, requiredCapabilitiesFor } from './run-profile.ts';
import { progressMode, RunProgress } from './run-progress.ts';
import type { PrepareTarget, TargetRunResult } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';
import { collectConformanceCases, PACKAGE_ROOT } from './run-vitest.ts';

/**
 * What a run needs beyond its options: targets, devices, vitest and its reporters. Loaded when a
 * run starts, so `run --help` and option errors do not pay for them.
 */
async function loadRunModules() {
  const [interrupt, parallel, prepare, target, targets] = await Promise.all([
    import('./run-interrupt.ts'),
    import('./run-parallel.ts'),
    import('./run-prepare.ts'),
    import('./run-target.ts'),
    import('./run-targets.ts'),
  ]);
  return { ...interrupt, ...parallel, ...prepare, ...target, ...targets };
}
type RunModules = Awaited<ReturnType<typeof loadRunModules>>;

const HELP = `Usage: mgmt-conformance run [options]

Run the conformance suites against one or more targets and write reports
(summary.json, junit-<target>.xml, allure-results/) to the output folder.
Exit code: 0 no failure, 1 a case failed or broke (with --fail-on-regression also:
something regressed against --baseline; profile nightly: only that), 2 usage or
configuration error, 130/143 interrupted by SIGINT/SIGTERM (partial reports written).

Options:
${formatFlagHelp(RUN_FLAGS)}
`;

/** Replaceable parts of `run` (tests start targets their own way). */
export interface RunDependencies {
  /** Folder with vitest.config.ts and suites/ (the package itself unless a test says otherwise). */
  root: string;
  prepare: PrepareTarget;
  knownFaults: readonly string[];
  randomSeed: () => number;
  /** Whether stdout is a terminal (live progress lines); tests say no. */
  isTty: boolean;
}

const randomSeed = (): number => Math.floor(Math.random() * 0x7fffffff);

function defaultDependencies(m: RunModules): RunDependencies {
  return {
    root: PACKAGE_ROOT,
    prepare: m.defaultPrepareTarget,
    knownFaults: m.knownFaultNames(),
    randomSeed,
    isTty: process.stdout.isTTY === true,
  };
}

function toolInfo(): RunSummary['tool'] {
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // A missing package.json only costs the version string.
  }
  return { name: 'mgmt-conformance', version, node: process.version };
}

/** Remove the previous run's outputs (only files this command writes). */
function cleanOutputs(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, 'allure-results'), { recursive: true, force: true });
  rmSync(join(outDir, '.journal'), { recursive: true, force: true });
  rmSync(join(outDir, 'blobs'), { recursive: true, force: true });
  for (const name of ['diff.json', 'diff.md']) rmSync(join(outDir, name), { force: true });
  for (const name of readdirSync(outDir)) {
    if (/^junit-.*\.xml$/.test(name)) rmSync(join(outDir, name), { force: true });
  }
}

async function selectForRun(options: RunOptions, io: CliIo, root: string): Promise<{ selected: CaseRecord[]; problems: string[] } | number> {
  const { cases, problems } = await collectConformanceCases(root);
  const selected = selectCases(cases, options);
  if (selected.length === 0) {
    io.stderr(cases.length === 0 ? 'run: no conformance cases found under suites/\n' : 'run: no case matches the filters\n');
    return 2;
  }
  // A suite file that does not load hides its cases; the run goes on but cannot pass.
  for (const p of problems) io.stderr(`run: suite file failed to load: ${p}\n`);
  return { selected, problems };
}

async function runSequential(m: RunModules, plans: readonly TargetRunPlan[], ctx: ParallelRunContext, prepare: PrepareTarget, onDone: (i: number, r: TargetRunResult) => void): Promise<void> {
  for (const [i, plan] of plans.entries()) {
    if (ctx.isStopping?.()) return;
    ctx.onStart?.(i);
    const onCase = (_plan: TargetRunPlan, r: CaseRecord): void => ctx.onCase?.(i, { id: r.id, title: r.title, outcome: r.outcome, ...(r.flaky === true ? { flaky: true } : {}) });
    onDone(i, await m.executeTargetRun(plan, { ...ctx, prepare, onCase }));
  }
}

/** The run's choices every target run carries (retries, certify's required capabilities, the shard). */
function withRunChoices(plan: TargetRunPlan, options: RunOptions): TargetRunPlan {
  return {
    ...plan,
    ...(options.retries > 0 ? { retries: options.retries } : {}),
    ...(options.profile === 'certify' ? { requiredCapabilities: requiredCapabilitiesFor(plan.protocols) } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  };
}

/** Plans, selection and bookkeeping of one run, shared by its normal end and an interruption. */
interface RunState {
  options: RunOptions;
  outDir: string;
  started: number;
  plans: TargetRunPlan[];
  counts: number[];
  slots: (TargetSummary | undefined)[];
  startedPlans: Set<number>;
  isStopping: boolean;
  /** The previous run's reports are gone (they are removed only once this run has something to say). */
  isCleaned: boolean;
  progress?: RunProgress;
}

function summaryOf(state: RunState, extra: Partial<RunSummary> = {}): RunSummary {
  const { options } = state;
  return {
    schemaVersion: 1,
    tool: toolInfo(),
    startedAt: new Date(state.started).toISOString(),
    durationMs: Date.now() - state.started,
    seed: options.seed,
    targets: state.slots.filter((t): t is TargetSummary => t !== undefined),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
    ...extra,
  };
}

/**
 * SIGINT/SIGTERM: kill the target processes, keep what they finished (journals), write the
 * reports, say so, exit 130/143. Synchronous, so nothing else runs in between.
 */
function finishInterrupted(m: RunModules, state: RunState, signal: InterruptSignal, io: CliIo): never {
  state.isStopping = true;
  m.killLiveTargetProcesses();
  state.progress?.stop();
  if (!state.isCleaned) cleanOutputs(state.outDir);
  for (const i of state.startedPlans) {
    if (state.slots[i] !== undefined) continue;
    state.slots[i] = m.interruptedTargetResult(state.plans[i]!, state.outDir, signal, state.counts[i] ?? 0).summary;
  }
  const summary = summaryOf(state, { interrupted: true, interruptedBy: signal });
  writeJsonAtomic(join(state.outDir, 'summary.json'), summary);
  const notStarted = state.plans.filter((_, i) => !state.startedPlans.has(i)).map((p) => p.key);
  io.stdout(state.options.isJson ? `${JSON.stringify(summary, null, 2)}\n` : renderConsoleSummary(summary));
  io.stderr(`run: interrupted by ${signal}; partial reports in ${state.outDir}${notStarted.length > 0 ? ` (not started: ${notStarted.join(', ')})` : ''}\n`);
  process.exit(m.interruptExitCode(signal));
}

function exitCodeOf(final: RunSummary, options: RunOptions, diff: SummaryDiff | undefined): number {
  const regressed = diff?.hasRegression === true;
  // nightly judges the change against the baseline; known failures alone do not fail it.
  if (options.profile === 'nightly') return regressed ? 1 : 0;
  if (runHasFailures(final)) return 1;
  return options.isFailOnRegression && regressed ? 1 : 0;
}

async function planRun(m: RunModules, options: RunOptions, io: CliIo, deps: RunDependencies): Promise<{ plans: TargetRunPlan[]; selected: CaseRecord[]; problems: string[] } | number> {
  const planned = (await m.planTargetRuns(options, deps.knownFaults)).map((p) => withRunChoices(p, options));
  const selection = await selectForRun(options, io, deps.root);
  if (typeof selection === 'number') return selection;
  const { selected, problems } = selection;
  // A target run whose protocols have no selected case (`--suite lwm2m` and an SMP run) is left out.
  const plans = planned.filter((p) => casesForProtocols(selected, p.protocols).length > 0);
  if (plans.length === 0) {
    io.stderr(`run: no selected case is for the protocols of ${planned.map((p) => `${p.key} (${p.protocols.join(', ')})`).join(', ')}\n`);
    return 2;
  }
  return { plans, selected, problems };
}

async function runAll(m: RunModules, options: RunOptions, io: CliIo, deps: RunDependencies): Promise<number> {
  const baseline = options.baseline !== undefined ? loadBaseline(options.baseline) : undefined;
  const outDir = resolve(options.out);
  const state: RunState = { options, outDir, started: Date.now(), plans: [], counts: [], slots: [], startedPlans: new Set(), isStopping: false, isCleaned: false };
  // From the start: an interruption while cases are still being collected also leaves a summary.
  const stopWatching = m.onInterrupt((signal) => finishInterrupted(m, state, signal, io));
  try {
    const planned = await planRun(m, options, io, deps);
    if (typeof planned === 'number') return planned;
    const { plans, selected, problems } = planned;
    cleanOutputs(outDir);
    state.isCleaned = true;
    // A shard keeps each target run's plan beside its blob report, for `merge`.
    if (options.shard) for (const p of plans) writeJsonAtomic(join(outDir, 'blobs', p.key, 'plan.json'), p);
    const counts = plans.map((p) => casesForProtocols(selected, p.protocols).length);
    Object.assign(state, { plans, counts, slots: plans.map(() => undefined) });
    const mode = progressMode({ isJson: options.isJson, isTty: deps.isTty, env: process.env });
    const progress = new RunProgress(mode, plans.map((p, i) => ({ key: p.key, total: counts[i] ?? 0 })), deps.isTty ? (t) => void process.stdout.write(t) : io.stdout);
    state.progress = progress;
    // summary.json is rewritten as each target run ends.
    const onDone = (i: number, r: TargetRunResult): void => {
      state.slots[i] = r.summary;
      progress.finished(plans[i]!.key);
      writeJsonAtomic(join(outDir, 'summary.json'), summaryOf(state));
    };
    const ctx: ParallelRunContext = {
      root: deps.root,
      selected,
      outDir,
      runTimeoutMs: options.runTimeoutMs,
      isJson: options.isJson,
      loadProblems: problems,
      onStart: (i) => {
        state.startedPlans.add(i);
        progress.started(plans[i]!.key);
      },
      onCase: (i, e) => progress.caseDone(plans[i]!.key, e),
      isStopping: () => state.isStopping,
      ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    };
    const shard = options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : '';
    if (!options.isJson) io.stdout(`Running ${selected.length} case(s) on ${plans.map((p, i) => `${p.key} (${counts[i]})`).join(', ')} (seed ${options.seed}${options.profile ? `, profile ${options.profile}` : ''}${shard})\n`);
    // Each target run gets a disposable child process (killed with its vitest worker if stuck).
    // Children start targets with the default preparation only; injected ones (tests) run here.
    // Other output of the target processes goes above the live progress lines.
    if (deps.prepare === m.defaultPrepareTarget) await m.executeTargetRunsInParallel(plans, ctx, { stdout: (t) => progress.message(t), stderr: io.stderr }, onDone);
    else await runSequential(m, plans, ctx, deps.prepare, onDone);
    progress.stop();
    const final = summaryOf(state);
    writeJsonAtomic(join(outDir, 'summary.json'), final);
    const compared = baseline !== undefined && options.baseline !== undefined ? compareWithBaseline(baseline, options.baseline, final, outDir) : undefined;
    if (options.isJson) io.stdout(`${JSON.stringify(compared ? { ...final, baselineDiff: compared.diff } : final, null, 2)}\n`);
    else io.stdout(`${renderConsoleSummary(final)}${compared ? `\nCompared with ${options.baseline}:\n${compared.text}` : ''}Reports: ${outDir}\n`);
    return exitCodeOf(final, options, compared?.diff);
  } finally {
    stopWatching();
  }
}

/** Run `run`; returns the exit code. */
export async function runCommand(argv: string[], io: CliIo, deps: Partial<RunDependencies> = {}): Promise<number> {
  try {
    const options = applyProfile(parseRunOptions(argv, deps.randomSeed ?? randomSeed));
    if (options.help) {
      io.stdout(HELP);
      return 0;
    }
    const m = await loadRunModules();
    return await runAll(m, options, io, { ...defaultDependencies(m), ...deps });
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof ConnectionStringError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
