/**
 * Outcome classification: what a case's ending (an error or none, warnings, its level, strict
 * mode) means, after Autobahn's verdict levels. Pure, so every class is tested from a table.
 * @see docs/architecture.md "Cases"
 */
import { CaseBrokenError, ConformanceAssertionError, hasErrorCode, isAssertionFailure, isResponseTimeout, isUnsupportedSignal } from './errors.ts';
import type { Level, Outcome } from './meta.ts';

/** How a case ended. */
export interface CaseEnding {
  caseId: string;
  spec: string;
  level: Level;
  isStrict: boolean;
  /** What the body threw, if anything. */
  error: unknown;
  warnings: readonly string[];
  notes: readonly string[];
  /** The case found nothing to judge on this target (`expect.informational`): the reason. */
  informational?: string | undefined;
}

/** The verdict and what the test must do: pass, throw `error` (fail or broken), or skip. */
export interface Verdict {
  outcome: Outcome;
  message: string;
  /** Thrown from the test: a `ConformanceAssertionError` (failed) or a `CaseBrokenError` (broken). */
  error?: Error;
  /** For `unsupported`: the skip reason. */
  skipReason?: string;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** A timeout where an answer was required is a device defect, stated like any other. */
function asAssertion(e: Error, ending: CaseEnding): ConformanceAssertionError {
  return new ConformanceAssertionError({
    caseId: ending.caseId,
    spec: ending.spec,
    check: 'reply',
    expected: ['an answer'],
    actual: e.message,
  });
}

/** Errors that state a device defect (ours, vitest/chai's, or a required answer that never came). */
function deviceDefect(e: unknown, ending: CaseEnding): ConformanceAssertionError | Error | undefined {
  if (isAssertionFailure(e)) return e;
  if (isResponseTimeout(e)) return asAssertion(e, ending);
  if (e instanceof Error && e.name === 'AssertionError') return e;
  return undefined;
}

/** Apply the level to a failed check: MUST fails, SHOULD is non-strict unless strict, MAY informs. */
function byLevel(defect: Error, ending: CaseEnding): Verdict {
  const message = firstLine(defect.message);
  const escalate = isAssertionFailure(defect) && defect.details.escalate === true;
  if (escalate || ending.level === 'MUST') return { outcome: 'fail', message, error: defect };
  if (ending.level === 'SHOULD') return ending.isStrict ? { outcome: 'fail', message, error: defect } : { outcome: 'nonStrict', message };
  return { outcome: 'informational', message };
}

/** Classify how a case ended. */
export function classifyEnding(ending: CaseEnding): Verdict {
  const e = ending.error;
  if (isUnsupportedSignal(e)) return { outcome: 'unsupported', message: e.reason, skipReason: e.reason };
  if (e !== undefined) {
    const defect = deviceDefect(e, ending);
    if (defect) return byLevel(defect, ending);
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const broken = hasErrorCode(e, 'E_CASE_BROKEN') ? e : new CaseBrokenError(text, { cause: e });
    return { outcome: 'broken', message: firstLine(broken.message), error: broken };
  }
  if (ending.informational !== undefined) {
    return { outcome: 'informational', message: [ending.informational, ...ending.warnings, ...ending.notes].join('; ') };
  }
  if (ending.warnings.length > 0) {
    const message = ending.warnings.join('; ');
    if (ending.level === 'MAY') return { outcome: 'informational', message };
    if (!ending.isStrict) return { outcome: 'nonStrict', message };
    const error = new ConformanceAssertionError({
      caseId: ending.caseId,
      spec: ending.spec,
      check: 'strict mode',
      expected: ['no SHOULD-level deviation'],
      actual: ending.warnings.join('\n'),
    });
    return { outcome: 'fail', message: firstLine(error.message), error };
  }
  if (ending.level === 'MAY') return { outcome: 'informational', message: ending.notes.join('; ') || 'behaviour recorded' };
  return { outcome: 'pass', message: '' };
}
