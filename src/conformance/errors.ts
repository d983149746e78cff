/**
 * Errors of the case kit. Allure marks an error whose name or message contains "assert" as a
 * *failed* test (device defect) and anything else as *broken* (harness trouble), so only
 * `ConformanceAssertionError` may carry that word; `CaseBrokenError` scrubs it.
 * @see docs/architecture.md "Errors"
 */
import { HarnessError } from '../errors.ts';

/** What a verifier found, h2spec style: the acceptable outcomes and what arrived. */
export interface AssertionDetails {
  /** Case id, e.g. `SMP-OS-ECHO-001`. */
  caseId: string;
  /** Spec clause as `doc §section`. */
  spec: string;
  /** Each acceptable outcome, one line each. */
  expected: readonly string[];
  /** What the device did. */
  actual: string;
  /** The offending frame, annotated (multi-line), when there is one. */
  frame?: string;
  /** Which check failed, when a case makes several (`state afterwards`, `field "off"`). */
  check?: string;
  /** Fails the case whatever its level: the device stopped answering, which no level excuses. */
  escalate?: boolean;
}

/** Indent every line of a block. */
function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** Render details as the failure message (first line short: reporters show it alone). */
export function formatAssertion(d: AssertionDetails): string {
  const head = `assertion failed: ${d.caseId}${d.check ? ` (${d.check})` : ''}: expected ${d.expected[0] ?? 'nothing'}${
    d.expected.length > 1 ? ` (or ${d.expected.length - 1} more)` : ''
  }, got ${d.actual.split('\n')[0]}`;
  const lines = [head, `  Spec: ${d.spec}`, '  Expected one of:'];
  for (const e of d.expected) lines.push(`    - ${e}`);
  lines.push('  Actual:', indent(d.actual, '    '));
  if (d.frame) lines.push('  Frame:', indent(d.frame, '    '));
  return lines.join('\n');
}

/** A device answer that does not conform: the case fails. Only verifiers throw it. */
export class ConformanceAssertionError extends HarnessError {
  readonly details: AssertionDetails;
  constructor(details: AssertionDetails) {
    super('E_CONFORMANCE_ASSERTION', formatAssertion(details));
    this.details = details;
  }
}

/** Harness or transport trouble during a case: the case is broken, not failed. */
export class CaseBrokenError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CASE_BROKEN', scrubAssert(message), options);
  }
}

/** The device died during the case (docs/architecture.md "Crashes, blocked cases and recovery"). */
export class CaseCrashError extends HarnessError {
  constructor(message: string) {
    super('E_DEVICE_CRASH', scrubAssert(message));
  }
}

/** A suite declares a case wrongly (duplicate id, unknown spec document, bad level). */
export class CaseDeclarationError extends HarnessError {
  constructor(message: string) {
    super('E_CASE_DECLARATION', scrubAssert(message));
  }
}

/** Thrown by `ctx.skip(reason)` to unwind a case the target cannot run; the kit turns it into a skip. */
export class CaseUnsupportedSignal extends HarnessError {
  readonly reason: string;
  constructor(reason: string) {
    super('E_CASE_UNSUPPORTED', scrubAssert(reason));
    this.reason = scrubAssert(reason);
  }
}

/** Replace the word that would make Allure call harness trouble a device failure. */
export function scrubAssert(text: string): string {
  return text.replace(/assert/gi, (m) => (m[0] === 'A' ? 'Check' : 'check'));
}

/**
 * Error checks by stable `code`, not `instanceof`: in a conformance worker the session (and the
 * client that throws) is loaded by vitest's environment loader, the kit by the suites' module
 * runner, so the same class can exist twice and `instanceof` would miss.
 */
export function hasErrorCode(e: unknown, code: string): e is Error & { code: string } {
  return e instanceof Error && (e as { code?: unknown }).code === code;
}

/** A verifier failure (from any module instance of the kit). */
export function isAssertionFailure(e: unknown): e is ConformanceAssertionError {
  return hasErrorCode(e, 'E_CONFORMANCE_ASSERTION') && typeof (e as { details?: unknown }).details === 'object';
}

/** No answer before the deadline (`ResponseTimeoutError`). */
export function isResponseTimeout(e: unknown): e is Error & { code: string; timeoutMs: number } {
  return hasErrorCode(e, 'E_TIMEOUT');
}

/** A transport that could not open or failed (`TransportError`). */
export function isTransportFailure(e: unknown): e is Error & { code: string } {
  return hasErrorCode(e, 'E_TRANSPORT');
}

/** `ctx.skip(reason)` unwinding (`CaseUnsupportedSignal`). */
export function isUnsupportedSignal(e: unknown): e is CaseUnsupportedSignal {
  return hasErrorCode(e, 'E_CASE_UNSUPPORTED') && typeof (e as { reason?: unknown }).reason === 'string';
}
