/**
 * What a certificate shows, computed from one target of a summary: cases grouped by protocol and
 * group with counts per requirement level, latency statistics, the verdict. Renderers (HTML,
 * Markdown) only format this.
 */
import { type CaseSummary, type CrashSummary, LEVELS, type Level, type OutcomeClass, totalsOf, type Totals } from '../summary.ts';
import type { CommandTiming, SummaryTarget } from './summary-file.ts';

/**
 * Verdict of a target or group: a failing or broken MUST case (or a run error) fails it; a group
 * whose cases are all unsupported is not applicable.
 */
export type Verdict = 'pass' | 'pass-with-deviations' | 'fail' | 'not-applicable';

/** Counts of one requirement level within a group. */
export interface LevelCount {
  total: number;
  /** Cases of the level that passed (pass, non-strict or informational). */
  passed: number;
  /** Cases of the level that failed or broke. */
  failed: number;
  unsupported: number;
}

/** The cases of one group (`SMP` / `IMG`). */
export interface CaseGroup {
  protocol: string;
  group: string;
  cases: CaseSummary[];
  totals: Totals;
  levels: Record<Level, LevelCount>;
  verdict: Verdict;
}

/** One row of a latency table, in milliseconds. */
export interface TimingRow extends CommandTiming {
  name: string;
}

/** Protocol and group of a case, from its id (`SMP-IMG-UPLOAD-001` → `SMP`, `IMG`). */
export function protocolAndGroup(id: string): { protocol: string; group: string } {
  const [protocol = id, group = '-'] = id.split('-');
  return { protocol, group };
}

function levelCount(cases: readonly CaseSummary[], level: Level): LevelCount {
  const of = cases.filter((c) => c.level === level);
  const t = totalsOf(of);
  return { total: of.length, passed: t.pass + t.nonStrict + t.informational, failed: t.fail + t.broken, unsupported: t.unsupported };
}

/** Verdict of a set of cases: MUST failures fail it; SHOULD or MAY failures are deviations. */
export function verdictOf(cases: readonly CaseSummary[], runError?: string): Verdict {
  const bad = (c: CaseSummary): boolean => c.outcome === 'fail' || c.outcome === 'broken';
  if (runError !== undefined || cases.some((c) => bad(c) && c.level === 'MUST')) return 'fail';
  return cases.some(bad) ? 'pass-with-deviations' : 'pass';
}

/** Cases grouped by protocol, then group, both in alphabetical order. */
export function groupCases(cases: readonly CaseSummary[]): CaseGroup[] {
  const byKey = new Map<string, CaseSummary[]>();
  for (const c of cases) {
    const { protocol, group } = protocolAndGroup(c.id);
    const key = `${protocol}\u0000${group}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => {
      const [protocol = '', group = ''] = key.split('\u0000');
      const levels = Object.fromEntries(LEVELS.map((l) => [l, levelCount(list, l)])) as Record<Level, LevelCount>;
      const verdict = list.every((c) => c.outcome === 'unsupported') ? 'not-applicable' : verdictOf(list);
      return { protocol, group, cases: list, totals: totalsOf(list), levels, verdict };
    });
}

/** Nearest-rank percentile of sorted values (`p` in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** count / p50 / p95 / max of some durations. */
export function timingOf(values: readonly number[]): CommandTiming {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? 0 };
}

/** Case durations per group (cases that did not run are left out). */
export function caseTimingByGroup(cases: readonly CaseSummary[]): TimingRow[] {
  const ran = (o: OutcomeClass): boolean => o !== 'unsupported';
  return groupCases(cases.filter((c) => ran(c.outcome)))
    .map((g) => ({ name: `${g.protocol} ${g.group}`, ...timingOf(g.cases.map((c) => c.durationMs)) }))
    .filter((r) => r.count > 0);
}

/** The per-command timing the run recorded, as table rows sorted by name. */
export function commandTimingRows(target: SummaryTarget): TimingRow[] {
  return Object.entries(target.timing ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, t]) => ({ name, ...t }));
}

/** Verdict text as printed. */
export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = {
  pass: 'PASS',
  'pass-with-deviations': 'PASS WITH DEVIATIONS',
  fail: 'FAIL',
  'not-applicable': 'NOT APPLICABLE',
};

/** Outcome text as printed. */
export const OUTCOME_TEXT: Readonly<Record<OutcomeClass, string>> = {
  pass: 'pass',
  fail: 'FAIL',
  nonStrict: 'non-strict',
  informational: 'informational',
  unsupported: 'unsupported',
  broken: 'BROKEN',
  crash: 'CRASH',
  blocked: 'blocked',
};

/** One crash in words: what showed it, the recovery, the reproducer. */
export function crashWhat(c: CrashSummary): string {
  const recovery = c.recovery === undefined ? '' : c.recovery.ok ? `; recovered by ${c.recovery.method} in ${(c.recovery.ms ?? 0).toFixed(0)} ms` : `; not recovered: ${c.recovery.error ?? c.recovery.method}`;
  const frames = `${c.lastFrames.length} frame(s) sent since the last good answer`;
  const reproducer = c.reproducer !== null ? `; reproducer ${c.reproducer}` : '';
  const console = c.console.filter((l) => l.trim() !== '').slice(-1)[0];
  return `${c.cause}; ${frames}${recovery}${reproducer}${console !== undefined ? `; console: ${console}` : ''}`;
}
