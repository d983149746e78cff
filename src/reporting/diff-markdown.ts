/**
 * The Markdown form of a summary comparison (`reports/diff.md` of `run --baseline`): a heading per
 * target and a table per kind of change, every device-supplied string escaped.
 */
import { escapeMarkdown } from './certificate/escape.ts';
import { oneLine } from './console-summary.ts';
import type { CaseChange, SummaryDiff, TargetDiff } from './diff.ts';

const cell = (text: string): string => escapeMarkdown(oneLine(text, 200));

function table(title: string, header: readonly string[], rows: readonly string[][]): string[] {
  if (rows.length === 0) return [];
  return ['', `**${title} (${rows.length})**`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function changeRows(list: readonly CaseChange[]): string[][] {
  return list.map((c) => [c.id, c.level, `${c.from} → ${c.to}`, cell(c.title), cell(c.message)]);
}

function target(d: TargetDiff): string[] {
  const caseHeader = ['case', 'level', 'change', 'title', 'message'];
  const lines = [
    ...table('New failures', caseHeader, changeRows(d.newFailures)),
    ...table('Fixed', caseHeader, changeRows(d.fixed)),
    ...table('Newly unsupported', caseHeader, changeRows(d.newlyUnsupported)),
    ...table('Cases added', ['case', 'outcome', 'title'], d.added.map((c) => [c.id, c.outcome, cell(c.title)])),
    ...table('Cases removed', ['case', 'outcome', 'title'], d.removed.map((c) => [c.id, c.outcome, cell(c.title)])),
    ...table(
      'Timing regressions',
      ['what', 'name', 'metric', 'baseline ms', 'current ms', 'change'],
      d.timingRegressions.map((t) => [t.kind, cell(t.name), t.metric, t.baselineMs.toFixed(2), t.currentMs.toFixed(2), `+${t.changePct}%`]),
    ),
    ...table('Footprint growth', ['part', 'region', 'baseline bytes', 'current bytes', 'growth'], d.footprintGrowth.map((f) => [cell(f.name), f.region, String(f.baselineBytes), String(f.currentBytes), `+${f.growthBytes}`])),
    ...table('Flaky: passed on a retry (not a regression)', ['case', 'attempts', 'baseline', 'title'], d.flaky.map((f) => [f.id, String(f.attempts), f.baseline ?? '—', cell(f.title)])),
  ];
  return ['', `## ${cell(d.target)}`, ...(lines.length > 0 ? lines : ['', 'No change.'])];
}

/** The comparison as a Markdown document. */
export function renderSummaryDiffMarkdown(diff: SummaryDiff, titles: { baseline: string; current: string }): string {
  const lines = ['# Comparison with the baseline', '', `Baseline: ${cell(titles.baseline)}  `, `Current: ${cell(titles.current)}`, '', diff.hasRegression ? '**Regressions found.**' : 'No regression.'];
  lines.push(...diff.targets.flatMap(target));
  if (diff.addedTargets.length > 0) lines.push('', `Only in the current run: ${diff.addedTargets.map(cell).join(', ')}`);
  if (diff.removedTargets.length > 0) lines.push('', `Only in the baseline (regression: not run): ${diff.removedTargets.map(cell).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
