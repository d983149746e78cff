/**
 * Holding a measured LwM2M figure set to the target's percentile budget
 * (targets.json `budgets.timing["lwm2m.notify"]`, `["lwm2m.fw.block"]`, ...): without one the
 * figures are recorded and the case stays informational about the budget.
 * @see src/config/budgets.ts
 */
import { timingBudgetFor, type CaseContext } from '../../../src/conformance/index.ts';
import { percentiles } from './firmware-helpers.ts';

const ms = (n: number): string => n.toFixed(1);

/** Record p50/p95/max of `values` (ms) and judge them against the `command` budget when the target sets one. */
export function judgeTimingBudget(ctx: CaseContext, command: string, values: readonly number[], what: string): void {
  if (values.length === 0) return;
  const f = percentiles(values);
  const figures = `${what}: p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms, max ${ms(f.max)} ms over ${values.length}`;
  ctx.log(figures);
  const found = timingBudgetFor(ctx.session.budgets, command);
  if (!found) return ctx.log(`no "timing.${command}" budget for target ${ctx.session.targetName}: figures recorded only`);
  for (const q of ['p50', 'p95', 'max'] as const) {
    const limit = found.budget[q];
    if (limit !== undefined) ctx.expect.that(f[q] <= limit, { check: `budget timing.${found.pattern}.${q}`, expected: `${what} ${q} ≤ ${limit} ms`, actual: figures });
  }
}
