/**
 * What the reporters know about one finished case: the summary.json fields plus the metadata the
 * JUnit and Allure reports carry (requirement, group, command). Defined here, not in the case kit,
 * because reporting sits below conformance in the layer table.
 * @see docs/architecture.md "Cases", "Reports"
 */
import type { CaseSummary, CrashSummary } from './summary.ts';

/** One finished case on one target, as the reporters see it. */
export interface CaseRecord extends CaseSummary {
  /** Allure epic: `smp`, `lwm2m`, … */
  protocol: string;
  /** Allure feature: the SMP group or LwM2M interface (`img`, `os`, `registration`). */
  group: string;
  /** Allure story: the command (`upload`, `echo`); empty when the case spans several. */
  command: string;
  /** The normative sentence the case checks. */
  requirement: string;
  /** What the case sends. */
  stimulus: string;
  /** Link to the spec section, when the reference has one. */
  specUrl?: string;
  /** Suite path (`smp/img`), used as the JUnit class name. */
  suite: string;
  /** SHOULD-level findings and notes the case recorded (shown in JUnit and Allure). */
  warnings?: string[];
  /** Set on a `crash` case: how the device died, its reproducer and the recovery. */
  crash?: CrashSummary;
  /** The suite file that declares the case, relative to the project root (a run loads only the files of its cases). */
  file?: string;
}

/** The crashes among the records, in the order they happened. */
export function crashesOf(records: readonly CaseRecord[]): CrashSummary[] {
  return records.flatMap((r) => (r.crash ? [r.crash] : [])).sort((a, b) => a.atMs - b.atMs);
}

/** The summary.json subset of a record (drops the report-only fields). */
export function toCaseSummary(record: CaseRecord): CaseSummary {
  const out: CaseSummary = {
    id: record.id,
    title: record.title,
    level: record.level,
    outcome: record.outcome,
    durationMs: record.durationMs,
    message: record.message,
    spec: record.spec,
  };
  if (record.seed !== undefined) out.seed = record.seed;
  if (record.counterexample !== undefined) out.counterexample = record.counterexample;
  if (record.flaky === true) out.flaky = true;
  if (record.attempts !== undefined && record.attempts > 1) out.attempts = record.attempts;
  return out;
}
