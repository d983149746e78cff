/**
 * Runs one declared case: gets the session, gates on capabilities, builds the case context, runs
 * the body, classifies the ending and fills the case's metadata (outcome, message, evidence)
 * before the case passes, fails, breaks or skips. Its host is vitest's test context, or the
 * run's own case runner (src/conformance/direct-case.ts), which runs cases without vitest.
 * @see docs/architecture.md "Cases", "Errors"
 */
import type { SmpClient } from '../client/smp-client.ts';
import { fromHex } from '../core/bytes.ts';
import { elapsedMs, nowNs } from '../core/clock.ts';
import type { TraceEntry, TraceLog } from '../core/trace.ts';
import { caseJournalFromEnv, type CaseJournalHandle, traceEvidenceSource } from '../reporting/case-journal.ts';
import { describedRequirement, type CaseContext, type CaseInfo } from './declaration.ts';
import { CaseBrokenError, CaseCrashError, CaseUnsupportedSignal, ConformanceAssertionError, isResponseTimeout } from './errors.ts';
import { createFixtures } from './fixtures.ts';
import { exchangeRaw } from './raw-exchange.ts';
import { judgesWhatArrived, lwm2mBrokenReason, unsupportedReason } from './gating.ts';
import { EVIDENCE_LIMIT, toEvidence, type ConformanceMeta, type Level } from './meta.ts';
import { classifyEnding, type Verdict } from './outcome.ts';
import { acquireSession, type CaseCrashWatch, type CaseLwm2mSide, type CaseSession } from './session-port.ts';
import { annotateFrame } from './verifiers/describe.ts';
import { createVerifiers, type CaseRecorder } from './verifiers/expect.ts';

/**
 * What runs a case: vitest's test context fits it, and so does the run's own runner. `skip`
 * throws (the case ends skipped with the note); `signal` aborts when the run gives up on the case.
 */
export interface CaseHost {
  annotate(message: string, type?: string): unknown;
  skip(note: string): never;
  readonly signal: AbortSignal;
}

/** A case body with the context it gets (example cases run `run`, properties their loop). */
export type CaseBody = (ctx: CaseContext, recorder: CaseRecorder) => Promise<void>;

/** `doc §section`, as failure messages and summary.json cite a spec. */
export function specText(info: CaseInfo): string {
  return `${info.spec.doc} §${info.spec.section}`;
}

/** Seed of a case: the run seed mixed with the case id, so cases differ but replay together. */
export function caseSeed(runSeed: number, caseId: string): number {
  let h = runSeed >>> 0;
  for (let i = 0; i < caseId.length; i++) h = Math.imul(h ^ caseId.charCodeAt(i), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

function smpOf(session: CaseSession): SmpClient {
  if (!session.smp) throw new CaseBrokenError(`target ${session.targetName} has no SMP client`);
  return session.smp;
}

function lwm2mOf(session: CaseSession, info: Pick<CaseInfo, 'judgesRegisterRequests' | 'judgesDtlsHandshakes' | 'judgesBootstrap'>): CaseLwm2mSide {
  const side = session.lwm2m;
  if (!side) throw new CaseBrokenError(`target ${session.targetName} has no LwM2M side (no lwm2m block in targets.json)`);
  if (side.unreachable !== undefined && !judgesWhatArrived(side, info)) throw new CaseBrokenError(side.unreachable);
  return side;
}

/** Where a case's evidence comes from: the LwM2M server's CoAP trace for LwM2M cases, else the session's. */
function evidenceTrace(protocol: ConformanceMeta['protocol'], session: CaseSession): TraceLog {
  const side = protocol === 'SMP' ? undefined : session.lwm2m;
  return side ? side.server.trace : session.trace;
}

/** The context a case body gets. */
export function createCaseContext(info: CaseInfo, session: CaseSession, recorder: CaseRecorder, signal: AbortSignal): CaseContext {
  const seed = caseSeed(session.seed, info.id);
  const scope = { caseId: info.id, spec: specText(info), smpVersions: session.smpVersions };
  const link = {
    smp: () => smpOf(session),
    hasEcho: session.capability('smp.os.echo').present,
    hasParams: session.capability('smp.os.params').present,
    responseMs: session.timeouts.responseMs,
    silenceMs: session.timeouts.silenceMs,
    awaitReady: (timeoutMs?: number) => session.awaitReady(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(session.alive ? { alive: session.alive.bind(session) } : {}),
  };
  return {
    caseId: info.id,
    get smp() {
      return smpOf(session);
    },
    get lwm2m() {
      return lwm2mOf(session, info);
    },
    session,
    expect: createVerifiers(scope, link, recorder),
    fixtures: createFixtures(seed, info.id),
    seed,
    transport: session.transportKind,
    exchange: (bytes, options) => exchangeRaw(smpOf(session), bytes, options),
    mark: (label) => session.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: 'mark', decoded: label }),
    log: (message) => recorder.notes.push(message),
    skip: (reason) => {
      throw new CaseUnsupportedSignal(reason);
    },
    signal,
  };
}

/** The metadata a case starts with (before it runs: outcome `broken`, "not run"). */
export function initialMeta(info: CaseInfo, suite: { id: string; protocol: ConformanceMeta['protocol']; feature: string }, kind: ConformanceMeta['kind'], url: string): ConformanceMeta {
  return {
    schema: 1,
    id: info.id,
    title: info.title,
    level: info.level,
    spec: { doc: info.spec.doc, section: info.spec.section, url },
    stimulus: info.stimulus,
    requirement: describedRequirement(info),
    requires: [...info.requires],
    suite: suite.id,
    protocol: suite.protocol,
    feature: suite.feature,
    story: info.story,
    destructive: info.destructive === true,
    kind,
    outcome: 'broken',
    message: 'not run',
    warnings: [],
    durationMs: 0,
    target: '',
    transport: '',
    strict: false,
    evidence: [],
    evidenceDropped: 0,
  };
}

/**
 * A required answer that never came, stated as the device defect it is; when packets did arrive
 * that matched no request (wrong seq, op, group), the first one is the offending frame.
 */
export function explainTimeout(e: Error, info: CaseInfo, entries: readonly TraceEntry[], protocol: ConformanceMeta['protocol'] = 'SMP'): ConformanceAssertionError {
  if (protocol !== 'SMP') {
    // CoAP: the endpoint retransmitted a CON until it gave up, or waited out a separate response.
    return new ConformanceAssertionError({ caseId: info.id, spec: specText(info), check: 'reply', expected: ['an ACK or a response echoing the request token'], actual: e.message });
  }
  const stray = entries.filter((x) => x.direction === 'in' && x.note === 'unmatched');
  const first = stray[0];
  const actual = first ? `${e.message}; ${stray.length} packet(s) arrived that answer no request` : e.message;
  return new ConformanceAssertionError({
    caseId: info.id,
    spec: specText(info),
    check: 'reply',
    expected: ['an answer matching the request (response op, group, id and seq echoed)'],
    actual,
    ...(first ? { frame: annotateFrame(fromHex(first.hex)) } : {}),
  });
}

/** Make the verdict happen in the host: annotate, then return, skip or throw. */
async function enact(verdict: Verdict, vctx: CaseHost, recorder: CaseRecorder): Promise<void> {
  for (const w of recorder.warnings) await vctx.annotate(w, 'warning');
  for (const n of recorder.notes) await vctx.annotate(n, 'notice');
  if (verdict.outcome === 'nonStrict' || verdict.outcome === 'informational') await vctx.annotate(`${verdict.outcome}: ${verdict.message}`, verdict.outcome);
  if (verdict.skipReason !== undefined) vctx.skip(verdict.skipReason);
  if (verdict.error) throw verdict.error;
}

/** Thrown inside the case runner when the device is dead: the case is not run. */
class CaseBlockedSignal extends Error {
  constructor(readonly deadSince: string) {
    super(`device dead since ${deadSince}`);
  }
}

/** A case not run because the device is dead: it ends `blocked`, naming the case that killed it. */
/**
 * The case body, or a broken ending as soon as the crash watch sees the device die: a body waiting
 * for a notification from a dead device would otherwise run into the test timeout. The body's own
 * late ending is dropped.
 */
async function untilDeviceDies(run: Promise<void>, watch: CaseSession['crashWatch']): Promise<void> {
  if (!watch) return run;
  run.catch(() => undefined);
  await Promise.race([
    run,
    watch.death.then((cause) => {
      throw new CaseBrokenError(`the device died: ${cause}`);
    }),
  ]);
}

async function enactBlocked(meta: ConformanceMeta, vctx: CaseHost, deadSince: string, startNs: bigint): Promise<void> {
  meta.outcome = 'blocked';
  meta.message = `device dead since ${deadSince}`;
  meta.durationMs = elapsedMs(startNs);
  vctx.skip(meta.message);
}

/**
 * After the body: did the device die during the case? A crash replaces the verdict (the case's
 * own failure was the device dying), with the crash record for the reports.
 */
async function crashVerdict(watch: CaseCrashWatch | undefined, info: CaseInfo, verdict: Verdict, meta: ConformanceMeta): Promise<Verdict> {
  if (!watch || verdict.outcome === 'unsupported') return verdict;
  const suspect = verdict.outcome === 'fail' || verdict.outcome === 'broken';
  const crash = await watch.settle(info.id, suspect);
  if (!crash) return verdict;
  meta.crash = crash.record;
  const was = verdict.outcome === 'pass' ? '' : ` (the case itself ended ${verdict.outcome}: ${verdict.message})`;
  const message = `${crash.message}${was}`;
  return { outcome: 'crash', message, error: new CaseCrashError(message) };
}

/**
 * Stream the case's evidence to the run's case journal while it runs (when the run keeps one), so
 * a case the run never sees finish keeps what it had sent and received.
 */
function journalCase(id: string, trace: TraceLog, mark: number): CaseJournalHandle | undefined {
  const convert = (entries: readonly TraceEntry[]) => toEvidence(entries, Number.POSITIVE_INFINITY).evidence;
  return caseJournalFromEnv()?.begin(id, Date.now(), EVIDENCE_LIMIT, traceEvidenceSource(trace, mark, convert, EVIDENCE_LIMIT));
}

/**
 * The body, or a broken ending once `timeoutMs` has passed (the body's signal is aborted then):
 * the case keeps the evidence it had reached, which a timeout enforced from outside would lose.
 */
async function withinTimeout(run: (signal: AbortSignal) => Promise<void>, outer: AbortSignal, timeoutMs: number | undefined): Promise<void> {
  if (timeoutMs === undefined) return run(outer);
  const own = new AbortController();
  const signal = AbortSignal.any([outer, own.signal]);
  let timer: NodeJS.Timeout | undefined;
  const body = run(signal);
  body.catch(() => undefined);
  try {
    await Promise.race([
      body,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          own.abort();
          reject(new CaseBrokenError(`the case did not finish within its timeout of ${timeoutMs / 1000} s`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run a case body under the kit; `meta` is the case's metadata (vitest: `task.meta.conformance`).
 * `timeoutMs`: the case ends broken after this long, with its evidence so far.
 */
export async function runCase(info: CaseInfo, level: Level, meta: ConformanceMeta, vctx: CaseHost, body: CaseBody, timeoutMs?: number): Promise<void> {
  let startNs = nowNs();
  const recorder: CaseRecorder = { warnings: [], notes: [] };
  let session: CaseSession | undefined;
  let mark: number | undefined;
  let error: unknown;
  let watching = false;
  let journal: CaseJournalHandle | undefined;
  try {
    session = await acquireSession();
    // The first case of a run waits here for the device to start and register (the session's
    // time, reported as its registration figure): the case's duration starts after it.
    startNs = nowNs();
    meta.target = session.targetName;
    meta.transport = session.transportKind;
    meta.strict = session.isStrict;
    const deadSince = session.crashWatch?.deadSince;
    if (deadSince !== undefined) throw new CaseBlockedSignal(deadSince);
    const broken = lwm2mBrokenReason(meta.protocol, info, session);
    if (broken !== undefined) throw new CaseBrokenError(broken);
    const reason = unsupportedReason(info, session);
    if (reason !== undefined) throw new CaseUnsupportedSignal(reason);
    mark = evidenceTrace(meta.protocol, session).mark();
    journal = journalCase(info.id, evidenceTrace(meta.protocol, session), mark);
    // Stays if the test times out before a verdict: vitest reports the timeout, the meta says why.
    meta.message = 'did not finish (test timeout or run cancelled)';
    const watch = session.crashWatch;
    watch?.begin();
    watching = true;
    const open = session;
    await withinTimeout((signal) => untilDeviceDies(body(createCaseContext(info, open, recorder, signal), recorder), watch), vctx.signal, timeoutMs);
  } catch (e) {
    error = e;
  }
  journal?.end();
  // Outside the try: vitest's skip throws, and a blocked case must not become broken.
  if (error instanceof CaseBlockedSignal) return enactBlocked(meta, vctx, error.deadSince, startNs);
  const entries = session && mark !== undefined ? evidenceTrace(meta.protocol, session).since(mark) : [];
  if (isResponseTimeout(error)) error = explainTimeout(error, info, entries, meta.protocol);
  const ending = classifyEnding({ caseId: info.id, spec: specText(info), level, isStrict: session?.isStrict ?? false, error, ...recorder });
  const verdict = watching ? await crashVerdict(session?.crashWatch, info, ending, meta) : ending;
  if (session && mark !== undefined) {
    const { evidence, dropped } = toEvidence(entries);
    meta.evidence = evidence;
    meta.evidenceDropped = dropped;
  }
  meta.outcome = verdict.outcome;
  meta.message = verdict.message;
  meta.warnings = [...recorder.warnings, ...recorder.notes];
  meta.durationMs = elapsedMs(startNs);
  await enact(verdict, vctx, recorder);
}
