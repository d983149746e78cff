/**
 * The summary.json schema (version 1) and a full check: the schema plus the rules a schema
 * cannot say (totals agree with the cases, case ids unique per target).
 * @see docs/architecture.md "Reports"
 */
import { type JsonSchema, type SchemaProblem, validateJson } from './json-schema.ts';
import { LEVELS, OUTCOME_CLASSES, type RunSummary, totalsOf } from './summary.ts';

const count: JsonSchema = { type: 'integer', minimum: 0 };
const duration: JsonSchema = { type: 'number', minimum: 0 };

/** Per-command round-trip figures of a target (`timing` in summary.json), in ms. */
export const TIMING_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['count', 'p50', 'p95', 'max'],
    additionalProperties: false,
    properties: { count, p50: duration, p95: duration, max: duration },
  },
};

const caseSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'level', 'outcome', 'durationMs', 'message', 'spec'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Z0-9]+(-[A-Z0-9]+)*$' },
    title: { type: 'string', minLength: 1 },
    level: { type: 'string', enum: LEVELS },
    outcome: { type: 'string', enum: OUTCOME_CLASSES },
    durationMs: duration,
    message: { type: 'string' },
    spec: { type: 'string' },
    seed: { type: 'integer' },
    counterexample: { type: 'string' },
    flaky: { type: 'boolean' },
    attempts: { type: 'integer', minimum: 1 },
  },
};

/** Outcome classes every summary.json since schemaVersion 1 counts; `crash` and `blocked` came later and may be absent (0). */
const FIRST_OUTCOME_CLASSES = ['pass', 'fail', 'nonStrict', 'informational', 'unsupported', 'broken'];

const frameSchema: JsonSchema = { type: 'object', required: ['hex'], additionalProperties: false, properties: { hex: { type: 'string', pattern: '^([0-9a-f]{2})*$' }, decoded: {} } };

/** One device crash (`crashes` of a target). */
export const CRASH_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['caseId', 'atMs', 'cause', 'sinceLastAnswerMs', 'lastFrames', 'console', 'reproduced', 'reproducer'],
  additionalProperties: false,
  properties: {
    caseId: { type: 'string', minLength: 1 },
    atMs: duration,
    cause: { type: 'string', minLength: 1 },
    sinceLastAnswerMs: { type: ['number', 'null'], minimum: 0 },
    lastFrames: { type: 'array', items: frameSchema },
    console: { type: 'array', items: { type: 'string' } },
    reproduced: { type: ['boolean', 'null'] },
    reproducer: { type: ['string', 'null'] },
    recovery: {
      type: 'object',
      required: ['method', 'ok'],
      additionalProperties: false,
      properties: { method: { type: 'string' }, ok: { type: 'boolean' }, ms: duration, error: { type: 'string' } },
    },
  },
};

const totalsSchema: JsonSchema = {
  type: 'object',
  required: FIRST_OUTCOME_CLASSES,
  additionalProperties: false,
  properties: Object.fromEntries(OUTCOME_CLASSES.map((o) => [o, count])),
};

const targetSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'transport', 'identity', 'capabilities', 'cases', 'totals'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    transport: { type: 'string', minLength: 1 },
    identity: { type: 'object' },
    capabilities: { type: 'array', items: { type: 'string' } },
    cases: { type: 'array', items: caseSchema },
    totals: totalsSchema,
    error: { type: 'string' },
    timing: TIMING_SCHEMA,
    crashes: { type: 'array', items: CRASH_SCHEMA },
    securityFindings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'severity', 'title', 'detail', 'caseIds'],
        additionalProperties: false,
        properties: { id: { type: 'string', minLength: 1 }, severity: { type: 'string', enum: ['high', 'medium', 'info'] }, title: { type: 'string' }, detail: { type: 'string' }, caseIds: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

/** JSON Schema of summary.json, schemaVersion 1. */
export const SUMMARY_SCHEMA_V1: JsonSchema = {
  type: 'object',
  required: ['schemaVersion', 'tool', 'startedAt', 'durationMs', 'seed', 'targets'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    tool: {
      type: 'object',
      required: ['name', 'version', 'node'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, version: { type: 'string' }, node: { type: 'string' } },
    },
    startedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
    durationMs: duration,
    seed: { type: 'integer' },
    targets: { type: 'array', items: targetSchema },
    profile: { type: 'string', minLength: 1 },
    interrupted: { type: 'boolean' },
    interruptedBy: { type: 'string' },
    shard: { type: 'string', pattern: '^[1-9][0-9]*/[1-9][0-9]*$' },
  },
};

function consistencyProblems(summary: RunSummary): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  summary.targets.forEach((target, t) => {
    const expected = totalsOf(target.cases);
    for (const [outcome, n] of Object.entries(expected)) {
      if ((target.totals[outcome as keyof typeof expected] ?? 0) !== n) {
        out.push({ pointer: `/targets/${t}/totals/${outcome}`, message: `must be ${n} (counted from the cases)` });
      }
    }
    const seen = new Set<string>();
    target.cases.forEach((c, i) => {
      if (seen.has(c.id)) out.push({ pointer: `/targets/${t}/cases/${i}/id`, message: `duplicate case id ${c.id}` });
      seen.add(c.id);
    });
  });
  return out;
}

/** Check a parsed summary.json; an empty list means valid. Never throws. */
export function checkSummary(value: unknown): SchemaProblem[] {
  const problems = validateJson(SUMMARY_SCHEMA_V1, value);
  return problems.length > 0 ? problems : consistencyProblems(value as RunSummary);
}
