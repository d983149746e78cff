/**
 * How suites declare cases, and the checks every declaration passes at registration: a stable
 * UPPER-KEBAB id, a level, a spec reference into the pinned registry, capability names.
 * @see docs/architecture.md "A conformance case", "Naming"
 */
import type * as fc from 'fast-check';
import type { SmpClient, SmpReply } from '../client/smp-client.ts';
import { CaseDeclarationError } from './errors.ts';
import type { Fixtures } from './fixtures.ts';
import type { RawExchangeOptions } from './raw-exchange.ts';
import { LEVELS, type Level, type Protocol } from './meta.ts';
import type { CaseLwm2mSide, CaseSession } from './session-port.ts';
import { isSpecDocKey, type SpecDocKey } from './spec-registry.ts';
import type { Verifiers } from './verifiers/expect.ts';

/** A suite: one feature of one protocol (`smp/os`). */
export interface SuiteInfo {
  /** `smp/os`, `lwm2m/registration`: lower-case, slash-separated. */
  id: string;
  protocol: Protocol;
  /** Allure feature: SMP group or LwM2M interface. */
  feature: string;
  title: string;
}

/** Transport kinds a case can be limited to. */
export type TransportKind = 'udp' | 'serial' | 'memory';

/** What every case declares, example-based or property-based. */
export interface CaseInfo {
  /** Stable, never reused: `SMP-OS-ECHO-001`. */
  id: string;
  /** The expected behaviour, as a statement. */
  title: string;
  level: Level;
  /**
   * The cited document and section; `quote` is the sentence of the protocol text the requirement
   * rests on, verbatim (checked against the digest for `smp-digest` citations).
   */
  spec: { doc: SpecDocKey; section: string; quote?: string };
  /**
   * Why the level is below MUST when no protocol sentence requires the behaviour (the harness's
   * own expectation, or one implementation's choice); shown with the requirement in every report.
   */
  levelNote?: string;
  /** What the case sends. */
  stimulus: string;
  /** What the spec requires of the answer or the state afterwards. */
  requirement: string;
  /** Capabilities the target must have (`smp.os.echo`); without them the case is unsupported. */
  requires: readonly string[];
  /** The command, for Allure's story (`echo`). */
  story: string;
  /** Changes device state beyond the case (reset, erase): runs only where the target allows it. */
  destructive?: boolean;
  /** Only over these transports; elsewhere unsupported. */
  transports?: readonly TransportKind[];
  /** Test timeout (default: the project's). */
  timeoutMs?: number;
  /**
   * LwM2M: the case judges only the Register requests the client sent (their query and payload),
   * so it runs even when the server refused them and no registration exists — a client whose
   * Register is malformed must fail the case that names the rule, not end every case broken.
   */
  judgesRegisterRequests?: boolean;
  /**
   * LwM2M over DTLS: the case judges the DTLS handshakes the client attempted, so it runs even
   * when none completed and no Register arrived (a wrong key fails the case that names it).
   */
  judgesDtlsHandshakes?: boolean;
  /**
   * LwM2M: the case judges only the session's bootstrap (`lwm2m.bootstrap`), so it runs even
   * when no registration followed it.
   */
  judgesBootstrap?: boolean;
}

/** What a case body gets. */
export interface CaseContext {
  readonly caseId: string;
  /** The target's SMP client (broken when the target has none). */
  readonly smp: SmpClient;
  /**
   * The target's LwM2M side: the harness's LwM2M server and the endpoint under test (broken when
   * the target has none, or when the endpoint never registered).
   */
  readonly lwm2m: CaseLwm2mSide;
  readonly session: CaseSession;
  readonly expect: Verifiers;
  readonly fixtures: Fixtures;
  /** Seed of this case's deterministic data. */
  readonly seed: number;
  /** `udp`, `serial`, `memory`. */
  readonly transport: string;
  /**
   * Send raw bytes that start with an SMP header (malformed on purpose) and get the reply to its
   * group/id/seq as an `SmpReply`, judged by the same verifiers as typed requests.
   */
  exchange<Rsp = unknown>(bytes: Uint8Array, options?: RawExchangeOptions<Rsp>): Promise<SmpReply<Rsp>>;
  /** Put a labelled mark in the evidence (shown between frames). */
  mark(label: string): void;
  /** Free text in the case's log (kept as a note in the report). */
  log(message: string): void;
  /** End the case as unsupported with the reason (feature found missing while running). */
  skip(reason: string): never;
  /** Aborted when the test times out. */
  readonly signal: AbortSignal;
}

/** An example-based case. */
export interface CaseDeclaration extends CaseInfo {
  run(ctx: CaseContext): Promise<void> | void;
}

/** Runs per transport kind; `default` applies to kinds not named (memory, udp6). */
export type NumRuns = number | { udp?: number; serial?: number; default?: number };

/** A property-based case: the predicate must hold for every generated value. */
export interface PropertyDeclaration<T> extends CaseInfo {
  /** Values to try; a function when it depends on the session (buffer size, capabilities). */
  arbitrary: fc.Arbitrary<T> | ((ctx: CaseContext) => fc.Arbitrary<T>);
  /** Throws (through `ctx.expect`) when the device answers `value` wrongly. */
  predicate(ctx: CaseContext, value: T): Promise<void> | void;
  numRuns: NumRuns;
  /** Check the device is alive after every this many runs (default 100 over UDP, 20 otherwise). */
  aliveEvery?: number;
  /** Shrink a failure to a smaller input (default false: against a device the first failure is the evidence). */
  shrink?: boolean;
}

const CASE_ID = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
const SUITE_ID = /^[a-z][a-z0-9]*(?:[/-][a-z0-9]+)*$/;
// `lwm2m` (registered) is a whole name; every other one is dotted (`smp.os.echo`, `lwm2m.obj.5`).
const CAPABILITY = /^(?:lwm2m|[a-z][a-z0-9]*(?:\.[a-z0-9][a-z0-9_-]*)+)$/;
const TRANSPORTS: readonly TransportKind[] = ['udp', 'serial', 'memory'];

function need(condition: boolean, where: string, message: string): void {
  if (!condition) throw new CaseDeclarationError(`${where}: ${message}`);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Check a suite header; throws `CaseDeclarationError`. */
export function validateSuiteInfo(info: SuiteInfo): void {
  const where = `suite ${JSON.stringify(info.id)}`;
  need(typeof info.id === 'string' && SUITE_ID.test(info.id), where, 'id must be lower-case words separated by "/" (smp/os)');
  need(['SMP', 'LwM2M', 'CoAP'].includes(info.protocol), where, `protocol ${JSON.stringify(info.protocol)} is not SMP, LwM2M or CoAP`);
  need(nonEmpty(info.feature), where, 'feature is empty');
  need(nonEmpty(info.title), where, 'title is empty');
}

/** Check a case declaration; throws `CaseDeclarationError` naming the case and the problem. */
export function validateCaseInfo(c: CaseInfo, suiteId: string): void {
  const where = `suite ${suiteId}, case ${JSON.stringify(c.id)}`;
  need(typeof c.id === 'string' && CASE_ID.test(c.id), where, 'id must be UPPER-KEBAB with a number (SMP-OS-ECHO-001)');
  need(nonEmpty(c.title), where, 'title is empty');
  need((LEVELS as readonly string[]).includes(c.level), where, `level ${JSON.stringify(c.level)} is not MUST, SHOULD or MAY`);
  need(typeof c.spec === 'object' && c.spec !== null, where, 'spec is missing');
  need(isSpecDocKey(c.spec.doc), where, `spec.doc ${JSON.stringify(c.spec.doc)} is not in the spec registry`);
  need(nonEmpty(c.spec.section), where, 'spec.section is empty');
  need(nonEmpty(c.stimulus), where, 'stimulus is empty');
  need(nonEmpty(c.requirement), where, 'requirement is empty');
  need(nonEmpty(c.story), where, 'story is empty');
  need(Array.isArray(c.requires), where, 'requires must be a list of capability names');
  for (const cap of c.requires) need(typeof cap === 'string' && CAPABILITY.test(cap), where, `capability ${JSON.stringify(cap)} is not a dotted lower-case name`);
  for (const t of c.transports ?? []) need(TRANSPORTS.includes(t), where, `transport ${JSON.stringify(t)} is not udp, serial or memory`);
  if (c.spec.quote !== undefined) need(nonEmpty(c.spec.quote), where, 'spec.quote is empty (give the sentence of the protocol text, or leave it out)');
  if (c.levelNote !== undefined) need(nonEmpty(c.levelNote), where, 'levelNote is empty');
  if (c.timeoutMs !== undefined) need(Number.isInteger(c.timeoutMs) && c.timeoutMs > 0, where, 'timeoutMs must be a positive integer');
}

/** Check the property-specific fields. */
export function validatePropertyInfo(p: PropertyDeclaration<unknown>, suiteId: string): void {
  const where = `suite ${suiteId}, property ${JSON.stringify(p.id)}`;
  need(typeof p.predicate === 'function', where, 'predicate is not a function');
  need(typeof p.arbitrary === 'object' || typeof p.arbitrary === 'function', where, 'arbitrary is missing');
  const counts = typeof p.numRuns === 'number' ? [p.numRuns] : Object.values(p.numRuns);
  need(counts.length > 0 && counts.every((n) => Number.isInteger(n) && n > 0), where, 'numRuns must be positive integers');
  if (p.aliveEvery !== undefined) need(Number.isInteger(p.aliveEvery) && p.aliveEvery > 0, where, 'aliveEvery must be a positive integer');
}

/**
 * The requirement as reports print it: the case's statement, the quoted protocol sentence it
 * rests on, and why its level is what it is when a note says so.
 */
export function describedRequirement(c: Pick<CaseInfo, 'requirement' | 'level' | 'spec' | 'levelNote'>): string {
  const parts = [c.requirement];
  if (c.spec.quote !== undefined) parts.push(`Text (${c.spec.doc}, ${c.spec.section}): "${c.spec.quote}"`);
  if (c.levelNote !== undefined) parts.push(`Level ${c.level}: ${c.levelNote}.`);
  return parts.join(' ');
}
