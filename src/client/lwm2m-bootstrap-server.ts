/**
 * The harness as LwM2M Bootstrap-Server on one CoAP/UDP endpoint (its own, or shared with an
 * `Lwm2mServer`): answers client-initiated Bootstrap-Requests (POST /bs?ep=…[&pct=…]) with
 * 2.04, keeps one session per request, and drives the bootstrap sequence the harness scripts
 * — Discover, Read, Write of Security and Server instances, Delete, Finish — recording every
 * step. A plan can provision every requesting client automatically (delete, write the DM server
 * account, finish).
 * @see docs/spec/lwm2m.md §2.3, §2.2 (bootstrap mapping), §4.1, §4.2, §6.1 (ETS int-0…int-9)
 */
import { CoapMethod } from '../codec/coap/codes.ts';
import { ContentFormat } from '../codec/coap/content-format.ts';
import type { ValueFormat } from '../codec/lwm2m/content.ts';
import type { Lwm2mRecord } from '../codec/lwm2m/types.ts';
import type { TraceLog } from '../core/trace.ts';
import type { DatagramPeer } from '../core/transport.ts';
import { BootstrapTimeoutError } from '../errors.ts';
import { CoapEndpoint, type CoapEndpointOptions } from './coap-endpoint.ts';
import type { CoapIncomingRequest, CoapResponseSpec } from './coap/router.ts';
import { securityRecords, serverRecords, type SecurityAccount, type ServerAccount } from './lwm2m/bootstrap-config.ts';
import { BootstrapOperations, type BootstrapOperationOptions, type BootstrapStep, type Lwm2mBootstrapSession } from './lwm2m/bootstrap-operations.ts';
import { judgeBootstrapRequest, type BootstrapRequestRecord } from './lwm2m/bootstrap-request.ts';
import type { Lwm2mBody } from './lwm2m/device-management.ts';
import type { DiscoveredLink, Lwm2mResponse } from './lwm2m/dm-response.ts';
import { listenBind } from './lwm2m/listen-uri.ts';

/** What to provision: deletes first, then Security and Server instances, then Finish. */
export interface BootstrapPlan {
  /** Bootstrap-Delete paths sent first (default `['/']`). */
  deletes?: readonly string[];
  security: readonly { iid: number; account: SecurityAccount }[];
  servers: readonly { iid: number; account: ServerAccount }[];
  /** Format of the writes (default: the client's `pct` when the harness encodes it, else TLV). */
  format?: ValueFormat;
  /** Send Bootstrap-Finish at the end (default true). */
  finish?: boolean;
}

/** The outcome of running a plan. */
export interface BootstrapProvisioning {
  /** Every operation answered 2.xx and Finish 2.04. */
  ok: boolean;
  /** The step that stopped the plan (a non-2.xx answer or an RST), when one did. */
  failedAt: BootstrapStep | undefined;
  /** Operation that threw (timeout, closed endpoint), when one did. */
  error: string | undefined;
}

/** Bootstrap server events. */
export type Lwm2mBootstrapEvent =
  | { kind: 'bootstrap-request'; session: Lwm2mBootstrapSession }
  | { kind: 'bootstrap-refused'; request: BootstrapRequestRecord }
  | { kind: 'provisioned'; session: Lwm2mBootstrapSession; result: BootstrapProvisioning };

/** Options of an `Lwm2mBootstrapServer`. */
export interface Lwm2mBootstrapServerOptions {
  /** Provision every accepted request with this plan (or the plan a function picks; undefined = leave it to the caller). */
  autoProvision?: BootstrapPlan | ((session: Lwm2mBootstrapSession) => BootstrapPlan | undefined);
}

/** Formats the harness writes in when the client prefers them. */
const WRITABLE_FORMATS: readonly number[] = [ContentFormat.LWM2M_TLV, ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON, ContentFormat.LWM2M_CBOR];

/** A plan writing one DM server account: Security `/0/1` (NoSec or PSK) and Server `/1/0`. */
export function dmServerPlan(serverUri: string, options: Partial<ServerAccount> & Omit<Partial<SecurityAccount>, 'serverUri' | 'bootstrapServer'> & { securityIid?: number; serverIid?: number } = {}): BootstrapPlan {
  const shortServerId = options.shortServerId ?? 1;
  const security: SecurityAccount = { serverUri, mode: options.mode ?? 'nosec', shortServerId, ...(options.pskIdentity === undefined ? {} : { pskIdentity: options.pskIdentity }), ...(options.pskKey === undefined ? {} : { pskKey: options.pskKey }) };
  const server: ServerAccount = { shortServerId, lifetimeS: options.lifetimeS ?? 86400, binding: options.binding ?? 'U', ...(options.defaultPminS === undefined ? {} : { defaultPminS: options.defaultPminS }), ...(options.defaultPmaxS === undefined ? {} : { defaultPmaxS: options.defaultPmaxS }) };
  return { security: [{ iid: options.securityIid ?? 1, account: security }], servers: [{ iid: options.serverIid ?? 0, account: server }] };
}

/** The bootstrap server. It closes its endpoint only when it opened it. */
export class Lwm2mBootstrapServer {
  readonly coap: CoapEndpoint;
  /** Every Bootstrap-Request, accepted or refused, in arrival order. */
  readonly requests: BootstrapRequestRecord[] = [];
  /** Every session (one per accepted request), in arrival order. */
  readonly sessions: Lwm2mBootstrapSession[] = [];
  readonly #ops: BootstrapOperations;
  readonly #listeners = new Set<(e: Lwm2mBootstrapEvent) => void>();
  readonly #ownsEndpoint: boolean;
  readonly #autoProvision: Lwm2mBootstrapServerOptions['autoProvision'];
  readonly #unroute: () => void;

  constructor(coap: CoapEndpoint, options: Lwm2mBootstrapServerOptions & { ownsEndpoint?: boolean } = {}) {
    this.coap = coap;
    this.#ops = new BootstrapOperations(coap);
    this.#ownsEndpoint = options.ownsEndpoint ?? false;
    this.#autoProvision = options.autoProvision;
    this.#unroute = coap.handle({ path: ['bs'], methods: [CoapMethod.POST] }, (request) => this.#onRequest(request));
  }

  /** Bind a UDP socket (`port` 0 = ephemeral) and serve /bs on it. */
  static async open(bind: { host?: string; port: number }, options: Lwm2mBootstrapServerOptions & CoapEndpointOptions = {}): Promise<Lwm2mBootstrapServer> {
    return new Lwm2mBootstrapServer(await CoapEndpoint.open(bind, options), { ...options, ownsEndpoint: true });
  }

  /** Listen on `coap://HOST[:PORT]`; ConnectionStringError for a bad URI. */
  static async listen(uri: string, options: Lwm2mBootstrapServerOptions & CoapEndpointOptions = {}): Promise<Lwm2mBootstrapServer> {
    return Lwm2mBootstrapServer.open(listenBind(uri, options), options);
  }

  /** The bound address. */
  address(): DatagramPeer {
    return this.coap.address();
  }

  /** `coap://HOST:PORT` (`coaps://` over DTLS) of this server (what a client's bootstrap account names). */
  get uri(): string {
    const { address, port } = this.address();
    return `${this.coap.scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Every datagram in and out, timestamped. */
  get trace(): TraceLog {
    return this.coap.trace;
  }

  /** Follow events; returns the function that stops following. */
  onEvent(listener: (e: Lwm2mBootstrapEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The endpoint's latest session that has not finished yet (undefined when none). */
  pending(endpoint: string): Lwm2mBootstrapSession | undefined {
    const latest = [...this.sessions].reverse().find((s) => s.endpoint === endpoint);
    return latest && latest.finishCode !== '2.04' ? latest : undefined;
  }

  /**
   * The endpoint's unfinished session, waiting up to `timeoutMs` for its Bootstrap-Request.
   * Rejects with BootstrapTimeoutError ("no bootstrap request from NAME within N s").
   */
  waitForBootstrapRequest(endpoint: string, timeoutMs: number): Promise<Lwm2mBootstrapSession> {
    const pending = this.pending(endpoint);
    if (pending) return Promise.resolve(pending);
    return this.waitForEvent((e): e is Extract<Lwm2mBootstrapEvent, { kind: 'bootstrap-request' }> => e.kind === 'bootstrap-request' && e.session.endpoint === endpoint, timeoutMs, endpoint, 'bootstrap request').then((e) => e.session);
  }

  /** The next event matching `accept` within `timeoutMs` (rejects with BootstrapTimeoutError naming `what`). */
  waitForEvent<E extends Lwm2mBootstrapEvent>(accept: (e: Lwm2mBootstrapEvent) => e is E, timeoutMs: number, endpoint: string, what: string): Promise<E> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new BootstrapTimeoutError(endpoint, timeoutMs, what));
      }, timeoutMs);
      const stop = this.onEvent((e) => {
        if (!accept(e)) return;
        clearTimeout(timer);
        stop();
        resolve(e);
      });
    });
  }

  /** Bootstrap-Discover (GET Accept 40) of `/` or an object. */
  discover(session: Lwm2mBootstrapSession, path = '/', options?: BootstrapOperationOptions): Promise<Lwm2mResponse<DiscoveredLink[]>> {
    return this.#ops.discover(session, path, options);
  }

  /** Bootstrap-Read (1.1) of a Server or Access Control object or instance. */
  read(session: Lwm2mBootstrapSession, path: string, options?: BootstrapOperationOptions & { accept?: number }): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    return this.#ops.read(session, path, options);
  }

  /** Bootstrap-Write of records (or raw bytes, malformed on purpose). */
  write(session: Lwm2mBootstrapSession, path: string, body: Lwm2mBody, options?: BootstrapOperationOptions & { blockSzx?: number }): Promise<Lwm2mResponse<undefined>> {
    return this.#ops.write(session, path, body, options);
  }

  /** Bootstrap-Write of Security instance `/0/iid`. */
  writeSecurity(session: Lwm2mBootstrapSession, iid: number, account: SecurityAccount, options: BootstrapOperationOptions & { format?: ValueFormat } = {}): Promise<Lwm2mResponse<undefined>> {
    return this.#ops.write(session, `/0/${iid}`, { format: options.format ?? writeFormat(session), records: securityRecords(iid, account) }, options);
  }

  /** Bootstrap-Write of Server instance `/1/iid`. */
  writeServer(session: Lwm2mBootstrapSession, iid: number, account: ServerAccount, options: BootstrapOperationOptions & { format?: ValueFormat } = {}): Promise<Lwm2mResponse<undefined>> {
    return this.#ops.write(session, `/1/${iid}`, { format: options.format ?? writeFormat(session), records: serverRecords(iid, account) }, options);
  }

  /** Bootstrap-Delete of `/`, an object or an instance. */
  delete(session: Lwm2mBootstrapSession, path = '/', options?: BootstrapOperationOptions): Promise<Lwm2mResponse<undefined>> {
    return this.#ops.delete(session, path, options);
  }

  /** Bootstrap-Finish (POST /bs). */
  finish(session: Lwm2mBootstrapSession, options?: BootstrapOperationOptions): Promise<Lwm2mResponse<undefined>> {
    return this.#ops.finish(session, options);
  }

  /** Run a plan: deletes, Security writes, Server writes, Finish; stops at the first refusal. */
  async provision(session: Lwm2mBootstrapSession, plan: BootstrapPlan, options: BootstrapOperationOptions = {}): Promise<BootstrapProvisioning> {
    const format = plan.format ?? writeFormat(session);
    const steps: (() => Promise<Lwm2mResponse<unknown>>)[] = [
      ...(plan.deletes ?? ['/']).map((p) => () => this.delete(session, p, options)),
      ...plan.security.map((s) => () => this.writeSecurity(session, s.iid, s.account, { ...options, format })),
      ...plan.servers.map((s) => () => this.writeServer(session, s.iid, s.account, { ...options, format })),
      ...(plan.finish === false ? [] : [() => this.finish(session, options)]),
    ];
    try {
      for (const step of steps) {
        const r = await step();
        if (r.code === undefined || !r.code.startsWith('2.')) return { ok: false, failedAt: session.steps.at(-1), error: undefined };
      }
    } catch (e) {
      return { ok: false, failedAt: undefined, error: e instanceof Error ? e.message : String(e) };
    }
    return { ok: plan.finish === false || session.finishCode === '2.04', failedAt: undefined, error: undefined };
  }

  /** Stop serving /bs; closes the endpoint when this server opened it. Safe to call twice. */
  async close(): Promise<void> {
    this.#unroute();
    this.#listeners.clear();
    if (this.#ownsEndpoint) await this.coap.close();
  }

  #onRequest(request: CoapIncomingRequest): CoapResponseSpec {
    // `/bs` itself only: deeper paths are not a bootstrap interface resource.
    if (request.path.length !== 1) return { code: '4.04' };
    const judged = judgeBootstrapRequest(request.query);
    const record: BootstrapRequestRecord = {
      endpoint: judged.endpoint, preferredFormat: judged.preferredFormat, query: request.query, peer: request.peer,
      atMs: Date.now(), atNs: request.atNs, message: request.message, bytes: request.bytes, answered: judged.code, findings: judged.findings,
    };
    this.requests.push(record);
    if (judged.code !== '2.04' || judged.endpoint === undefined) {
      this.#emit({ kind: 'bootstrap-refused', request: record });
      return { code: judged.code };
    }
    const session: Lwm2mBootstrapSession = { endpoint: judged.endpoint, peer: request.peer, request: record, steps: [], finishCode: undefined };
    this.sessions.push(session);
    this.#emit({ kind: 'bootstrap-request', session });
    const plan = typeof this.#autoProvision === 'function' ? this.#autoProvision(session) : this.#autoProvision;
    // Operations start once the 2.04 is on its way (the emit and this run after the reply).
    if (plan) setImmediate(() => void this.provision(session, plan).then((result) => this.#emit({ kind: 'provisioned', session, result })));
    return { code: '2.04' };
  }

  /** Deliver after the current answer is sent, so a listener's requests do not overtake it. */
  #emit(event: Lwm2mBootstrapEvent): void {
    setImmediate(() => {
      for (const l of [...this.#listeners]) {
        try {
          l(event);
        } catch {
          // A listener's failure must not stop the server from answering.
        }
      }
    });
  }
}

/** The format writes use for a session: the client's `pct` when the harness encodes it, else TLV. */
export function writeFormat(session: Lwm2mBootstrapSession): ValueFormat {
  const pct = session.request.preferredFormat;
  return pct !== undefined && WRITABLE_FORMATS.includes(pct) ? (pct as ValueFormat) : ContentFormat.LWM2M_TLV;
}

export { securityRecords, serverRecords, SecurityMode, type SecurityAccount, type ServerAccount } from './lwm2m/bootstrap-config.ts';
export type { BootstrapOperationKind, BootstrapOperationOptions, BootstrapStep, Lwm2mBootstrapSession } from './lwm2m/bootstrap-operations.ts';
export { judgeBootstrapRequest, type BootstrapRequestRecord, type BootstrapRequestJudgement } from './lwm2m/bootstrap-request.ts';
