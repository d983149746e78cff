/**
 * The human form of a summary comparison: one block per target, one line per change, and a last
 * line saying whether anything regressed.
 */
import { showControls } from './certificate/escape.ts';
import { oneLine } from './console-summary.ts';
import type { CaseChange, CaseOnlyIn, SummaryDiff, TargetDiff } from './diff.ts';

/** One line of device-supplied text, control characters made visible (no terminal escapes). */
const clean = (text: string): string => oneLine(showControls(text));

function changes(title: string, list: readonly CaseChange[]): string[] {
  if (list.length === 0) return [];
  return [`  ${title} (${list.length}):`, ...list.map((c) => `    ${c.id}  ${c.from} -> ${c.to}  [${c.level}] ${clean(c.title)}${c.message ? `: ${clean(c.message)}` : ''}`)];
}

function onlyIn(title: string, list: readonly CaseOnlyIn[]): string[] {
  if (list.length === 0) return [];
  return [`  ${title} (${list.length}):`, ...list.map((c) => `    ${c.id}  ${c.outcome}  ${clean(c.title)}`)];
}

function crashes(d: TargetDiff): string[] {
  if (d.newCrashes.length === 0) return [];
  const lines = d.newCrashes.map((c) => `    ${c.caseId}  ${clean(c.cause)}${c.blockedCases > 0 ? ` (${c.blockedCases} case(s) blocked after it)` : ''}${c.reproducer !== null ? `; reproducer ${clean(c.reproducer)}` : ''}`);
  return [`  NEW CRASHES (${d.newCrashes.length}):`, ...lines];
}

function target(d: TargetDiff): string[] {
  const lines = [
    ...crashes(d),
    ...changes('new failures', d.newFailures),
    ...changes('fixed', d.fixed),
    ...changes('newly unsupported', d.newlyUnsupported),
    ...onlyIn('cases added', d.added),
    ...onlyIn('cases removed', d.removed),
  ];
  if (d.timingRegressions.length > 0) {
    lines.push(`  timing regressions (${d.timingRegressions.length}):`);
    for (const t of d.timingRegressions) lines.push(`    ${t.kind} ${clean(t.name)} ${t.metric}: ${t.baselineMs.toFixed(2)} ms -> ${t.currentMs.toFixed(2)} ms (+${t.changePct}%)`);
  }
  if (d.footprintGrowth.length > 0) {
    lines.push(`  footprint growth (${d.footprintGrowth.length}):`);
    for (const f of d.footprintGrowth) lines.push(`    ${clean(f.name)} ${f.region}: ${f.baselineBytes} -> ${f.currentBytes} bytes (+${f.growthBytes})`);
  }
  if (d.flaky.length > 0) {
    lines.push(`  flaky, passed on a retry (${d.flaky.length}; not counted as a regression):`);
    for (const f of d.flaky) lines.push(`    ${f.id}  passed on attempt ${f.attempts}${f.baseline ? ` (baseline: ${f.baseline})` : ''}  ${clean(f.title)}`);
  }
  return [`${clean(d.target)}:`, ...(lines.length > 0 ? lines : ['  no change'])];
}

/** The comparison as text for a terminal or a CI log. */
export function renderSummaryDiff(diff: SummaryDiff): string {
  const lines = diff.targets.flatMap(target);
  for (const t of diff.addedTargets) lines.push(`${clean(t)}: only in the current run`);
  for (const t of diff.removedTargets) lines.push(`${clean(t)}: only in the baseline (regression: the target was not run)`);
  lines.push(diff.hasRegression ? 'Regressions found.' : 'No regression.');
  return `${lines.join('\n')}\n`;
}
