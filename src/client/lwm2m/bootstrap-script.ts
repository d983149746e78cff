/**
 * The bootstrap a session runs when its target bootstraps: the harness, as Bootstrap-Server,
 * answers the device's Bootstrap-Request and then walks the bootstrap interface once, in an order
 * where every step can be judged on its own — Discover `/`, Bootstrap-Read of the Server and
 * Security objects (1.1), a Bootstrap-Finish before any DM server account exists (1.1: 4.06),
 * Write of a throw-away account, Delete of `/0` and of `/` with a Discover after each, then Write
 * of the harness's DM server account and the final Finish. Every step is recorded (code, payload,
 * or why it went unanswered) for the LWM2M-BS cases to judge; a step that fails does not stop
 * the walk unless the bootstrap can no longer go on.
 * @see docs/spec/lwm2m.md §2.2 (bootstrap mapping), §2.3, §4.1, §4.2, §5
 */
import type { Lwm2mBootstrapServer } from '../lwm2m-bootstrap-server.ts';
import type { BootstrapOperationKind, Lwm2mBootstrapSession } from './bootstrap-operations.ts';
import type { BootstrapRequestRecord } from './bootstrap-request.ts';
import type { Lwm2mResponse } from './dm-response.ts';

/** Names of the walk's steps, in the order they run. */
export type BootstrapScriptStepName =
  | 'discover-root' | 'read-server' | 'read-security' | 'finish-unusable'
  | 'write-stale-security' | 'write-stale-server' | 'delete-security' | 'discover-security'
  | 'delete-root' | 'discover-after-delete' | 'write-security' | 'write-server' | 'finish';

/** One recorded step. */
export interface BootstrapScriptStep {
  name: BootstrapScriptStepName;
  operation: BootstrapOperationKind;
  path: string;
  /** Response code, `RST`, or undefined when nothing came back within the step's bound. */
  code: string | undefined;
  /** Response payload as text (link format of a Discover), '' when none. */
  payloadText: string;
  /** The full response when one came. */
  response: Lwm2mResponse<unknown> | undefined;
  /** Why the step has no response (timeout, transport error). */
  problem: string | undefined;
  atMs: number;
}

/** What the session's bootstrap did. */
export interface SessionBootstrapRecord {
  /** `coap://HOST:PORT` of the harness's bootstrap server. */
  bootstrapUri: string;
  /** The DM server account the final writes named. */
  dmServerUri: string;
  shortServerId: number;
  /** Every Bootstrap-Request received, accepted or refused (live: later ones are added). */
  requests: readonly BootstrapRequestRecord[];
  /** Enabler version the client announced in its Discover answer (`</>;lwm2m=1.1`), else from `pct`. */
  version: '1.0' | '1.1' | undefined;
  steps: BootstrapScriptStep[];
  /** Why the walk stopped before the final Finish, when it did. */
  stoppedEarly: string | undefined;
  /** When the final Finish was answered 2.04 (or sent, when unanswered). */
  finishedAtMs: number | undefined;
}

/** How to run the walk. */
export interface BootstrapScriptOptions {
  endpoint: string;
  /** The harness's DM server the final writes point the client at. */
  dmServerUri: string;
  /** Lifetime written into the Server instance, seconds. */
  lifetimeS: number;
  /** How long to wait for the Bootstrap-Request. */
  requestTimeoutMs: number;
  /** Bound on one operation (a CON the client never answers is abandoned after it). */
  operationTimeoutMs: number;
}

/** Short Server ID of the account the walk writes, and of the throw-away one it deletes again. */
export const BOOTSTRAP_DM_SSID = 1;
const STALE_SSID = 9;
/** A loopback URI nobody serves: the throw-away account is deleted before Finish. */
const STALE_URI = 'coap://127.0.0.1:9';

/** The 1.x version a Discover answer's root link carries. */
export function discoveredVersion(payloadText: string): '1.0' | '1.1' | undefined {
  const m = /<\/>[^,]*;lwm2m="?(1\.[01])"?/.exec(payloadText);
  return m ? (m[1] as '1.0' | '1.1') : undefined;
}

async function bounded<T>(work: Promise<T>, ms: number): Promise<{ value: T } | { problem: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ problem: string }>((r) => (timer = setTimeout(() => r({ problem: `no answer within ${ms} ms` }), ms)));
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

/** Run the walk against the first Bootstrap-Request of `options.endpoint` (or the first refused one). */
export async function runBootstrapScript(bs: Lwm2mBootstrapServer, options: BootstrapScriptOptions): Promise<SessionBootstrapRecord> {
  const record: SessionBootstrapRecord = {
    bootstrapUri: bs.uri, dmServerUri: options.dmServerUri, shortServerId: BOOTSTRAP_DM_SSID, requests: bs.requests,
    version: undefined, steps: [], stoppedEarly: undefined, finishedAtMs: undefined,
  };
  let session = await awaitRequest(bs, options, record);
  if (session === undefined) return record;
  const step = async (name: BootstrapScriptStepName, operation: BootstrapOperationKind, path: string, run: (s: Lwm2mBootstrapSession) => Promise<Lwm2mResponse<unknown>>): Promise<BootstrapScriptStep> => {
    const atMs = Date.now();
    const got = await bounded(run(session!), options.operationTimeoutMs);
    const response = 'value' in got ? got.value : undefined;
    const s: BootstrapScriptStep = {
      name, operation, path, atMs, response, problem: 'problem' in got ? got.problem : undefined,
      code: response === undefined ? undefined : (response.code ?? 'RST'),
      payloadText: response === undefined ? '' : new TextDecoder().decode(response.payload),
    };
    record.steps.push(s);
    return s;
  };
  const root = await step('discover-root', 'discover', '/', (s) => bs.discover(s, '/'));
  record.version = discoveredVersion(root.payloadText) ?? (session.request.preferredFormat !== undefined ? '1.1' : undefined);
  if (record.version === '1.1') {
    await step('read-server', 'read', '/1', (s) => bs.read(s, '/1'));
    await step('read-security', 'read', '/0', (s) => bs.read(s, '/0'));
    const early = await step('finish-unusable', 'finish', '/bs', (s) => bs.finish(s));
    // A client that accepted an unusable configuration left bootstrap: go on with its next request.
    if (early.code === '2.04') {
      session = await awaitRequest(bs, options, record, session);
      if (session === undefined) return record;
    }
  }
  await step('write-stale-security', 'write', '/0/1', (s) => bs.writeSecurity(s, 1, { serverUri: STALE_URI, mode: 'nosec', shortServerId: STALE_SSID }));
  await step('write-stale-server', 'write', '/1/0', (s) => bs.writeServer(s, 0, { shortServerId: STALE_SSID, lifetimeS: options.lifetimeS }));
  await step('delete-security', 'delete', '/0', (s) => bs.delete(s, '/0'));
  await step('discover-security', 'discover', '/0', (s) => bs.discover(s, '/0'));
  await step('delete-root', 'delete', '/', (s) => bs.delete(s, '/'));
  await step('discover-after-delete', 'discover', '/', (s) => bs.discover(s, '/'));
  await step('write-security', 'write', '/0/1', (s) => bs.writeSecurity(s, 1, { serverUri: options.dmServerUri, mode: 'nosec', shortServerId: BOOTSTRAP_DM_SSID }));
  await step('write-server', 'write', '/1/0', (s) => bs.writeServer(s, 0, { shortServerId: BOOTSTRAP_DM_SSID, lifetimeS: options.lifetimeS, binding: 'U' }));
  const finish = await step('finish', 'finish', '/bs', (s) => bs.finish(s));
  record.finishedAtMs = finish.atMs;
  return record;
}

/** The endpoint's next accepted session (after `previous`); undefined, with the reason recorded, when none comes or a request is refused. */
async function awaitRequest(bs: Lwm2mBootstrapServer, options: BootstrapScriptOptions, record: SessionBootstrapRecord, previous?: Lwm2mBootstrapSession): Promise<Lwm2mBootstrapSession | undefined> {
  const isNew = (s: Lwm2mBootstrapSession): boolean => s !== previous && s.endpoint === options.endpoint && s.finishCode === undefined;
  const seen = bs.sessions.find(isNew);
  if (seen) return seen;
  const refusedBefore = bs.requests.filter((r) => r.answered !== '2.04').length;
  const got = await bounded(
    bs.waitForEvent((e): e is Extract<typeof e, { kind: 'bootstrap-request' | 'bootstrap-refused' }> => (e.kind === 'bootstrap-request' && isNew(e.session)) || e.kind === 'bootstrap-refused', options.requestTimeoutMs, options.endpoint, 'bootstrap request'),
    options.requestTimeoutMs + 100,
  );
  if ('problem' in got) {
    const refused = bs.requests.slice(0).filter((r) => r.answered !== '2.04');
    record.stoppedEarly = refused.length > refusedBefore ? `its Bootstrap-Request was refused with ${refused.at(-1)!.answered}` : `no Bootstrap-Request from ${options.endpoint} within ${options.requestTimeoutMs} ms`;
    return undefined;
  }
  if (got.value.kind === 'bootstrap-refused') {
    record.stoppedEarly = `its Bootstrap-Request was refused with ${got.value.request.answered} (${got.value.request.findings.join('; ') || 'no finding'})`;
    return undefined;
  }
  return got.value.session;
}
