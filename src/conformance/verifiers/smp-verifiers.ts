/**
 * Verifiers for SMP replies: the header shape (op, version, echoed group/seq/id, length field),
 * success with typed fields, and error replies in the form the request version calls for.
 * Each takes the list of acceptable outcomes and prints Expected / Actual on failure.
 * @see docs/spec/smp.md §1.3, §1.4, §2.2, §2.3
 */
import type { ReceivedPacket, SmpReply } from '../../client/smp-client.ts';
import { concatBytes } from '../../core/bytes.ts';
import { errGroupProblem } from './smp-err-group.ts';
import { translateGroupErrToV1 } from '../../codec/smp/group-errors.ts';
import { encodeSmpHeader, responseOpFor, type SmpHeader } from '../../codec/smp/header.ts';
import type { SmpResponseBody } from '../../codec/smp/message.ts';
import { annotateFrame, describeBody, describeGroupErr, describeRc } from './describe.ts';
import { expectedResponseVersion, failCheck, type VerifierScope } from './scope.ts';
import { checkedResponse, type SmpOk } from './field-checks.ts';

/** The reply bytes as they arrived (header re-encoded verbatim from its decoded fields). */
export function replyBytes(reply: Pick<SmpReply<unknown>, 'header' | 'payload'>): Uint8Array {
  return concatBytes(encodeSmpHeader(reply.header), reply.payload);
}

/** Header problems of a reply to `request`, as `field: expected x, got y` lines. */
export function shapeProblems(scope: VerifierScope, request: SmpHeader, header: SmpHeader, payloadBytes: number, body: SmpResponseBody | undefined): string[] {
  const p: string[] = [];
  const want = (name: string, expected: number, actual: number): void => {
    if (expected !== actual) p.push(`${name}: expected ${expected}, got ${actual}`);
  };
  want('op', responseOpFor(request.op), header.op);
  want('version', expectedResponseVersion(scope, request.version), header.version);
  want('reserved bits', 0, header.reserved);
  want('group', request.group, header.group);
  want('seq', request.seq, header.seq);
  want('id', request.id, header.id);
  want('length field', payloadBytes, header.length);
  if (body?.kind === 'malformed') p.push(`body: ${body.reason}`);
  return p;
}

/** The shape a conforming reply to `request` has, as one line. */
function shapeExpected(scope: VerifierScope, request: SmpHeader): string {
  return (
    `reply header op ${responseOpFor(request.op)}, version ${expectedResponseVersion(scope, request.version)}, group ${request.group}, ` +
    `seq ${request.seq}, id ${request.id}, length field = payload bytes, body one CBOR map`
  );
}

/** Check the reply's header and framing; returns the reply for chaining. */
export function smpShape<R extends SmpReply<unknown>>(scope: VerifierScope, reply: R): R {
  const problems = shapeProblems(scope, reply.requestHeader, reply.header, reply.payload.length, reply.body);
  if (problems.length > 0) {
    failCheck(scope, { check: 'reply shape', expected: [shapeExpected(scope, reply.requestHeader)], actual: problems.join('\n'), frame: annotateFrame(replyBytes(reply)) });
  }
  return reply;
}

/** Check a raw received packet against the request header it answers. */
export function packetShape(scope: VerifierScope, packet: ReceivedPacket, request: SmpHeader): ReceivedPacket {
  const expected = [shapeExpected(scope, request)];
  if (!packet.header) failCheck(scope, { check: 'reply shape', expected, actual: `${packet.bytes.length} bytes, no SMP header`, frame: annotateFrame(packet.bytes) });
  const problems = shapeProblems(scope, request, packet.header, packet.bytes.length - 8, packet.body);
  if (problems.length > 0) failCheck(scope, { check: 'reply shape', expected, actual: problems.join('\n'), frame: annotateFrame(packet.bytes) });
  return packet;
}

/** A success reply with a conforming header and the fields the spec defines. */
export function smpOk<Rsp>(scope: VerifierScope, reply: SmpReply<Rsp>): SmpOk<Rsp> {
  smpShape(scope, reply);
  const frame = (): string => annotateFrame(replyBytes(reply));
  const body = reply.body;
  if (body.kind !== 'ok') failCheck(scope, { expected: ['a success response (no "rc" other than 0, no "err")'], actual: describeBody(body), frame: frame() });
  const decoded = reply.decoded;
  if (decoded === undefined) failCheck(scope, { expected: ['a decodable success body'], actual: describeBody(body), frame: frame() });
  if (!decoded.ok) {
    const lines = decoded.error.map((f) => `${f.field}: expected ${f.expected}, got ${f.actual}`);
    failCheck(scope, { check: 'response fields', expected: ['the response fields the spec defines, with their types'], actual: lines.join('\n'), frame: frame() });
  }
  return checkedResponse(scope, decoded.value.value, body.rsp, frame);
}

/** One acceptable error outcome. */
export type ErrExpectation =
  /** An SMP-level error in top-level `rc` (same under v1 and v2). */
  | { rc: number | readonly number[] }
  /** A group error: `err {group, rc}` answering v2; its v1 translation (default: Zephyr's table) answering v1. */
  | { v2: { group: number; rc: number }; v1?: number | readonly number[] };

/** What `mgmtErr` matched. */
export interface MatchedErr {
  /** Index in the list of acceptable outcomes. */
  index: number;
  body: Extract<SmpResponseBody, { kind: 'errV1' | 'errV2' }>;
}

function list(x: number | readonly number[]): readonly number[] {
  return typeof x === 'number' ? [x] : x;
}

/** Does `body` match `e` for a request answered in the v2 (true) or v1 form? */
function errMatches(e: ErrExpectation, body: SmpResponseBody, isV2: boolean): boolean {
  if ('rc' in e) return body.kind === 'errV1' && list(e.rc).includes(body.rc);
  if (isV2) return body.kind === 'errV2' && body.group === e.v2.group && body.rc === e.v2.rc;
  const v1 = e.v1 ?? translateGroupErrToV1(e.v2.group, e.v2.rc);
  return body.kind === 'errV1' && list(v1).includes(body.rc);
}

/** The text of one acceptable outcome in the form that applies. */
function errText(e: ErrExpectation, isV2: boolean): string {
  if ('rc' in e) return list(e.rc).map(describeRc).join(' or ');
  if (isV2) return describeGroupErr(e.v2.group, e.v2.rc);
  return list(e.v1 ?? translateGroupErrToV1(e.v2.group, e.v2.rc)).map(describeRc).join(' or ');
}

/** An error reply matching one of the acceptable outcomes, in the form the request version calls for. */
export function mgmtErr(scope: VerifierScope, reply: SmpReply<unknown>, accepted: ErrExpectation | readonly ErrExpectation[]): MatchedErr {
  smpShape(scope, reply);
  const all: readonly ErrExpectation[] = Array.isArray(accepted) ? accepted : [accepted as ErrExpectation];
  const isV2 = expectedResponseVersion(scope, reply.requestHeader.version) === 1;
  const groupProblem = reply.body.kind === 'errV2' ? errGroupProblem(reply.requestHeader.group, reply.body) : undefined;
  if (groupProblem !== undefined) {
    failCheck(scope, { check: 'err.group', expected: [`err.group ${reply.requestHeader.group}, the request's group`], actual: groupProblem, frame: annotateFrame(replyBytes(reply)) });
  }
  const index = all.findIndex((e) => errMatches(e, reply.body, isV2));
  const body = reply.body;
  if (index < 0 || (body.kind !== 'errV1' && body.kind !== 'errV2')) {
    failCheck(scope, { expected: all.map((e) => errText(e, isV2)), actual: describeBody(body), frame: annotateFrame(replyBytes(reply)) });
  }
  return { index, body };
}
