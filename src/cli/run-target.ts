/**
 * One target run: start what the target needs, run the selected cases through vitest with the
 * reporters, and turn whatever came back (even nothing) into a complete set of case records.
 * Every selected case ends with a verdict: one that never reported is `broken` with the reason.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Reporter } from 'vitest/node';
import { buildTargetSummary, type CaseRecord, crashesOf, markAllureCrashes, readAllureResultIds, type JsonValue, missingCaseRecord, securityFindings, type TargetSummary, toCaseSummary, writeFileAtomic, writeJsonAtomic } from '../reporting/index.ts';
import { writeAllureResultFromRecord } from '../reporting/allure-missing.ts';
import { CASE_JOURNAL_FILE_ENV, readCaseJournal } from '../reporting/case-journal.ts';
import { junitFileName, renderJUnit } from '../reporting/junit.ts';
import { CaseCollector } from '../reporting/case-collector.ts';
import { encodeRunTarget, RUN_TARGET_ENV, SESSION_INFO_FILE_ENV } from '../config/index.ts';
import { defaultListenTarget, type ListenTarget, type PrepareTarget, startTargetRun, type StartedTargetRun } from './run-prepare.ts';
import type { TargetRunPlan } from './run-targets.ts';
import { casesForProtocols, suiteFilesOf, suiteFoldersFor, testNamePatternFor } from './run-selection.ts';
import { directLoaders, runConformanceDirect } from './run-direct.ts';
import { type ConformanceRunEnd, PACKAGE_ROOT, runConformanceProject, type VitestRunExtras } from './run-vitest.ts';

export type { PreparedTarget, PrepareTarget } from './run-prepare.ts';

/** What a target run needs besides its plan. */
export interface TargetRunContext {
  /** Folder with vitest.config.ts and the suites. */
  root: string;
  /** The selected cases as collected (outcome not yet known); the run keeps those of its protocols. */
  selected: readonly CaseRecord[];
  outDir: string;
  prepare: PrepareTarget;
  /** Binds the target's listeners before `prepare` starts the device (default: the harness's binders). */
  listen?: ListenTarget;
  runTimeoutMs: number;
  /** Suite files that failed to load at selection: their cases are missing, so the run fails. */
  loadProblems?: readonly string[];
  onCase?: (plan: TargetRunPlan, record: CaseRecord) => void;
}

/** A finished target run. */
export interface TargetRunResult {
  summary: TargetSummary;
  records: CaseRecord[];
  startedAt: string;
}

const PREPARE_BOUND_MS = 60_000;
const SESSION_INFO_SETUP = resolve(PACKAGE_ROOT, 'src/cli/run-session-info.ts');

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A reporter whose only job is to add the session-info setup file to the conformance project. */
function sessionInfoInjector(): Reporter {
  return {
    onInit(vitest) {
      for (const project of vitest.projects) {
        if (!project.config.setupFiles.includes(SESSION_INFO_SETUP)) project.config.setupFiles.push(SESSION_INFO_SETUP);
      }
    },
  };
}

type Identity = { [key: string]: JsonValue };

type Timing = NonNullable<TargetSummary['timing']>;

/** What the worker wrote about the session (identity, capabilities, timing); empty when nothing was written. */
export function readSessionInfo(path: string): { identity: Identity; capabilities: string[]; timing?: Timing } {
  try {
    if (!existsSync(path)) return { identity: {}, capabilities: [] };
    const info = JSON.parse(readFileSync(path, 'utf8')) as { identity?: unknown; capabilities?: unknown; params?: unknown; smpVersions?: unknown; timing?: unknown };
    // Parsed JSON, so every value in it is a JsonValue.
    const identity: Identity = typeof info.identity === 'object' && info.identity !== null ? { ...(info.identity as Identity) } : {};
    if (info.params !== undefined) identity['mcumgrParams'] = info.params as JsonValue;
    if (info.smpVersions !== undefined) identity['smpVersions'] = info.smpVersions as JsonValue;
    const capabilities = Array.isArray(info.capabilities) ? info.capabilities.filter((c): c is string => typeof c === 'string') : [];
    const timing = typeof info.timing === 'object' && info.timing !== null ? (info.timing as Timing) : undefined;
    return { identity, capabilities, ...(timing ? { timing } : {}) };
  } catch {
    return { identity: {}, capabilities: [] };
  }
}

async function runWithTarget(plan: TargetRunPlan, ctx: TargetRunContext, collector: CaseCollector, sessionFile: string): Promise<string | undefined> {
  let started: StartedTargetRun;
  try {
    const phases = { listen: ctx.listen ?? defaultListenTarget, prepare: ctx.prepare, outDir: ctx.outDir };
    started = await bounded(startTargetRun(plan, phases), PREPARE_BOUND_MS, `starting target '${plan.target.name}'`);
  } catch (e) {
    return `target could not be started: ${e instanceof Error ? e.message : String(e)}`;
  }
  const saved = { target: process.env[RUN_TARGET_ENV], info: process.env[SESSION_INFO_FILE_ENV] };
  // The forked vitest worker inherits both: the target it opens, and where to write what it learned.
  process.env[RUN_TARGET_ENV] = encodeRunTarget(started.target);
  process.env[SESSION_INFO_FILE_ENV] = sessionFile;
  try {
    const end = await runSelectedCases(plan, ctx, collector, sessionFile);
    return end.problems.length > 0 ? end.problems.join('; ') : undefined;
  } finally {
    restoreEnv(RUN_TARGET_ENV, saved.target);
    restoreEnv(SESSION_INFO_FILE_ENV, saved.info);
    await bounded(started.stop(), 15_000, 'stopping the target').catch(() => undefined);
  }
}

/** Which runner runs a target's cases: `MGMT_RUNNER=vitest` always takes vitest (comparisons, a fallback). */
export const RUNNER_ENV = 'MGMT_RUNNER';

/**
 * Run the plan's selected cases: the run's own case runner (./run-direct.ts) when it can, vitest
 * for a shard (its blob report is what `merge` replays), another project's suites, a suite file
 * the CLI bundle does not have, or when `MGMT_RUNNER=vitest` asks for it.
 */
async function runSelectedCases(plan: TargetRunPlan, ctx: TargetRunContext, collector: CaseCollector, sessionFile: string): Promise<ConformanceRunEnd> {
  const resultsDir = join(ctx.outDir, 'allure-results');
  const target = { name: plan.target.name, transport: plan.transport };
  const environmentInfo = { node: process.version, seed: String(plan.seed) };
  // Unsharded, only the files that declare selected cases load; shards split the whole folders' file list.
  const caseFiles = plan.shard === undefined ? suiteFilesOf(ctx.selected) : undefined;
  const hasCaseFiles = caseFiles !== undefined && caseFiles.length > 0 && caseFiles.every((f) => existsSync(join(ctx.root, f)));
  const isOwnProject = resolve(ctx.root) === PACKAGE_ROOT && process.env[RUNNER_ENV] !== 'vitest';
  // `caseFiles` is undefined for a shard, so a shard never gets here.
  const loaders = hasCaseFiles && isOwnProject ? directLoaders(ctx.root, caseFiles) : undefined;
  if (loaders !== undefined && caseFiles !== undefined) {
    const retry = plan.retries !== undefined ? { retry: plan.retries } : {};
    const options = { files: caseFiles, selectedIds: ctx.selected.map((c) => c.id), collector, allure: { resultsDir, target, environmentInfo }, sessionInfoFile: sessionFile, timeoutMs: ctx.runTimeoutMs, ...retry };
    return runConformanceDirect(options, loaders);
  }
  // Loaded only here: vitest's reporters pull in allure-vitest.
  const { ConformanceAllureReporter } = await import('../reporting/vitest-reporters.ts');
  const allure = new ConformanceAllureReporter({ resultsDir, target, environmentInfo, ...(plan.requiredCapabilities ? { requiredCapabilities: plan.requiredCapabilities } : {}) });
  // Only the suites of the run's protocols load, and only its selected cases run.
  const pattern = testNamePatternFor(ctx.selected.map((c) => c.id));
  // A project without per-protocol suite folders loads every suite file (the pattern still selects).
  const folders = suiteFoldersFor(plan.protocols).filter((f) => existsSync(join(ctx.root, f)));
  const filters = hasCaseFiles && caseFiles !== undefined ? caseFiles : folders;
  const files = filters.length > 0 ? { files: filters } : {};
  const extras: VitestRunExtras = {
    ...(plan.retries !== undefined ? { retry: plan.retries } : {}),
    ...(plan.shard !== undefined ? { shard: plan.shard, blobFile: shardBlobFile(ctx.outDir, plan) } : {}),
  };
  if (plan.shard !== undefined) writeShardOrigin(ctx.outDir, plan, ctx.root);
  return runConformanceProject({ root: ctx.root, pattern, ...files, reporters: [sessionInfoInjector(), collector, allure], timeoutMs: ctx.runTimeoutMs, extras });
}

/** Where a shard keeps vitest's blob report of a target run (`merge` replays it). */
export function shardBlobFile(outDir: string, plan: Pick<TargetRunPlan, 'key' | 'shard'>): string {
  const shard = plan.shard ? `${plan.shard.index}-of-${plan.shard.count}` : 'whole';
  return join(outDir, 'blobs', plan.key, `shard-${shard}.blob`);
}

/** Where a shard names the checkout its blob report was made in (`ShardOrigin`). */
export function shardOriginFile(outDir: string, key: string): string {
  return join(outDir, 'blobs', key, 'origin.json');
}

/**
 * The checkout a shard ran in: vitest's blob report holds absolute paths under it, which `merge`
 * rewrites when the shards ran in other folders or on other machines.
 */
export interface ShardOrigin {
  root: string;
}

function writeShardOrigin(outDir: string, plan: Pick<TargetRunPlan, 'key'>, root: string): void {
  const origin: ShardOrigin = { root: resolve(root) };
  writeJsonAtomic(shardOriginFile(outDir, plan.key), origin);
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Merge reported records with the selection: unreported cases become `broken` with `reason`. */
export function completeRecords(selected: readonly CaseRecord[], reported: readonly CaseRecord[], reason: string): CaseRecord[] {
  const byId = new Map(reported.map((r) => [r.id, r]));
  return selected.map((c) => byId.get(c.id) ?? missingCaseRecord(c, reason));
}

const NOT_RUN = 'not run: ';

/**
 * The record of the case the run stopped in: it did run, so a "not run" reason becomes "stopped
 * while this case was running" (an interruption's reason already says so).
 */
function stoppedRecord(record: CaseRecord): CaseRecord {
  if (!record.message.startsWith(NOT_RUN)) return record;
  return { ...record, message: `stopped while this case was running: ${record.message.slice(NOT_RUN.length)}` };
}

/**
 * `completeRecords`, plus an Allure result from its record for each case that has none for this
 * target (allure-vitest writes only the cases vitest finished; a killed process wrote only those
 * that finished before), so every report lists every selected case. The case that was running
 * is "stopped while this case was running: REASON" rather than "not run: REASON".
 */
export function completeRecordsWithAllure(selected: readonly CaseRecord[], reported: readonly CaseRecord[], reason: string, outDir: string, plan: TargetRunPlan): CaseRecord[] {
  // The case the run stopped in did run: its record says so (the others were never started).
  const stoppedIn = readCaseJournal(caseJournalFile(outDir, plan.key))?.id;
  const finished = new Set(reported.map((r) => r.id));
  const records = completeRecords(selected, reported, reason).map((r) => (r.id === stoppedIn && !finished.has(r.id) ? stoppedRecord(r) : r));
  writeMissingAllureResults(outDir, plan, records);
  return records;
}

/**
 * Write an Allure result from its record for each of `records` that has none for the plan's target
 * yet; the case the case journal holds (the one running when the run stopped) gets the steps and
 * trace it had reached.
 */
export function writeMissingAllureResults(outDir: string, plan: TargetRunPlan, records: readonly CaseRecord[], atMs?: number): void {
  const resultsDir = join(outDir, 'allure-results');
  const target = { name: plan.target.name, transport: plan.transport };
  const written = readAllureResultIds(resultsDir).get(`${target.name}/${target.transport}`);
  const missing = records.filter((r) => !written?.has(r.id));
  if (missing.length === 0) return;
  const journaled = readCaseJournal(caseJournalFile(outDir, plan.key));
  for (const r of missing) {
    if (journaled?.id === r.id) writeAllureResultFromRecord(resultsDir, stoppedRecord(r), target, atMs, journaled);
    else writeAllureResultFromRecord(resultsDir, r, target, atMs);
  }
}

/** Where a target run's worker streams the evidence of the case it is running (src/reporting/case-journal.ts). */
export function caseJournalFile(outDir: string, key: string): string {
  return join(outDir, '.journal', `${key}.case.jsonl`);
}

/** Where a target run names the case it is running (`RunningCase`). */
export function runningCaseFile(outDir: string, key: string): string {
  return join(outDir, '.journal', `${key}.running.json`);
}

/** Run one target and write its JUnit file; never throws for target trouble. */
export async function executeTargetRun(plan: TargetRunPlan, given: TargetRunContext): Promise<TargetRunResult> {
  const ctx = { ...given, selected: casesForProtocols(given.selected, plan.protocols) };
  const startedAt = new Date().toISOString();
  const journalDir = join(ctx.outDir, '.journal');
  const sessionFile = join(journalDir, `${plan.key}.session.json`);
  rmSync(sessionFile, { force: true });
  rmSync(join(journalDir, `${plan.key}.jsonl`), { force: true });
  rmSync(runningCaseFile(ctx.outDir, plan.key), { force: true });
  rmSync(caseJournalFile(ctx.outDir, plan.key), { force: true });
  const collector = new CaseCollector({
    root: ctx.root,
    journal: join(journalDir, `${plan.key}.jsonl`),
    runningFile: runningCaseFile(ctx.outDir, plan.key),
    onCase: (r) => ctx.onCase?.(plan, r),
    onlyIds: ctx.selected.map((c) => c.id),
    ...(plan.requiredCapabilities ? { requiredCapabilities: plan.requiredCapabilities } : {}),
  });
  // The forked worker inherits where to stream the running case's evidence.
  const savedJournal = process.env[CASE_JOURNAL_FILE_ENV];
  process.env[CASE_JOURNAL_FILE_ENV] = caseJournalFile(ctx.outDir, plan.key);
  const runError = await runWithTarget(plan, ctx, collector, sessionFile).finally(() => restoreEnv(CASE_JOURNAL_FILE_ENV, savedJournal));
  // A shard answers only for the cases in its own files.
  const selected = plan.shard ? ctx.selected.filter((c) => collector.collectedIds.has(c.id)) : ctx.selected;
  const records = completeRecordsWithAllure(selected, collector.records, `not run: ${runError ?? 'no result reported'}`, ctx.outDir, plan);
  markAllureCrashes(join(ctx.outDir, 'allure-results'), records);
  const problems = [...(ctx.loadProblems ?? []).map((p) => `suite file failed to load: ${p}`), ...(runError !== undefined ? [runError] : [])];
  const error = problems.length > 0 ? problems.join('; ') : undefined;
  const info = readSessionInfo(sessionFile);
  const built = buildTargetSummary({
    name: plan.target.name,
    transport: plan.transport,
    identity: info.identity,
    capabilities: info.capabilities,
    ...(info.timing ? { timing: info.timing } : {}),
    cases: records.map(toCaseSummary),
    crashes: crashesOf(records),
    ...(error !== undefined ? { error } : {}),
  });
  const findings = securityFindings(built);
  const summary = findings.length > 0 ? { ...built, securityFindings: findings } : built;
  const junit = { name: plan.target.name, transport: plan.transport, startedAt, cases: records, ...(error !== undefined ? { error } : {}) };
  writeFileAtomic(join(ctx.outDir, junitFileName(plan.key)), renderJUnit(junit));
  return { summary, records, startedAt };
}
