/**
 * Baseline comparison of two summaries: new failures, fixed cases, newly unsupported cases, cases
 * added and removed, timing regressions beyond a threshold, footprint growth. Pure: the `diff`
 * command and a run's baseline check both call `diffSummaries`.
 * @see docs/architecture.md "Reports"
 */
import type { CommandTiming, ExtendedSummary, FootprintRow, SummaryTarget } from './certificate/summary-file.ts';
import { type CaseSummary, type CrashSummary, isFailing, type Level, type OutcomeClass } from './summary.ts';

/** How `diffSummaries` judges timing. */
export interface DiffOptions {
  /** A timing value this many percent above the baseline is a regression (default 20). */
  timingThresholdPct: number;
  /** …and only when it grew by at least this many milliseconds, so sub-millisecond noise is ignored (default 5). */
  timingMinDeltaMs: number;
}

/** Default options. */
export const DEFAULT_DIFF_OPTIONS: DiffOptions = { timingThresholdPct: 20, timingMinDeltaMs: 5 };

/** A case whose outcome changed. */
export interface CaseChange {
  id: string;
  title: string;
  level: Level;
  from: OutcomeClass;
  to: OutcomeClass;
  /** The current run's message. */
  message: string;
}

/** A case present in only one of the two runs. */
export interface CaseOnlyIn {
  id: string;
  title: string;
  outcome: OutcomeClass;
}

/** A timing value that grew past the threshold. */
export interface TimingRegression {
  /** `case`: the case's duration; `command`: a per-command latency statistic. */
  kind: 'case' | 'command';
  name: string;
  metric: 'durationMs' | 'p50' | 'p95';
  baselineMs: number;
  currentMs: number;
  changePct: number;
}

/** A footprint part that grew. */
export interface FootprintGrowth {
  name: string;
  region: 'rom' | 'ram';
  baselineBytes: number;
  currentBytes: number;
  growthBytes: number;
}

/** A crash of the current run that the baseline did not have (a regression of its own kind). */
export interface NewCrash {
  caseId: string;
  cause: string;
  /** The current run's reproducer file, when written. */
  reproducer: string | null;
  /** Cases blocked because the device stayed dead after it. */
  blockedCases: number;
}

/** The comparison of one target present in both runs. */
export interface TargetDiff {
  /** `name/transport`. */
  target: string;
  /** Crashes during cases that did not crash in the baseline; their own cases and the blocked ones are not counted as new failures. */
  newCrashes: NewCrash[];
  newFailures: CaseChange[];
  fixed: CaseChange[];
  newlyUnsupported: CaseChange[];
  added: CaseOnlyIn[];
  removed: CaseOnlyIn[];
  timingRegressions: TimingRegression[];
  footprintGrowth: FootprintGrowth[];
  /** Cases of the current run that failed first and passed on a retry: reported apart, not a regression. */
  flaky: FlakyCase[];
}

/** A case that passed only on a retry in the current run. */
export interface FlakyCase {
  id: string;
  title: string;
  attempts: number;
  /** Its outcome in the baseline, when the baseline has it. */
  baseline?: OutcomeClass;
}

/** The whole comparison. */
export interface SummaryDiff {
  targets: TargetDiff[];
  addedTargets: string[];
  removedTargets: string[];
  /** New failures, newly unsupported cases, timing regressions, footprint growth or a lost target. */
  hasRegression: boolean;
}

const keyOf = (t: Pick<SummaryTarget, 'name' | 'transport'>): string => `${t.name}/${t.transport}`;

function change(before: CaseSummary, after: CaseSummary): CaseChange {
  return { id: after.id, title: after.title, level: after.level, from: before.outcome, to: after.outcome, message: after.message };
}

function isRegression(baselineMs: number, currentMs: number, o: DiffOptions): boolean {
  return currentMs - baselineMs >= o.timingMinDeltaMs && currentMs > baselineMs * (1 + o.timingThresholdPct / 100);
}

function pct(baselineMs: number, currentMs: number): number {
  return baselineMs > 0 ? Math.round(((currentMs - baselineMs) / baselineMs) * 1000) / 10 : Number.POSITIVE_INFINITY;
}

function caseTiming(before: CaseSummary, after: CaseSummary, o: DiffOptions): TimingRegression[] {
  // A case that did not run in either run has no comparable duration.
  if (before.outcome === 'unsupported' || after.outcome === 'unsupported') return [];
  if (!isRegression(before.durationMs, after.durationMs, o)) return [];
  return [{ kind: 'case', name: after.id, metric: 'durationMs', baselineMs: before.durationMs, currentMs: after.durationMs, changePct: pct(before.durationMs, after.durationMs) }];
}

function commandTiming(before: Record<string, CommandTiming>, after: Record<string, CommandTiming>, o: DiffOptions): TimingRegression[] {
  const out: TimingRegression[] = [];
  for (const [name, now] of Object.entries(after).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const then = before[name];
    if (then === undefined) continue;
    for (const metric of ['p50', 'p95'] as const) {
      if (isRegression(then[metric], now[metric], o)) out.push({ kind: 'command', name, metric, baselineMs: then[metric], currentMs: now[metric], changePct: pct(then[metric], now[metric]) });
    }
  }
  return out;
}

function footprintGrowth(before: readonly FootprintRow[], after: readonly FootprintRow[]): FootprintGrowth[] {
  const then = new Map(before.map((r) => [r.name, r]));
  const out: FootprintGrowth[] = [];
  for (const now of after) {
    const old = then.get(now.name);
    if (old === undefined) continue;
    for (const [region, field] of [['rom', 'romBytes'], ['ram', 'ramBytes']] as const) {
      const a = old[field];
      const b = now[field];
      if (a !== undefined && b !== undefined && b > a) out.push({ name: now.name, region, baselineBytes: a, currentBytes: b, growthBytes: b - a });
    }
  }
  return out;
}

function caseChanges(baseline: SummaryTarget, current: SummaryTarget, o: DiffOptions): Omit<TargetDiff, 'target' | 'footprintGrowth' | 'newCrashes' | 'flaky'> {
  const then = new Map(baseline.cases.map((c) => [c.id, c]));
  const now = new Map(current.cases.map((c) => [c.id, c]));
  const out: Omit<TargetDiff, 'target' | 'footprintGrowth' | 'newCrashes' | 'flaky'> = { newFailures: [], fixed: [], newlyUnsupported: [], added: [], removed: [], timingRegressions: [] };
  for (const after of current.cases) {
    const before = then.get(after.id);
    if (before === undefined) {
      out.added.push({ id: after.id, title: after.title, outcome: after.outcome });
      continue;
    }
    // A crash is reported once as a new crash; the cases it blocked are its consequence, not failures.
    const isCrashKind = after.outcome === 'crash' || after.outcome === 'blocked';
    if (isFailing(after.outcome) && !isFailing(before.outcome) && !isCrashKind) out.newFailures.push(change(before, after));
    else if (isFailing(before.outcome) && !isFailing(after.outcome) && after.outcome !== 'unsupported' && after.outcome !== 'blocked') out.fixed.push(change(before, after));
    if (after.outcome === 'unsupported' && before.outcome !== 'unsupported') out.newlyUnsupported.push(change(before, after));
    out.timingRegressions.push(...caseTiming(before, after, o));
  }
  for (const before of baseline.cases) if (!now.has(before.id)) out.removed.push({ id: before.id, title: before.title, outcome: before.outcome });
  out.timingRegressions.push(...commandTiming(baseline.timing ?? {}, current.timing ?? {}, o));
  return out;
}

/** Crashes of the current run during cases that did not crash in the baseline. */
function newCrashes(baseline: SummaryTarget, current: SummaryTarget): NewCrash[] {
  const before = new Set([...(baseline.crashes ?? []).map((c) => c.caseId), ...baseline.cases.filter((c) => c.outcome === 'crash').map((c) => c.id)]);
  const crashes: Pick<CrashSummary, 'caseId' | 'cause' | 'reproducer'>[] = current.crashes ?? current.cases.filter((c) => c.outcome === 'crash').map((c) => ({ caseId: c.id, cause: c.message, reproducer: null }));
  const blocked = (caseId: string): number => current.cases.filter((c) => c.outcome === 'blocked' && c.message.includes(caseId)).length;
  return crashes.filter((c) => !before.has(c.caseId)).map((c) => ({ caseId: c.caseId, cause: c.cause, reproducer: c.reproducer, blockedCases: blocked(c.caseId) }));
}

/** Cases of the current run that failed, then passed on a retry, with their baseline outcome. */
function flakyCases(baseline: SummaryTarget, current: SummaryTarget): FlakyCase[] {
  const then = new Map(baseline.cases.map((c) => [c.id, c]));
  return current.cases
    .filter((c) => c.flaky === true)
    .map((c) => {
      const before = then.get(c.id);
      return { id: c.id, title: c.title, attempts: c.attempts ?? 2, ...(before ? { baseline: before.outcome } : {}) };
    });
}

/** Compare one target of the baseline with the same target of the current run. */
export function diffTarget(baseline: SummaryTarget, current: SummaryTarget, options: Partial<DiffOptions> = {}): TargetDiff {
  const o = { ...DEFAULT_DIFF_OPTIONS, ...options };
  return {
    target: keyOf(current),
    newCrashes: newCrashes(baseline, current),
    ...caseChanges(baseline, current, o),
    footprintGrowth: footprintGrowth(baseline.footprint ?? [], current.footprint ?? []),
    flaky: flakyCases(baseline, current),
  };
}

/** True when a target comparison holds anything that counts as a regression. */
export function targetRegressed(d: TargetDiff): boolean {
  return d.newCrashes.length + d.newFailures.length + d.newlyUnsupported.length + d.timingRegressions.length + d.footprintGrowth.length > 0;
}

/** Compare two runs, target by target (matched by name and transport). */
export function diffSummaries(baseline: Pick<ExtendedSummary, 'targets'>, current: Pick<ExtendedSummary, 'targets'>, options: Partial<DiffOptions> = {}): SummaryDiff {
  const then = new Map(baseline.targets.map((t) => [keyOf(t), t]));
  const nowKeys = new Set(current.targets.map(keyOf));
  const targets: TargetDiff[] = [];
  const addedTargets: string[] = [];
  for (const t of current.targets) {
    const before = then.get(keyOf(t));
    if (before === undefined) addedTargets.push(keyOf(t));
    else targets.push(diffTarget(before, t, options));
  }
  const removedTargets = baseline.targets.map(keyOf).filter((k) => !nowKeys.has(k));
  return { targets, addedTargets, removedTargets, hasRegression: removedTargets.length > 0 || targets.some(targetRegressed) };
}
