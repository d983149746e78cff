/** The short table printed at the end of `run`: totals per target, then each failing case. */
import { OUTCOME_TAG } from './allure-labels.ts';
import { flakyCases, isFailing, OUTCOME_CLASSES, type OutcomeClass, type RunSummary } from './summary.ts';

const MESSAGE_WIDTH = 110;

/** First line of a message, cut to `width` characters. */
export function oneLine(message: string, width = MESSAGE_WIDTH): string {
  const first = (message.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  // Cut by code point, so a character outside the BMP is never split into a lone surrogate.
  const chars = Array.from(first);
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : first;
}

function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Failing cases sharing one message are folded into a line once there are this many. */
const FOLD_AT = 4;

function failingLines(t: RunSummary['targets'][number]): string[] {
  const where = `${t.name}/${t.transport}`;
  const lines: string[] = [];
  if (t.error !== undefined) lines.push(`  ${where}  target error: ${oneLine(t.error)}`);
  const groups = new Map<string, string[]>();
  const blocked = t.cases.filter((c) => c.outcome === 'blocked');
  if (blocked.length > 0) lines.push(`  ${where}  ${blocked.length} case(s) blocked: ${oneLine(blocked[0]?.message ?? '')}`);
  for (const c of t.cases) {
    if (!isFailing(c.outcome) || c.outcome === 'crash') continue;
    const key = `${OUTCOME_TAG[c.outcome]}: ${oneLine(c.message)}`;
    groups.set(key, [...(groups.get(key) ?? []), c.id]);
  }
  for (const [key, ids] of groups) {
    if (ids.length >= FOLD_AT) lines.push(`  ${where}  ${ids.length} cases ${key} (${ids.slice(0, 3).join(', ')}, …)`);
    else lines.push(...ids.map((id) => `  ${where}  ${id}  ${key}`));
  }
  return lines;
}

/** One progress line per finished case: outcome, target run, id, title. */
export function progressLine(targetRun: string, c: { outcome: keyof typeof OUTCOME_TAG; id: string; title: string }): string {
  return `  ${OUTCOME_TAG[c.outcome].padEnd(13)} ${targetRun}  ${c.id}  ${c.title}\n`;
}

/** Outcome classes that only get a column when some target has such a case. */
const RARE_CLASSES: readonly OutcomeClass[] = ['crash', 'blocked'];

/** One line per device crash, first in the summary: it is the most important thing a run can find. */
function crashLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  for (const t of summary.targets) {
    for (const c of t.crashes ?? []) {
      const recovery = c.recovery === undefined ? '' : c.recovery.ok ? `; recovered by ${c.recovery.method} in ${(c.recovery.ms ?? 0).toFixed(0)} ms` : `; not recovered (${oneLine(c.recovery.error ?? c.recovery.method, 80)})`;
      lines.push(`  ${t.name}/${t.transport}  ${c.caseId}  ${oneLine(c.cause, 80)} at ${(c.atMs / 1000).toFixed(1)} s${recovery}`);
      if (c.reproducer !== null) lines.push(`    reproducer: ${c.reproducer} (${c.lastFrames.length} frame(s))`);
      const last = c.console.filter((l) => l.trim() !== '').slice(-2);
      for (const l of last) lines.push(`    console: ${oneLine(l)}`);
    }
  }
  return lines;
}

/** Render the end-of-run summary as plain text (no colours: it also goes to CI logs). */
export function renderConsoleSummary(summary: RunSummary): string {
  const classes = OUTCOME_CLASSES.filter((o) => !RARE_CLASSES.includes(o) || summary.targets.some((t) => (t.totals[o] ?? 0) > 0));
  const header = ['target', 'transport', ...classes.map((o) => OUTCOME_TAG[o])];
  const rows = summary.targets.map((t) => [t.name, t.transport, ...classes.map((o) => String(t.totals[o] ?? 0))]);
  const lines = [`mgmt-conformance: ${summary.targets.length} target run(s) in ${(summary.durationMs / 1000).toFixed(1)} s, seed ${summary.seed}${summary.profile ? `, profile ${summary.profile}` : ''}${summary.shard ? `, shard ${summary.shard}` : ''}`];
  const crashes = crashLines(summary);
  if (crashes.length > 0) lines.push('', 'DEVICE CRASHED:', ...crashes, '');
  lines.push(...table([header, ...rows]));
  const failing = summary.targets.flatMap(failingLines);
  if (failing.length > 0) lines.push('', 'Failing:', ...failing);
  else lines.push('', crashes.length > 0 ? 'No failures besides the crash(es) above.' : 'No failures.');
  const flaky = flakyCases(summary);
  if (flaky.length > 0) lines.push('', `Flaky (failed, then passed on a retry): ${flaky.length}`, ...flaky.map((f) => `  ${f.target}  ${f.id}  passed on attempt ${f.attempts}`));
  if (summary.interrupted === true) {
    const done = summary.targets.reduce((n, t) => n + t.cases.length, 0);
    lines.push('', `Interrupted by ${summary.interruptedBy ?? 'a signal'}: the reports hold the ${done} case(s) finished before it.`);
  }
  return `${lines.join('\n')}\n`;
}
