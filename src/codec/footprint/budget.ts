/**
 * Footprint budgets (totals and per subsystem) judged against a build, and growth between two
 * builds per subsystem. Pure functions: a conformance case calls `evaluateFootprintBudget` and
 * quotes the figures of its findings.
 */
import { err, ok, type Result } from '../../core/result.ts';
import { attributeFootprint, FOOTPRINT_LAYERS, subsystemBytes, type FootprintAttribution } from './attribute.ts';
import { SUBSYSTEM_RULES, type FootprintLayer } from './subsystem-rules.ts';
import type { FootprintReport, MemoryKind } from './types.ts';

/** Limits for one scope; absent limits are not checked. */
export interface MemoryLimits {
  romBytes?: number;
  ramBytes?: number;
}

/**
 * A footprint budget. Subsystem keys are subsystem names from the attribution table
 * (`mcumgr.img`), dotted prefixes covering several (`mcumgr`, `lwm2m`, `net`), or `layer:NAME`
 * (`layer:management`).
 */
export interface FootprintBudget extends MemoryLimits {
  subsystems?: Record<string, MemoryLimits>;
}

/** A build's attributed reports (either may be missing). */
export interface FootprintBuild {
  name: string;
  rom?: FootprintAttribution;
  ram?: FootprintAttribution;
}

/** One budget line judged. */
export interface BudgetFinding {
  /** `total` or the subsystem key of the budget. */
  scope: string;
  memory: MemoryKind;
  limitBytes: number;
  /** Measured bytes; undefined when the build has no report for this memory. */
  actualBytes?: number;
  status: 'pass' | 'fail' | 'missing';
  message: string;
}

export interface BudgetVerdict {
  /** True when every line passed (a missing report does not pass). */
  pass: boolean;
  findings: BudgetFinding[];
}

const MEMORIES: readonly MemoryKind[] = ['rom', 'ram'];
const limitKey = (memory: MemoryKind): keyof MemoryLimits => (memory === 'rom' ? 'romBytes' : 'ramBytes');

/** Bytes of a budget scope in one attribution. Totals leave out emulation-only memory. */
export function scopeBytes(attribution: FootprintAttribution, scope: string): number {
  if (scope === 'total') return attribution.deviceBytes;
  if (scope.startsWith('layer:')) return attribution.layers[scope.slice(6) as FootprintLayer] ?? 0;
  return subsystemBytes(attribution, scope);
}

function judge(build: FootprintBuild, scope: string, memory: MemoryKind, limitBytes: number): BudgetFinding {
  const attribution = build[memory];
  const what = `${scope === 'total' ? 'total' : scope} ${memory.toUpperCase()}`;
  if (!attribution) {
    return { scope, memory, limitBytes, status: 'missing', message: `${build.name}: no ${memory.toUpperCase()} report to check ${what} against ${limitBytes} bytes` };
  }
  const actualBytes = scopeBytes(attribution, scope);
  const pass = actualBytes <= limitBytes;
  const delta = Math.abs(limitBytes - actualBytes);
  const message = `${build.name}: ${what} ${actualBytes} bytes, budget ${limitBytes} (${pass ? `${delta} under` : `${delta} over`})`;
  return { scope, memory, limitBytes, actualBytes, status: pass ? 'pass' : 'fail', message };
}

/** A build from its reports (either may be missing), attributed by the rule table. */
export function footprintBuild(name: string, reports: { rom?: FootprintReport; ram?: FootprintReport }): FootprintBuild {
  return { name, ...(reports.rom ? { rom: attributeFootprint(reports.rom) } : {}), ...(reports.ram ? { ram: attributeFootprint(reports.ram) } : {}) };
}

/**
 * Judge every limit of `budget` against `build`. A conformance case reads the target's reports,
 * calls `evaluateFootprintBudget(footprintBuild(name, reports), budget)` and quotes each finding's
 * `message` (it carries the measured bytes, the limit and the margin).
 */
export function evaluateFootprintBudget(build: FootprintBuild, budget: FootprintBudget): BudgetVerdict {
  const findings: BudgetFinding[] = [];
  const scopes: [string, MemoryLimits][] = [['total', budget], ...Object.entries(budget.subsystems ?? {})];
  for (const [scope, limits] of scopes) {
    for (const memory of MEMORIES) {
      const limit = limits[limitKey(memory)];
      if (limit !== undefined) findings.push(judge(build, scope, memory, limit));
    }
  }
  return { pass: findings.every((f) => f.status === 'pass'), findings };
}

/** Every budget key the attribution table can answer. */
export function isKnownBudgetScope(key: string): boolean {
  if (key.startsWith('layer:')) return (FOOTPRINT_LAYERS as readonly string[]).includes(key.slice(6));
  return key === '(hidden)' || key === 'unattributed' || SUBSYSTEM_RULES.some((r) => r.subsystem === key || r.subsystem.startsWith(`${key}.`));
}

/** Why a budget document was refused, with a JSON pointer. */
export interface BudgetError {
  pointer: string;
  message: string;
}

function checkLimits(value: unknown, pointer: string, allowSubsystems: boolean): BudgetError | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { pointer, message: 'expected an object' };
  for (const [key, v] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'romBytes' || key === 'ramBytes') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return { pointer: at, message: `expected a byte count (integer >= 0), got ${JSON.stringify(v)}` };
    } else if (key === 'subsystems' && allowSubsystems) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return { pointer: at, message: 'expected an object of subsystem limits' };
      for (const [name, limits] of Object.entries(v)) {
        const sub = `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!isKnownBudgetScope(name)) return { pointer: sub, message: `unknown subsystem '${name}' (a name or prefix from the attribution table, or layer:NAME)` };
        const failure = checkLimits(limits, sub, false);
        if (failure) return failure;
      }
    } else if (key !== '$schema' || !allowSubsystems) {
      return { pointer: at, message: `unknown field '${key}' (expected romBytes, ramBytes${allowSubsystems ? ', subsystems' : ''})` };
    }
  }
  return undefined;
}

/** Check a parsed budget document (`{ romBytes?, ramBytes?, subsystems? }`). */
export function parseFootprintBudget(value: unknown): Result<FootprintBudget, BudgetError> {
  const failure = checkLimits(value, '', true);
  return failure ? err(failure) : ok(value as FootprintBudget);
}
