/**
 * `mgmt-conformance run`: resolve the targets, select the cases, run them once per target run
 * (one vitest run each, in its own child process, several in parallel), and write the reports:
 * `summary.json` (rewritten atomically as each target run ends), `junit-<target run>.xml`,
 * `allure-results/`, and a console table. Exit 0 when nothing failed, 1 when a case failed or
 * broke, 2 on usage or config errors.
 * @see docs/architecture.md "Data flow", "Session and run model"
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ConnectionStringError, UsageError } from '../errors.ts';
import {
  type CaseRecord,
  progressLine,
  renderConsoleSummary,
  type RunSummary,
  runHasFailures,
  type TargetSummary,
  writeJsonAtomic,
} from '../reporting/index.ts';
import { type CliIo, formatFlagHelp } from './args.ts';
import { parseRunOptions, RUN_FLAGS, type RunOptions } from './run-options.ts';
import { defaultPrepareTarget, knownFaultNames } from './run-prepare.ts';
import { casesForProtocols, selectCases } from './run-selection.ts';
import { executeTargetRunsInParallel, type ParallelRunContext } from './run-parallel.ts';
import { executeTargetRun, type PrepareTarget, type TargetRunResult } from './run-target.ts';
import { planTargetRuns, type TargetRunPlan } from './run-targets.ts';
import { collectConformanceCases, PACKAGE_ROOT } from './run-vitest.ts';

const HELP = `Usage: mgmt-conformance run [options]

Run the conformance suites against one or more targets and write reports
(summary.json, junit-<target>.xml, allure-results/) to the output folder.
Exit code: 0 no failure, 1 a case failed or broke, 2 usage or configuration error.

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
}

function defaultDependencies(): RunDependencies {
  return { root: PACKAGE_ROOT, prepare: defaultPrepareTarget, knownFaults: knownFaultNames(), randomSeed: () => Math.floor(Math.random() * 0x7fffffff) };
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
  for (const name of readdirSync(outDir)) {
    if (/^junit-.*\.xml$/.test(name)) rmSync(join(outDir, name), { force: true });
  }
}

function progress(io: CliIo, isJson: boolean): (plan: TargetRunPlan, r: CaseRecord) => void {
  return (plan, r) => {
    if (!isJson) io.stdout(progressLine(plan.key, r));
  };
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

async function runSequential(plans: readonly TargetRunPlan[], ctx: ParallelRunContext, prepare: PrepareTarget, io: CliIo, onDone: (i: number, r: TargetRunResult) => void): Promise<void> {
  for (const [i, plan] of plans.entries()) {
    if (!ctx.isJson) io.stdout(`${plan.key}:\n`);
    onDone(i, await executeTargetRun(plan, { ...ctx, prepare, onCase: progress(io, ctx.isJson) }));
  }
}

async function runAll(options: RunOptions, io: CliIo, deps: RunDependencies): Promise<number> {
  const planned = await planTargetRuns(options, deps.knownFaults);
  const selection = await selectForRun(options, io, deps.root);
  if (typeof selection === 'number') return selection;
  const { selected, problems } = selection;
  // A target run whose protocols have no selected case (`--suite lwm2m` and an SMP run) is left out.
  const plans = planned.filter((p) => casesForProtocols(selected, p.protocols).length > 0);
  if (plans.length === 0) {
    io.stderr(`run: no selected case is for the protocols of ${planned.map((p) => `${p.key} (${p.protocols.join(', ')})`).join(', ')}
`);
    return 2;
  }
  const outDir = resolve(options.out);
  cleanOutputs(outDir);
  const started = Date.now();
  const slots: (TargetSummary | undefined)[] = plans.map(() => undefined);
  const summary = (): RunSummary => ({
    schemaVersion: 1,
    tool: toolInfo(),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    seed: options.seed,
    targets: slots.filter((t): t is TargetSummary => t !== undefined),
  });
  // summary.json is rewritten as each target run ends, so an interrupted run still leaves one.
  const onDone = (i: number, r: TargetRunResult): void => {
    slots[i] = r.summary;
    writeJsonAtomic(join(outDir, 'summary.json'), summary());
  };
  const ctx = { root: deps.root, selected, outDir, runTimeoutMs: options.runTimeoutMs, isJson: options.isJson, loadProblems: problems };
  if (!options.isJson) io.stdout(`Running ${selected.length} case(s) on ${plans.map((p) => `${p.key} (${casesForProtocols(selected, p.protocols).length})`).join(', ')} (seed ${options.seed})\n`);
  // Each target run gets a disposable child process (killed with its vitest worker if stuck).
  // Children start targets with the default preparation only; injected ones (tests) run here.
  if (deps.prepare === defaultPrepareTarget) await executeTargetRunsInParallel(plans, ctx, io, onDone);
  else await runSequential(plans, ctx, deps.prepare, io, onDone);
  const final = summary();
  writeJsonAtomic(join(outDir, 'summary.json'), final);
  io.stdout(options.isJson ? `${JSON.stringify(final, null, 2)}\n` : `${renderConsoleSummary(final)}Reports: ${outDir}\n`);
  return runHasFailures(final) ? 1 : 0;
}

/** Run `run`; returns the exit code. */
export async function runCommand(argv: string[], io: CliIo, deps: Partial<RunDependencies> = {}): Promise<number> {
  const all = { ...defaultDependencies(), ...deps };
  try {
    const options = parseRunOptions(argv, all.randomSeed);
    if (options.help) {
      io.stdout(HELP);
      return 0;
    }
    return await runAll(options, io, all);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof ConnectionStringError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
