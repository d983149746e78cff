/**
 * summary.json: the stable, versioned record of a run. Baseline diffs compare two of these, so
 * field names and their meaning only change with `schemaVersion`.
 * @see docs/architecture.md "Reports"
 */

/** Outcome classes, after Autobahn's strict / non-strict / informational verdicts. */
export const OUTCOME_CLASSES = ['pass', 'fail', 'nonStrict', 'informational', 'unsupported', 'broken', 'crash', 'blocked'] as const;

/**
 * One outcome class. `broken` is harness or transport trouble, `fail` a device defect, `crash` the
 * device died during the case (it stopped answering, its process exited, or its console printed a
 * fatal error), `blocked` the case did not run because the device was dead and could not be brought
 * back (docs/architecture.md "Crashes, blocked cases and recovery").
 */
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Requirement levels of a case (RFC 2119 keywords). */
export const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;

/** One requirement level. */
export type Level = (typeof LEVELS)[number];

/** A JSON value, for identity data copied from the device's own answers. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One case's verdict on one target. */
export interface CaseSummary {
  id: string;
  title: string;
  level: Level;
  outcome: OutcomeClass;
  durationMs: number;
  /** One line: why it failed, was skipped or non-strict; empty on a plain pass. */
  message: string;
  /** Spec reference as `doc §section`. */
  spec: string;
  /** Property cases: the seed that replays the run. */
  seed?: number;
  /** Property cases: the shrunk counterexample, printed. */
  counterexample?: string;
  /** Failed first, passed on a retry (`run --retries N`): reported apart from steady passes. */
  flaky?: boolean;
  /** How many times the case ran, when more than once (retries). */
  attempts?: number;
}

/** One outgoing frame of a crash's reproducer: exact bytes, and what they decode to. */
export interface CrashFrame {
  hex: string;
  /** JSON-safe decoded form (header and body). */
  decoded?: unknown;
}

/** How the harness brought a dead device back (or failed to). */
export interface CrashRecovery {
  /** The target's reset method (`restart`, `command`, `smp`, `none`). */
  method: string;
  ok: boolean;
  /** From the start of the reset until the session was open again (ms); absent when it failed. */
  ms?: number;
  /** Why recovery failed. */
  error?: string;
}

/** A crash of the device under test: the case during which it died, and what led there. */
export interface CrashSummary {
  caseId: string;
  /** Milliseconds from the start of the target run until the death was noticed. */
  atMs: number;
  /** What showed the device dead: `process exited with code 3`, `console: ***** BUS FAULT *****`, `no answer to the liveness fence`. */
  cause: string;
  /** Milliseconds from the device's last good answer until the death was noticed (null: it never answered in the case). */
  sinceLastAnswerMs: number | null;
  /** The case's outgoing frames since the device's last good answer, oldest first. */
  lastFrames: CrashFrame[];
  /** The console's last lines (a process target's output, a declared console port); empty without a console. */
  console: string[];
  /** True/false once a replay was tried; null when the run did not replay it. */
  reproduced: boolean | null;
  /** The replay file (`<report dir>/crash-CASE-ID.jsonl`), null when it could not be written. */
  reproducer: string | null;
  recovery?: CrashRecovery;
}

/** Count of cases per outcome class. */
export type Totals = Record<OutcomeClass, number>;

/** One target's run. */
export interface TargetSummary {
  name: string;
  transport: string;
  /** What the device said about itself (os info, bootloader, image state); `{}` when unreachable. */
  identity: { [key: string]: JsonValue };
  capabilities: string[];
  cases: CaseSummary[];
  totals: Totals;
  /** Why the target run itself went wrong (could not start, timed out), when it did. */
  error?: string;
  /** Round trips per command (`smp.os.echo`) and reset-to-ready (`reset.ready`), in ms. */
  timing?: Record<string, { count: number; p50: number; p95: number; max: number }>;
  /** Device crashes, in the order they happened (absent when none). */
  crashes?: CrashSummary[];
  /** Security findings derived from the outcomes (`lwm2m-nosec`, `unauthenticated-image-upload`, …), most severe first. */
  securityFindings?: { id: string; severity: 'high' | 'medium' | 'info'; title: string; detail: string; caseIds: string[] }[];
}

/** The whole file. */
export interface RunSummary {
  schemaVersion: 1;
  tool: { name: string; version: string; node: string };
  /** ISO 8601 UTC. */
  startedAt: string;
  durationMs: number;
  seed: number;
  targets: TargetSummary[];
  /** The run profile (`port`, `certify`, `nightly`), when one was chosen. */
  profile?: string;
  /** The run was stopped by a signal: `targets` hold only the cases finished before it. */
  interrupted?: boolean;
  /** Which signal stopped it (`SIGINT`, `SIGTERM`). */
  interruptedBy?: string;
  /** One shard of a sharded run (`1/2`); absent on a whole or merged run. */
  shard?: string;
}

/** A zero count for every outcome class. */
export function emptyTotals(): Totals {
  return { pass: 0, fail: 0, nonStrict: 0, informational: 0, unsupported: 0, broken: 0, crash: 0, blocked: 0 };
}

/** Count cases per outcome class. */
export function totalsOf(cases: readonly Pick<CaseSummary, 'outcome'>[]): Totals {
  const totals = emptyTotals();
  for (const c of cases) totals[c.outcome]++;
  return totals;
}

/** True when the outcome makes the run fail (exit code 1). */
export function isFailing(outcome: OutcomeClass): boolean {
  return outcome === 'fail' || outcome === 'broken' || outcome === 'crash';
}

/** Cases that failed first and passed on a retry, as `name/transport id` pairs. */
export function flakyCases(summary: Pick<RunSummary, 'targets'>): { target: string; id: string; attempts: number }[] {
  return summary.targets.flatMap((t) => t.cases.filter((c) => c.flaky === true).map((c) => ({ target: `${t.name}/${t.transport}`, id: c.id, attempts: c.attempts ?? 2 })));
}

/** True when any target has a failing case or a target-level error. */
export function runHasFailures(summary: Pick<RunSummary, 'targets'>): boolean {
  return summary.targets.some((t) => t.error !== undefined || t.cases.some((c) => isFailing(c.outcome)));
}

/** Cases sorted by id, so two runs of the same suites produce comparable files. */
export function sortCases(cases: readonly CaseSummary[]): CaseSummary[] {
  return [...cases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Assemble one target's summary; totals are always recomputed from the cases. */
export function buildTargetSummary(input: Omit<TargetSummary, 'totals' | 'cases'> & { cases: readonly CaseSummary[] }): TargetSummary {
  const cases = sortCases(input.cases);
  const out: TargetSummary = {
    name: input.name,
    transport: input.transport,
    identity: input.identity,
    capabilities: [...input.capabilities].sort(),
    cases,
    totals: totalsOf(cases),
  };
  if (input.error !== undefined) out.error = input.error;
  if (input.timing !== undefined && Object.keys(input.timing).length > 0) out.timing = input.timing;
  if (input.crashes !== undefined && input.crashes.length > 0) out.crashes = [...input.crashes].sort((a, b) => a.atMs - b.atMs);
  if (input.securityFindings !== undefined && input.securityFindings.length > 0) out.securityFindings = input.securityFindings;
  return out;
}
