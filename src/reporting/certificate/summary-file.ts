/**
 * Reading summary.json for certificates and baseline diffs: the schema-v1 check, plus the optional
 * fields a run may carry beyond v1 (profile, per-command timing, footprint, crashes). Those are
 * checked here and taken off before the v1 check, so a v1 file and an extended one both read.
 * @see docs/architecture.md "Reports"
 */
import { readFileSync } from 'node:fs';
import { InputFileError } from '../../errors.ts';
import { type JsonSchema, type SchemaProblem, validateJson } from '../json-schema.ts';
import { checkSummary, CRASH_SCHEMA, TIMING_SCHEMA } from '../summary-schema.ts';
import type { CrashSummary, RunSummary, TargetSummary } from '../summary.ts';

/** Latency of one command over a run, in milliseconds. */
export interface CommandTiming {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** Size of one part of the firmware image (a module, a library, the whole image), in bytes. */
export interface FootprintRow {
  name: string;
  romBytes?: number;
  ramBytes?: number;
}

/** A device crash noticed during the run (summary.json `crashes`). */
export type CrashRecord = CrashSummary;

/** One target of a summary, with the optional fields beyond schema v1. */
export interface SummaryTarget extends TargetSummary {
  /** Per command (`smp/os/echo`, `lwm2m/register`): latency over the run. */
  timing?: Record<string, CommandTiming>;
  footprint?: FootprintRow[];
}

/** A summary.json as the certificate and diff read it. */
export interface ExtendedSummary extends Omit<RunSummary, 'targets'> {
  /** The run profile (`port`, `certify`, `nightly`). */
  profile?: string;
  targets: SummaryTarget[];
}

const bytes: JsonSchema = { type: 'integer', minimum: 0 };

const TARGET_EXTENSIONS: Readonly<Record<string, JsonSchema>> = {
  timing: TIMING_SCHEMA,
  footprint: {
    type: 'array',
    items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, romBytes: bytes, ramBytes: bytes } },
  },
  crashes: { type: 'array', items: CRASH_SCHEMA },
};

const RUN_EXTENSIONS: Readonly<Record<string, JsonSchema>> = { profile: { type: 'string', minLength: 1 } };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check and remove the extension keys of `value` (a copy is changed, never the input). */
function splitExtensions(value: Record<string, unknown>, schemas: Readonly<Record<string, JsonSchema>>, at: string, problems: SchemaProblem[]): Record<string, unknown> {
  const rest = { ...value };
  for (const [key, schema] of Object.entries(schemas)) {
    if (!(key in rest)) continue;
    for (const p of validateJson(schema, rest[key])) problems.push({ pointer: `${at}/${key}${p.pointer}`, message: p.message });
    delete rest[key];
  }
  return rest;
}

/** Check a parsed summary.json (v1 plus the optional fields); problems carry JSON pointers. */
export function parseExtendedSummary(value: unknown): { ok: true; summary: ExtendedSummary } | { ok: false; problems: SchemaProblem[] } {
  if (!isObject(value)) return { ok: false, problems: [{ pointer: '', message: 'must be an object' }] };
  const problems: SchemaProblem[] = [];
  const core = splitExtensions(value, RUN_EXTENSIONS, '', problems);
  if (Array.isArray(value['targets'])) {
    core['targets'] = value['targets'].map((t, i) => (isObject(t) ? splitExtensions(t, TARGET_EXTENSIONS, `/targets/${i}`, problems) : t));
  }
  problems.push(...checkSummary(core));
  // Valid: the value is the v1 summary plus extension fields of the checked shapes.
  return problems.length > 0 ? { ok: false, problems } : { ok: true, summary: value as unknown as ExtendedSummary };
}

/** Read and check a summary.json file; any problem is an `InputFileError` naming the file and pointer. */
export function readSummaryFile(path: string): ExtendedSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputFileError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputFileError(path, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const result = parseExtendedSummary(value);
  if (!result.ok) {
    const shown = result.problems.slice(0, 5).map((p) => `#${p.pointer}: ${p.message}`);
    const more = result.problems.length > 5 ? `; and ${result.problems.length - 5} more` : '';
    throw new InputFileError(path, `not a valid summary.json: ${shown.join('; ')}${more}`);
  }
  return result.summary;
}

/** Directory-safe, unique key per target: its name, or `name-transport` when names repeat. */
export function targetKeys(targets: readonly Pick<TargetSummary, 'name' | 'transport'>[]): string[] {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const keys = targets.map((t) => ((counts.get(t.name) ?? 0) > 1 ? `${t.name}-${t.transport}` : t.name));
  return keys.map((k, i) => {
    const safe = k.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'target';
    return keys.indexOf(k) === i ? safe : `${safe}-${i}`;
  });
}
