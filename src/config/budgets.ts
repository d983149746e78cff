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
 * by the `slow-replies` fault (200 ms per reply by default). The simulated LwM2M client registers
 * well under a second after its process is up; `lwm2m-slow-register` (4 s) breaks `registrationMs`.
 */
export const SIM_DEFAULT_BUDGETS: Readonly<Record<BudgetName | 'registrationMs', number>> = {
  'smp.echo.rttMs': 50,
  'smp.img.state.rttMs': 100,
  registrationMs: 2500,
};

/**
 * LwM2M timing budgets of the built-in simulator (flat names): notifications at most 500 ms after
 * pmax (`lwm2m.notify`, the lateness), Block1 round trips of a firmware push at p95 250 ms
 * (`lwm2m.fw.block`): met with a wide margin on a loaded 2-core machine.
 */
export const SIM_LWM2M_TIMING_BUDGETS: Readonly<Record<string, number>> = {
  'timing.lwm2m.notify.max': 500,
  'timing.lwm2m.fw.block.p95': 250,
};

/** Round-trip percentile limits of one command or command class, in ms. */
export interface PercentileBudget {
  p50?: number;
  p95?: number;
  max?: number;
}

/** ROM and RAM limits in bytes. */
export interface MemoryBytesBudget {
  romBytes?: number;
  ramBytes?: number;
}

/** The `budgets` object of a target as targets.json writes it (checked by the schema). */
export interface BudgetsInput {
  'smp.echo.rttMs'?: number;
  'smp.img.state.rttMs'?: number;
  /**
   * By command or class: `smp.os.echo`, `smp.os.*`, `smp.img.upload`, `lwm2m.read`;
   * `lwm2m.notify` (lateness of a notification after pmax), `lwm2m.fw.block` (Block1 round trip
   * of a firmware push).
   */
  timing?: Record<string, PercentileBudget>;
  resetToReadyMs?: number;
  registrationMs?: number;
  footprint?: MemoryBytesBudget & { subsystems?: Record<string, MemoryBytesBudget>; growthBytes?: MemoryBytesBudget };
  memory?: { maxStackUsePercent?: number; maxPoolPeakPercent?: number; minDeviceFreeKB?: number };
}

/**
 * One flat name per budget figure, so a case asks `session.budgets[name]`:
 * `timing.smp.os.*.p95`, `resetToReadyMs`, `footprint.subsystems.mcumgr.romBytes`,
 * `footprint.growthBytes.romBytes`, `memory.maxStackUsePercent`.
 */
export function flattenBudgets(input: BudgetsInput): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (prefix: string, value: unknown): void => {
    if (typeof value === 'number') out[prefix] = value;
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) put(prefix === '' ? k : `${prefix}.${k}`, v);
  };
  for (const [key, value] of Object.entries(input)) {
    // Command names carry dots themselves: keep `timing.<command>.<percentile>` readable as one name.
    if (key === 'timing') for (const [command, p] of Object.entries(value as Record<string, PercentileBudget>)) put(`timing.${command}`, p);
    else put(key, value);
  }
  return out;
}

/** The percentile budget of `command` (exact name first, then the longest matching `class.*`). */
export function timingBudgetFor(budgets: Readonly<Record<string, number>>, command: string): { pattern: string; budget: PercentileBudget } | undefined {
  const patterns = new Set<string>();
  for (const key of Object.keys(budgets)) {
    const m = /^timing\.(.+)\.(p50|p95|max)$/.exec(key);
    if (m?.[1] !== undefined) patterns.add(m[1]);
  }
  const matching = [...patterns].filter((p) => p === command || (p.endsWith('.*') && command.startsWith(p.slice(0, -1))));
  const best = matching.sort((a, b) => (a === command ? -1 : b === command ? 1 : b.length - a.length))[0];
  if (best === undefined) return undefined;
  const budget: PercentileBudget = {};
  for (const q of ['p50', 'p95', 'max'] as const) {
    const v = budgets[`timing.${best}.${q}`];
    if (v !== undefined) budget[q] = v;
  }
  return { pattern: best, budget };
}

/** The footprint budget (src/codec/footprint `FootprintBudget` shape) from flat budget names. */
export function footprintBudgetOf(budgets: Readonly<Record<string, number>>): { romBytes?: number; ramBytes?: number; subsystems?: Record<string, MemoryBytesBudget> } | undefined {
  const out: { romBytes?: number; ramBytes?: number; subsystems?: Record<string, MemoryBytesBudget> } = {};
  let any = false;
  for (const [key, v] of Object.entries(budgets)) {
    const total = /^footprint\.(romBytes|ramBytes)$/.exec(key)?.[1] as 'romBytes' | 'ramBytes' | undefined;
    const sub = /^footprint\.subsystems\.(.+)\.(romBytes|ramBytes)$/.exec(key);
    if (total) out[total] = v;
    else if (sub?.[1] !== undefined) {
      out.subsystems ??= {};
      (out.subsystems[sub[1]] ??= {})[sub[2] as 'romBytes' | 'ramBytes'] = v;
    } else continue;
    any = true;
  }
  return any ? out : undefined;
}
