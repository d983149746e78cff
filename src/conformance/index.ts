/** Public surface of the case kit: what suites and the run/list/report commands use. */
export { defineSuite, PROPERTY_TIMEOUT_MS, type SuiteBuilder } from './define-suite.ts';
export type {
  CaseContext,
  CaseDeclaration,
  CaseInfo,
  NumRuns,
  PropertyDeclaration,
  SuiteInfo,
  TransportKind,
} from './declaration.ts';
export {
  CaseBrokenError,
  CaseDeclarationError,
  CaseUnsupportedSignal,
  ConformanceAssertionError,
  formatAssertion,
  type AssertionDetails,
} from './errors.ts';
export { createFixtures, type Fixtures } from './fixtures.ts';
export { EVIDENCE_LIMIT, LEVELS, OUTCOMES, toEvidence, type ConformanceMeta, type EvidenceEntry, type Level, type Outcome, type Protocol, type SpecLink } from './meta.ts';
export { classifyEnding, type CaseEnding, type Verdict } from './outcome.ts';
export { parseReplay, resolveNumRuns } from './property-runner.ts';
export { exchangeRaw, replyFromPacket, type RawExchangeOptions } from './raw-exchange.ts';
export { registeredCases, type RegisteredCase } from './registry.ts';
export {
  SESSION_PROVIDER_KEY,
  acquireSession,
  installSessionProvider,
  type CapabilityStatus,
  type CaseSession,
  type McumgrParams,
  type SessionProvider,
  type SessionTimeouts,
} from './session-port.ts';
export { SPEC_DOCS, isSpecDocKey, specUrl, type SpecDoc, type SpecDocKey } from './spec-registry.ts';
export { annotateFrame, describeBody } from './verifiers/describe.ts';
export type { Verifiers, CaseRecorder } from './verifiers/expect.ts';
export type { FieldExpectation, SmpOk } from './verifiers/field-checks.ts';
export type { ErrExpectation, MatchedErr } from './verifiers/smp-verifiers.ts';
