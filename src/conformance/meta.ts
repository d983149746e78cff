/**
 * The metadata contract between the case kit and the reporters: every conformance test carries a
 * `ConformanceMeta` in `task.meta.conformance`. Reporters (Allure, JUnit, summary.json, the
 * certificate) read only this, so fields are added, never renamed, and `schema` moves on any
 * incompatible change.
 * @see docs/architecture.md "Cases", "Reports"
 */
import type { TraceDirection, TraceEntry } from '../core/trace.ts';
import { toHex } from '../core/bytes.ts';
import type { CrashSummary, Level, OutcomeClass } from '../reporting/summary.ts';

/**
 * Requirement levels and outcome classes are defined once, with the summary.json contract they
 * are written to; the case kit uses the same names. Outcome classes follow Autobahn:
 * `nonStrict` = a SHOULD violated (passes with a warning unless strict mode), `informational` =
 * a MAY recorded (never fails), `unsupported` = the target lacks a capability (skipped with the
 * reason), `broken` = harness or transport trouble, not a verdict.
 */
export { LEVELS, OUTCOME_CLASSES as OUTCOMES, type Level } from '../reporting/summary.ts';

/** One outcome class (the summary.json `OutcomeClass`). */
export type Outcome = OutcomeClass;

/** Protocols a suite can belong to (Allure epic). */
export type Protocol = 'SMP' | 'LwM2M' | 'CoAP';

/** Where in a pinned document a case's requirement is written. */
export interface SpecLink {
  /** Key of the pinned spec registry (src/conformance/spec-registry.ts). */
  doc: string;
  /** Section heading or clause as the document names it. */
  section: string;
  /** Link to the document at its pinned revision, with a section anchor when one exists. */
  url: string;
}

/** One frame or link event in a case's evidence: JSON-safe (timestamps as decimal strings). */
export interface EvidenceEntry {
  direction: TraceDirection;
  /** `process.hrtime.bigint()` as a decimal string (bigint does not survive JSON). */
  atNs: string;
  /** Exact bytes, lower-case hex without separators; empty for events without bytes. */
  hex: string;
  /** Decoded header and body, or a description of why decoding failed. */
  decoded?: unknown;
  note?: string;
}

/** What the kit stores in `task.meta.conformance` for each case; stable contract (schema 1). */
export interface ConformanceMeta {
  schema: 1;
  /** Stable UPPER-KEBAB id, e.g. `SMP-OS-ECHO-001`. */
  id: string;
  /** The expected behaviour, as a statement. */
  title: string;
  level: Level;
  spec: SpecLink;
  /** What the case sends. */
  stimulus: string;
  /** What the spec requires of the answer or the state afterwards. */
  requirement: string;
  /** Capability names the case needs (`smp.os.echo`). */
  requires: string[];
  /** Suite id (`smp/os`), used as JUnit class name. */
  suite: string;
  protocol: Protocol;
  /** Allure feature: SMP group or LwM2M interface (`os`, `img`). */
  feature: string;
  /** Allure story: the command (`echo`, `upload`). */
  story: string;
  destructive: boolean;
  /** `case` for example-based cases, `property` for fast-check ones. */
  kind: 'case' | 'property';
  outcome: Outcome;
  /** One line-ish: why it failed, was skipped, non-strict or what was recorded; empty on a plain pass. */
  message: string;
  /** SHOULD-level findings and notes recorded during the case (also shown as annotations). */
  warnings: string[];
  durationMs: number;
  /** Target name from targets.json. */
  target: string;
  /** Transport kind the case ran over: `udp`, `serial`, `memory`; empty if none was opened. */
  transport: string;
  /** Strict mode was on (SHOULD violations fail). */
  strict: boolean;
  /** Property cases: the fast-check seed that replays the run. */
  seed?: number;
  /** Property cases: the number of runs asked for. */
  numRuns?: number;
  /** Property cases: fast-check's replay path of the failure. */
  path?: string;
  /** Property cases: the failing input, printed with fc.stringify. */
  counterexample?: string;
  /** Every frame in and out during the case (capped; see `EVIDENCE_LIMIT`). */
  evidence: EvidenceEntry[];
  /** Entries left out of `evidence` because of the cap. */
  evidenceDropped: number;
  /** Outcome `crash`: how the device died, the frames that led there, the reproducer and the recovery. */
  crash?: CrashSummary;
}

/** Largest number of evidence entries kept per case (property cases send thousands). */
export const EVIDENCE_LIMIT = 400;

declare module 'vitest' {
  interface TaskMeta {
    /** Set by the conformance case kit on every conformance test. */
    conformance?: ConformanceMeta;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Set by the conformance case kit on every conformance test. */
    conformance?: ConformanceMeta;
  }
}

/** Convert trace entries to JSON-safe evidence, keeping the first and last entries past the cap. */
export function toEvidence(entries: readonly TraceEntry[], limit = EVIDENCE_LIMIT): { evidence: EvidenceEntry[]; dropped: number } {
  const keep = (e: TraceEntry): EvidenceEntry => {
    const out: EvidenceEntry = { direction: e.direction, atNs: e.atNs.toString(), hex: e.hex };
    if (e.decoded !== undefined) out.decoded = jsonSafe(e.decoded, 0);
    if (e.note !== undefined) out.note = e.note;
    return out;
  };
  if (entries.length <= limit) return { evidence: entries.map(keep), dropped: 0 };
  const head = Math.floor(limit / 4);
  const tail = limit - head;
  const picked = [...entries.slice(0, head), ...entries.slice(entries.length - tail)];
  return { evidence: picked.map(keep), dropped: entries.length - limit };
}

/** Make decoded values JSON-safe: bigint → string, bytes → `{ hex }`, Map → object, bounded depth. */
export function jsonSafe(value: unknown, depth: number): unknown {
  if (depth > 16) return '…';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { hex: toHex(value) };
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonSafe(v, depth + 1);
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v, depth + 1);
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  return value;
}
