/**
 * The certify profile's rule on records: a case the target could not run because it lacks a
 * required capability fails instead of being skipped. The profile and its list of required
 * capabilities live in src/cli/run-profile.ts; this is the judgement every report shares
 * (summary.json and JUnit from records, Allure from the vitest task).
 */
import type { CaseRecord } from './case-record.ts';

/** Required capabilities an unsupported case's reason names as missing (`target X lacks smp.img.upload (…)`). */
export function missingRequired(record: Pick<CaseRecord, 'outcome' | 'message'>, required: readonly string[]): string[] {
  if (record.outcome !== 'unsupported') return [];
  // The kit lists them as `lacks name (reason), name (reason)` (src/conformance/gating.ts).
  return required.filter((name) => new RegExp(`(?:\\blacks |, )${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`).test(record.message));
}

/** A record as the certify profile judges it: unsupported for want of a required capability is a failure. */
export function certifyRecord(record: CaseRecord, required: readonly string[]): CaseRecord {
  const missing = missingRequired(record, required);
  if (missing.length === 0) return record;
  return { ...record, outcome: 'fail', message: certifyMessage(missing, record.message) };
}

/** The certify message of a skip reason naming missing required capabilities, else `undefined`. */
export function certifyFailureMessage(skipReason: string, required: readonly string[]): string | undefined {
  const missing = missingRequired({ outcome: 'unsupported', message: skipReason }, required);
  return missing.length > 0 ? certifyMessage(missing, skipReason) : undefined;
}

function certifyMessage(missing: readonly string[], reason: string): string {
  return `required capability missing (certify profile): ${missing.join(', ')}; ${reason}`;
}
