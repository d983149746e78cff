/**
 * Turn a finished vitest test into a `CaseRecord`. The case kit's metadata (`task.meta.conformance`,
 * type `ConformanceMeta` in src/conformance/meta.ts) crosses a process boundary as plain JSON and
 * reporting may not import the kit, so it is read structurally here and every field is optional:
 * a test without kit metadata still gets a sensible record from its name.
 * @see docs/architecture.md "Cases"
 */
import type { CaseRecord } from './case-record.ts';
import { type CrashSummary, type JsonValue, LEVELS, type Level, OUTCOME_CLASSES, type OutcomeClass } from './summary.ts';

/** The parts of a finished vitest test the mapping needs (kept free of vitest types for tests). */
export interface FinishedTest {
  /** Test name: `<ID> <title>`. */
  name: string;
  meta: unknown;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  errors: readonly { name?: string; message?: string; stack?: string }[];
  /** Skip reason (`ctx.skip(note)`). */
  note?: string;
  durationMs: number;
  /** Test file relative to the root (fallback suite name). */
  file: string;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** Conformance metadata of a test, or `{}` when the kit did not set any. */
export function conformanceMeta(meta: unknown): Obj {
  return obj(obj(meta)['conformance']);
}

/**
 * Device defect or harness trouble, by the rule Allure uses: an error whose name or message
 * mentions "assert" (or that comes from vitest's `expect`) is a failed check; anything else broke.
 */
export function classifyError(error: { name?: string; message?: string; stack?: string } | undefined): 'fail' | 'broken' {
  if (!error) return 'broken';
  if (/assert/i.test(error.name ?? '') || /assert/i.test(error.message ?? '')) return 'fail';
  if (/@vitest\/expect/.test(error.stack ?? '')) return 'fail';
  return 'broken';
}

function outcomeOf(t: FinishedTest, metaOutcome: OutcomeClass | undefined): OutcomeClass {
  if (t.state === 'failed') {
    return metaOutcome === 'fail' || metaOutcome === 'broken' || metaOutcome === 'crash' ? metaOutcome : classifyError(t.errors[0]);
  }
  if (t.state === 'skipped') return metaOutcome === 'blocked' ? 'blocked' : 'unsupported';
  if (t.state === 'pending') return 'broken';
  return metaOutcome === 'nonStrict' || metaOutcome === 'informational' ? metaOutcome : 'pass';
}

function messageOf(t: FinishedTest, outcome: OutcomeClass, metaMessage: string): string {
  if (metaMessage) return metaMessage;
  if (outcome === 'fail' || outcome === 'broken' || outcome === 'crash') return t.errors[0]?.message ?? (t.state === 'pending' ? 'not run' : 'failed');
  if (outcome === 'unsupported') return t.note ?? 'skipped';
  return '';
}

function splitName(name: string): { id: string; title: string } {
  const m = /^([A-Z0-9]+(?:-[A-Z0-9]+)+)\s+(.*)$/s.exec(name);
  return m ? { id: m[1] ?? name, title: m[2] ?? '' } : { id: name, title: name };
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The crash a `crash` case carries in its metadata (checked field by field; undefined when malformed). */
export function crashOf(value: unknown): CrashSummary | undefined {
  const c = obj(value);
  const caseId = str(c['caseId']);
  const atMs = optionalNumber(c['atMs']);
  if (!caseId || atMs === undefined) return undefined;
  const since = optionalNumber(c['sinceLastAnswerMs']);
  const frames = Array.isArray(c['lastFrames']) ? c['lastFrames'].map(obj).filter((f) => typeof f['hex'] === 'string') : [];
  const out: CrashSummary = {
    caseId,
    atMs,
    cause: str(c['cause'], 'unknown'),
    sinceLastAnswerMs: since ?? null,
    lastFrames: frames.map((f) => ({ hex: str(f['hex']), ...(f['decoded'] !== undefined ? { decoded: f['decoded'] as JsonValue } : {}) })),
    console: Array.isArray(c['console']) ? c['console'].filter((l): l is string => typeof l === 'string') : [],
    reproduced: typeof c['reproduced'] === 'boolean' ? c['reproduced'] : null,
    reproducer: typeof c['reproducer'] === 'string' ? c['reproducer'] : null,
  };
  const r = obj(c['recovery']);
  if (typeof r['method'] === 'string' && typeof r['ok'] === 'boolean') {
    const ms = optionalNumber(r['ms']);
    out.recovery = { method: r['method'], ok: r['ok'], ...(ms !== undefined ? { ms } : {}), ...(typeof r['error'] === 'string' ? { error: r['error'] } : {}) };
  }
  return out;
}

/** Build the record of one finished test; never throws on odd metadata. */
export function caseRecordFromTest(t: FinishedTest): CaseRecord {
  const m = conformanceMeta(t.meta);
  const fromName = splitName(t.name);
  const spec = obj(m['spec']);
  const metaOutcome = OUTCOME_CLASSES.find((o) => o === m['outcome']);
  const outcome = outcomeOf(t, metaOutcome);
  const level = LEVELS.find((l) => l === m['level']) ?? ('MUST' satisfies Level);
  const doc = str(spec['doc']);
  const section = str(spec['section']);
  const record: CaseRecord = {
    id: str(m['id'], fromName.id),
    title: str(m['title'], fromName.title),
    level,
    outcome,
    durationMs: Math.round(Math.max(0, (optionalNumber(m['durationMs']) || t.durationMs)) * 1000) / 1000,
    message: messageOf(t, outcome, str(m['message'])),
    spec: doc ? (section ? `${doc} §${section}` : doc) : '',
    protocol: str(m['protocol'], 'SMP'),
    group: str(m['feature']),
    command: str(m['story']),
    requirement: str(m['requirement']),
    stimulus: str(m['stimulus']),
    suite: str(m['suite'], t.file),
  };
  const url = str(spec['url']);
  if (url) record.specUrl = url;
  const seed = optionalNumber(m['seed']);
  if (seed !== undefined && Number.isInteger(seed)) record.seed = seed;
  const counterexample = str(m['counterexample']);
  if (counterexample) record.counterexample = counterexample;
  const warnings = Array.isArray(m['warnings']) ? m['warnings'].filter((w): w is string => typeof w === 'string' && w !== '') : [];
  if (warnings.length > 0) record.warnings = warnings;
  const crash = crashOf(m['crash']);
  if (crash && outcome === 'crash') record.crash = crash;
  if (t.file) record.file = t.file;
  return record;
}

/** A record for a selected case that never reported (run timed out, worker died, target unreachable). */
export function missingCaseRecord(listed: CaseRecord, reason: string): CaseRecord {
  return { ...listed, outcome: 'broken', durationMs: 0, message: reason };
}
