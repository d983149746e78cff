/**
 * `ctx.expect`: the verifiers bound to one case (its id and spec clause go into every message),
 * plus checks that need the link: silence, the device still alive afterwards, alternatives, and
 * SHOULD-level warnings.
 * @see docs/architecture.md "A conformance case"
 */
import type { ReceivedPacket, SmpClient, SmpReply } from '../../client/smp-client.ts';
import { smpRequest } from '../../codec/smp/command.ts';
import type { SmpHeader } from '../../codec/smp/header.ts';
import { osCommands } from '../../codec/smp/groups/os.ts';
import { isAssertionFailure, isResponseTimeout, isTransportFailure, type AssertionDetails } from '../errors.ts';
import { annotateFrame, describeBody } from './describe.ts';
import type { SmpOk } from './field-checks.ts';
import { createLwm2mVerifiers, type Lwm2mVerifiers } from './lwm2m-expect.ts';
import { failCheck, type VerifierScope } from './scope.ts';
import { mgmtErr, packetShape, smpOk, smpShape, type ErrExpectation, type MatchedErr } from './smp-verifiers.ts';

/** Where a case's warnings and notes go (the kit turns them into outcome and annotations). */
export interface CaseRecorder {
  /** SHOULD-level findings: the case is non-strict (or fails in strict mode). */
  readonly warnings: string[];
  /** Recorded behaviour (informational), no effect on the outcome. */
  readonly notes: string[];
  /** Set by `expect.informational`: why the case has nothing to judge on this target. */
  informational?: string | undefined;
}

/** What the link-level checks need. */
export interface VerifierLink {
  smp: () => SmpClient;
  /** The device answers echo (else `alive` uses MCUmgr params, else it cannot check). */
  hasEcho: boolean;
  hasParams: boolean;
  responseMs: number;
  silenceMs: number;
  /** Wait until the device answers again (the session's `awaitReady`). */
  awaitReady: (timeoutMs?: number) => Promise<number>;
  /** The session's liveness check over every protocol driver; when absent, SMP echo/params here. */
  alive?: () => Promise<{ kind: 'alive' } | { kind: 'dead'; expected: string; actual: string } | { kind: 'unchecked'; reason: string }>;
}

/** The verifiers a case body uses as `ctx.expect`. */
export interface Verifiers extends Lwm2mVerifiers {
  /** A success reply with a conforming header and spec-defined fields; chain `.field(name)` checks. */
  smpOk<Rsp>(reply: SmpReply<Rsp>): SmpOk<Rsp>;
  /** An error reply matching one of the acceptable outcomes, in the form the request version calls for. */
  mgmtErr(reply: SmpReply<unknown>, accepted: ErrExpectation | readonly ErrExpectation[]): MatchedErr;
  /** Only the header and framing: response op, version, echoed group/seq/id, length field, CBOR map body. */
  smpShape<R extends SmpReply<unknown>>(reply: R): R;
  /** Header and framing of a raw received packet against the request header it answers. */
  packetShape(packet: ReceivedPacket, request: SmpHeader): ReceivedPacket;
  /** No packet arrives within `waitMs` (after running `send`, when given). */
  silence(waitMs?: number, options?: { send?: () => Promise<unknown>; match?: (p: ReceivedPacket) => boolean }): Promise<void>;
  /** The device still answers a harmless request: the state afterwards, judged on its own. */
  alive(): Promise<void>;
  /** The device answers again within `timeoutMs` (after a reset); resolves with the ms it took. */
  ready(timeoutMs?: number): Promise<number>;
  /** Passes when one alternative passes; fails listing every alternative's expectation. */
  oneOf<A extends ReadonlyArray<() => unknown>>(alternatives: A): Promise<{ index: number; value: Awaited<ReturnType<A[number]>> }>;
  /** A SHOULD-level check: false records a warning (non-strict), the case goes on. */
  warn(condition: boolean, message: string): boolean;
  /** Record observed behaviour (informational). */
  note(message: string): void;
  /**
   * The target sets nothing to judge this case against (no timing budget): the case records its
   * figures and ends informational, whatever its level, unless a check fails.
   */
  informational(reason: string): void;
  /** A MUST-level check of anything the other verifiers do not cover. */
  that(condition: boolean, what: { expected: string; actual: string; check?: string; frame?: Uint8Array }): void;
}

let aliveCounter = 0;

/** Record a note unless the case already has it (property runs repeat the same finding). */
function noteOnce(recorder: CaseRecorder, note: string): void {
  if (!recorder.notes.includes(note)) recorder.notes.push(note);
}

/** Build the verifiers for one case. */
export function createVerifiers(scope: VerifierScope, link: VerifierLink, recorder: CaseRecorder): Verifiers {
  return {
    ...createLwm2mVerifiers(scope, { note: (m) => noteOnce(recorder, m) }),
    smpOk(reply) {
      const ok = smpOk(scope, reply);
      const extra = reply.decoded?.ok ? reply.decoded.value.unknownFields : [];
      // Tolerant but reporting: fields the spec does not define are recorded, once per case.
      if (extra.length > 0) noteOnce(recorder, `reply to group ${reply.requestHeader.group} id ${reply.requestHeader.id} has fields the spec does not define: ${extra.join(', ')}`);
      return ok;
    },
    mgmtErr: (reply, accepted) => mgmtErr(scope, reply, accepted),
    smpShape: (reply) => smpShape(scope, reply),
    packetShape: (packet, request) => packetShape(scope, packet, request),
    silence: (waitMs, options) => silence(scope, link, waitMs ?? link.silenceMs, options ?? {}),
    alive: () => alive(scope, link, recorder),
    ready: (timeoutMs) => ready(scope, link, timeoutMs),
    oneOf: <A extends ReadonlyArray<() => unknown>>(alternatives: A) =>
      oneOf(scope, alternatives) as Promise<{ index: number; value: Awaited<ReturnType<A[number]>> }>,
    warn(condition, message) {
      if (!condition) recorder.warnings.push(message);
      return condition;
    },
    note(message) {
      recorder.notes.push(message);
    },
    informational(reason) {
      recorder.informational = reason;
    },
    that(condition, what) {
      if (condition) return;
      const d: Omit<AssertionDetails, 'caseId' | 'spec'> = { expected: [what.expected], actual: what.actual };
      if (what.check !== undefined) d.check = what.check;
      if (what.frame !== undefined) d.frame = annotateFrame(what.frame);
      failCheck(scope, d);
    },
  };
}

async function silence(
  scope: VerifierScope,
  link: VerifierLink,
  waitMs: number,
  options: { send?: () => Promise<unknown>; match?: (p: ReceivedPacket) => boolean },
): Promise<void> {
  const smp = link.smp();
  const collecting = smp.collect(options.match ? { waitMs, match: options.match } : { waitMs });
  if (options.send) await options.send();
  const got = await collecting;
  const first = got[0];
  if (first) {
    const actual = `${got.length} packet(s), the first: ${describeBody(first.body)}`;
    failCheck(scope, { check: 'silence', expected: [`no answer within ${waitMs} ms`], actual, frame: annotateFrame(first.bytes) });
  }
}

async function alive(scope: VerifierScope, link: VerifierLink, recorder: CaseRecorder): Promise<void> {
  const check = 'state afterwards';
  if (link.alive) {
    const r = await link.alive();
    if (r.kind === 'dead') failCheck(scope, { check, escalate: true, expected: [r.expected], actual: r.actual });
    if (r.kind === 'unchecked') recorder.notes.push(`state afterwards not checked: ${r.reason}`);
    return;
  }
  const smp = link.smp();
  const d = `alive-${++aliveCounter}`;
  try {
    if (link.hasEcho) {
      const reply = await smp.request(smpRequest(osCommands.echo, { d }), { timeoutMs: link.responseMs });
      const body = reply.body;
      if (body.kind !== 'ok' || body.rsp['r'] !== d) {
        failCheck(scope, { check, escalate: true, expected: [`echo answered with "r": "${d}"`], actual: describeBody(body) });
      }
    } else if (link.hasParams) {
      const reply = await smp.request(smpRequest(osCommands.mcumgrParams, {}), { timeoutMs: link.responseMs });
      if (reply.body.kind !== 'ok') failCheck(scope, { check, escalate: true, expected: ['MCUmgr params answered'], actual: describeBody(reply.body) });
    } else {
      recorder.notes.push('state afterwards not checked: the target has neither echo nor MCUmgr params');
    }
  } catch (e) {
    if (!isResponseTimeout(e)) throw e;
    failCheck(scope, { check, escalate: true, expected: ['the device still answers after the case'], actual: `no answer within ${e.timeoutMs} ms` });
  }
}

async function ready(scope: VerifierScope, link: VerifierLink, timeoutMs: number | undefined): Promise<number> {
  try {
    return await link.awaitReady(timeoutMs);
  } catch (e) {
    if (!isTransportFailure(e) || !/no answer/.test(e.message)) throw e;
    failCheck(scope, { check: 'state afterwards', escalate: true, expected: ['the device answers again'], actual: e.message });
  }
}

async function oneOf(scope: VerifierScope, alternatives: ReadonlyArray<() => unknown>): Promise<{ index: number; value: unknown }> {
  const misses: AssertionDetails[] = [];
  for (const [index, alternative] of alternatives.entries()) {
    try {
      return { index, value: await alternative() };
    } catch (e) {
      if (!isAssertionFailure(e) || e.details.escalate) throw e;
      misses.push(e.details);
    }
  }
  const first = misses[0];
  const d: Omit<AssertionDetails, 'caseId' | 'spec'> = {
    expected: misses.flatMap((m) => m.expected),
    actual: first ? first.actual : 'no alternative given',
  };
  if (first?.frame !== undefined) d.frame = first.frame;
  failCheck(scope, d);
}
