/**
 * Allure statuses of crashed cases. allure-vitest writes a failed test as `failed` or `broken`;
 * a case whose device died gets Allure's `unknown` instead, the one status no other outcome uses,
 * so crashes are counted apart in Allure's status chart (docs/architecture.md "Crashes, blocked
 * cases and recovery").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-write.ts';
import type { CaseRecord } from './case-record.ts';

/** Allure status of a `crash` case. */
export const ALLURE_CRASH_STATUS = 'unknown';

/** Set the status of the Allure results of `records` that crashed; returns how many were changed. */
export function markAllureCrashes(resultsDir: string, records: readonly CaseRecord[]): number {
  const crashed = new Set(records.filter((r) => r.outcome === 'crash').map((r) => r.id));
  if (crashed.size === 0) return 0;
  let files: string[];
  try {
    files = readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'));
  } catch {
    return 0;
  }
  let changed = 0;
  for (const f of files) {
    const path = join(resultsDir, f);
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const id = String(result['name'] ?? '').split(' ')[0] ?? '';
    if (!crashed.has(id) || result['status'] === ALLURE_CRASH_STATUS) continue;
    writeJsonAtomic(path, { ...result, status: ALLURE_CRASH_STATUS });
    changed++;
  }
  return changed;
}
