/**
 * Public surface of the case kit: what suites and the run/list/report commands use.
 *
 * Writing cases (see suites/smp/os-echo.suite.ts):
 * - `defineSuite({ id, protocol, feature, title }, (s) => { s.case({...}); s.property({...}) })`;
 *   ids are UPPER-KEBAB and unique across all suites, `spec.doc` is a key of `SPEC_DOCS`,
 *   `requires` names capabilities from src/target/smp/capability-catalogue.ts.
 * - Judge replies with `ctx.expect`: `smpOk(reply).field('x').toBe(v)`, `mgmtErr(reply, [{ rc: 3 },
 *   { v2: { group, rc } }])`, `smpShape`, `silence(ms, { send })`, `oneOf([...])`, `that(...)`,
 *   `warn(...)` (SHOULD), `note(...)`; LwM2M answers with `coapCode(rsp, ['4.04'])`, `lwm2mContent(rsp)`,
 *   `lwm2mTypes`, `lwm2mValue`, `linkSet`, `timing` (see suites/lwm2m/); then `alive()` (or `ready()` after a reset) for the state
 *   afterwards. Malformed requests: `ctx.exchange(bytes)` returns an `SmpReply` for the same
 *   verifiers. A missing required answer is a failure; transport or harness trouble is broken.
 * - Levels: MUST fails; SHOULD is non-strict (fails with strict mode); MAY is informational.
 *   A dead device after the case fails whatever the level.
 * - Image uploads: `uploadImageSteps(ctx, image, { stopAt, from, sha, upgrade })` sends the chunks
 *   (sized by `uploadChunkBytes(ctx)`, the client's exact arithmetic), judging each reply.
 * - LwM2M cases live under suites/lwm2m/ (suite ids `lwm2m/...`, protocol 'LwM2M' or 'CoAP'), so
 *   only LwM2M target runs load them. `ctx.lwm2m` is the LwM2M side: `server` (the harness's
 *   LwM2M server: `read`, `write`, `observe`, … with `ctx.lwm2m.endpoint` as the target, `history`,
 *   `waitForNewRegistration`), `registration()`; `requires` names `lwm2m`, `lwm2m.v1.1`,
 *   `lwm2m.obj.<id>`, `lwm2m.fmt.*`, `lwm2m.composite`, `lwm2m.send`
 *   (src/target/lwm2m/capability-catalogue.ts). `expect.alive()` pings and reads /3/0.
 * - Properties: `numRuns: { udp, serial }`, `arbitrary` (or a function of ctx), `predicate`;
 *   the seed is in the meta; replay one case with `MGMT_REPLAY=<id>:<seed>:<path>`, a whole run
 *   with `MGMT_SEED` (or `run --seed`).
 */
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
  type CaseLwm2mSide,
  type CaseSession,
  type McumgrParams,
  type SessionProvider,
  type SessionTimeouts,
} from './session-port.ts';
export { ASSUMED_BUF_SIZE_BYTES, askTwice, requestLimitBytes, sha256, uploadChunkBytes, uploadImageSteps, type UploadSteps } from './upload-steps.ts';
export type { ReceivedPacket, SmpReply } from '../client/smp-client.ts';
export type { Lwm2mRegistration, Lwm2mResponse, Lwm2mServer, Lwm2mServerEvent, RegistrationHistoryEntry } from '../client/lwm2m-server.ts';
export { SPEC_DOCS, isSpecDocKey, specUrl, type SpecDoc, type SpecDocKey } from './spec-registry.ts';
export { annotateFrame, describeBody } from './verifiers/describe.ts';
export { ERR_GROUP_RULE, errGroupProblem, KNOWN_ERR_GROUP_DEVIATIONS, type KnownErrGroupDeviation } from './verifiers/smp-err-group.ts';
export type { Verifiers, CaseRecorder } from './verifiers/expect.ts';
export type { CoapAnswer, Lwm2mVerifiers, TimingWindow } from './verifiers/lwm2m-expect.ts';
export { coapAnswer, collectIncoming } from './verifiers/coap-raw.ts';
export type { FieldExpectation, SmpOk } from './verifiers/field-checks.ts';
export type { ErrExpectation, MatchedErr } from './verifiers/smp-verifiers.ts';
export { loadBaselineBuild, loadBuild, loadTargetBuild, targetFootprintInputs, type Notes, type TargetFootprintInputs } from './footprint-files.ts';
export { footprintBudgetOf, timingBudgetFor, type PercentileBudget } from '../config/budgets.ts';
export { RttHistograms, type CommandTiming } from '../client/timing/index.ts';
