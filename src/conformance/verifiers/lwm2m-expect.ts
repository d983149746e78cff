/**
 * The LwM2M and CoAP verifiers a case gets on `ctx.expect`, bound to the case's scope.
 * @see docs/spec/lwm2m.md §1, §2, §3, §5
 */
import type { DiscoveredLink, Lwm2mResponse } from '../../client/lwm2m-server.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { Lwm2mRecord, Lwm2mValue } from '../../codec/lwm2m/types.ts';
import { coapCode, tokenEchoed, type CoapAnswer } from './coap-verifiers.ts';
import { discoverLink, linkSet, lwm2mContent, lwm2mTypes, lwm2mValue, recordAt, timing, type Lwm2mEvidence, type TimingWindow } from './lwm2m-verifiers.ts';
import type { VerifierScope } from './scope.ts';

/** LwM2M/CoAP checks on `ctx.expect`. */
export interface Lwm2mVerifiers {
  /** The response code is `accepted` (or one of them); returns it. Fails quoting code, options, payload. */
  coapCode(rsp: CoapAnswer, accepted: string | readonly string[]): string;
  /** The response echoes the request token. */
  coapToken(rsp: CoapAnswer): void;
  /** A 2.05 whose payload decodes in its Content-Format; returns the decoded payload. */
  lwm2mContent<T>(rsp: Lwm2mResponse<T>): T;
  /** Every value typed as the object definitions say (`versions`: object id → announced version). */
  lwm2mTypes(records: readonly Lwm2mRecord[], versions?: ReadonlyMap<number, string>): readonly Lwm2mRecord[];
  /** The record at a path (fails when absent). */
  lwm2mRecord(records: readonly Lwm2mRecord[], path: Lwm2mPath): Lwm2mRecord;
  /** The record at a path holds the value. */
  lwm2mValue(records: readonly Lwm2mRecord[], path: Lwm2mPath, expected: Lwm2mValue): void;
  /** Link targets as a set: `present` listed, `absent` not (order free). */
  linkSet(links: readonly { target: string }[], expected: { present?: readonly string[]; absent?: readonly string[] }, check?: string): void;
  /** The Discover link of a target. */
  discoverLink(links: readonly DiscoveredLink[], target: string): DiscoveredLink;
  /** A measured time within a window; the figure and its deviation are kept as evidence. */
  timing(what: string, measuredMs: number, window: TimingWindow): number;
}

/** Bind the LwM2M verifiers to a case. */
export function createLwm2mVerifiers(scope: VerifierScope, evidence: Lwm2mEvidence): Lwm2mVerifiers {
  return {
    coapCode: (rsp, accepted) => coapCode(scope, rsp, accepted),
    coapToken: (rsp) => tokenEchoed(scope, rsp),
    lwm2mContent: (rsp) => lwm2mContent(scope, rsp),
    lwm2mTypes: (records, versions) => lwm2mTypes(scope, evidence, records, versions),
    lwm2mRecord: (records, path) => recordAt(scope, records, path),
    lwm2mValue: (records, path, expected) => lwm2mValue(scope, records, path, expected),
    linkSet: (links, expected, check) => linkSet(scope, links, expected, check),
    discoverLink: (links, target) => discoverLink(scope, links, target),
    timing: (what, measuredMs, window) => timing(scope, evidence, what, measuredMs, window),
  };
}

export type { CoapAnswer, TimingWindow };
