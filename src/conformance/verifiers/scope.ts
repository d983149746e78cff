/**
 * The case a verifier works for: its id and spec clause go into every failure message, and the
 * session's SMP versions decide which error form a reply must use.
 */
import { ConformanceAssertionError, type AssertionDetails } from '../errors.ts';

/** What verifiers know about the running case. */
export interface VerifierScope {
  caseId: string;
  /** Spec clause as `doc §section`. */
  spec: string;
  /** SMP versions the device answers; unknown → assume a v2-capable server. */
  smpVersions: { v1: boolean; v2: boolean } | undefined;
}

/** Throw the h2spec-style failure for this case. */
export function failCheck(scope: VerifierScope, d: Omit<AssertionDetails, 'caseId' | 'spec'>): never {
  throw new ConformanceAssertionError({ caseId: scope.caseId, spec: scope.spec, ...d });
}

/** The response header version a conforming server uses for a request version. */
export function expectedResponseVersion(scope: VerifierScope, requestVersion: number): number {
  if (scope.smpVersions && !scope.smpVersions.v2) return 0;
  return Math.min(requestVersion, 1);
}
