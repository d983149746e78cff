/**
 * Timing budgets a target may set in targets.json (`"budgets": {"smp.echo.rttMs": 50}`): upper
 * bounds the timing cases (`SMP-TIME-*`) hold the device to. A target without a budget gets the
 * figures recorded (informational), never a failure: timing is a property of a product, not of
 * the protocol, so only the target's owner can say what is too slow.
 */

/** Every budget name the harness knows, with what it bounds. */
export const BUDGETS = {
  'smp.echo.rttMs': 'median round trip of a short OS echo (request written to reply decoded), in ms',
  'smp.img.state.rttMs': 'median round trip of an image state read, in ms',
} as const;

/** A known budget name. */
export type BudgetName = keyof typeof BUDGETS;

/** The budget names, for messages and validation. */
export const BUDGET_NAMES: readonly BudgetName[] = Object.keys(BUDGETS) as BudgetName[];

/** True when `name` is a budget the harness knows. */
export function isBudgetName(name: string): name is BudgetName {
  return Object.hasOwn(BUDGETS, name);
}

/**
 * Budgets of the built-in simulator when its target sets none: met with a wide margin on a loaded
 * 2-core machine (a healthy echo takes a few ms over loopback UDP and the pseudo-terminal), broken
 * by the `slow-replies` fault (200 ms per reply by default).
 */
export const SIM_DEFAULT_BUDGETS: Readonly<Record<BudgetName, number>> = {
  'smp.echo.rttMs': 50,
  'smp.img.state.rttMs': 100,
};
