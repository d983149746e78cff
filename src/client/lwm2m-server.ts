/**
 * The harness as LwM2M server on one CoAP/UDP endpoint: the registration interface (`/rd`),
 * Send (`/dp`), device management and observation towards registered clients, and the waits
 * a suite needs (a registration, a re-registration, any server event). Every datagram is in
 * the endpoint's trace with its timestamp.
 * @see docs/spec/lwm2m.md §2, §5, §8
 */
import { CoapMethod } from '../codec/coap/codes.ts';
import { uintOptionValue } from '../codec/coap/access.ts';
import { ContentFormat } from '../codec/coap/content-format.ts';
import { CoapOption } from '../codec/coap/options.ts';
import type { Lwm2mPath } from '../codec/lwm2m/path.ts';
import { compositeRequestRecords } from '../codec/lwm2m/senml.ts';
import { encodeSenmlCbor } from '../codec/lwm2m/senml-cbor.ts';
import { encodeSenmlJson } from '../codec/lwm2m/senml-json.ts';
import type { AttributeChange } from '../codec/lwm2m/attributes.ts';
import type { Lwm2mRecord } from '../codec/lwm2m/types.ts';
import type { TraceLog } from '../core/trace.ts';
import type { DatagramPeer } from '../core/transport.ts';
import { NotRegisteredError, RegistrationTimeoutError } from '../errors.ts';
import { CoapEndpoint, type CoapEndpointOptions } from './coap-endpoint.ts';
import { DeviceManagement, type Lwm2mBody, type Lwm2mOperationOptions, type Lwm2mReadOptions, type Lwm2mWriteOptions } from './lwm2m/device-management.ts';
import type { DiscoveredLink, Lwm2mResponse } from './lwm2m/dm-response.ts';
import { registrationTypeOf, resolvePath, type Lwm2mPathInput, type Lwm2mTarget } from './lwm2m/dm-target.ts';
import { Lwm2mObservation } from './lwm2m/observation.ts';
import type { Lwm2mRegistration, Lwm2mSendReport, Lwm2mServerEvent, RegistrationFinding, RegistrationHistoryEntry } from './lwm2m/registration-types.ts';
import { RegistrationRegistry, type RegistryOptions } from './lwm2m/registry.ts';
import { judgeSend } from './lwm2m/send.ts';
import { listenBind } from './lwm2m/listen-uri.ts';

/** Options of an `Lwm2mServer`. */
export interface Lwm2mServerOptions extends CoapEndpointOptions, RegistryOptions {}

/** The LwM2M server. It owns its endpoint and closes it. */
export class Lwm2mServer {
  readonly coap: CoapEndpoint;
  readonly registry: RegistrationRegistry;
  /** Send reports (POST /dp), in arrival order. */
  readonly sends: Lwm2mSendReport[] = [];
  readonly #dm: DeviceManagement;

  constructor(coap: CoapEndpoint, options: RegistryOptions = {}) {
    this.coap = coap;
    this.registry = new RegistrationRegistry(options);
    this.#dm = new DeviceManagement(coap);
    coap.handle({ path: [this.registry.rdPath] }, (request) => this.registry.handle(request));
    coap.handle({ path: ['dp'], methods: [CoapMethod.POST] }, (request) => {
      const report = judgeSend(request, this.registry.byPeer(request.peer));
      this.sends.push(report);
      this.registry.emit({ kind: 'send', report });
      return { code: report.answered };
    });
  }

  /** Bind a UDP socket (`port` 0 = ephemeral; LwM2M's default is 5683) and serve on it. */
  static async open(bind: { host?: string; port: number }, options: Lwm2mServerOptions = {}): Promise<Lwm2mServer> {
    return new Lwm2mServer(await CoapEndpoint.open(bind, options), options);
  }

  /** Listen on `coap://HOST[:PORT]` (port 5683 when omitted) or, with `dtls`, `coaps://HOST[:PORT]` (5684); ConnectionStringError for a bad URI. */
  static async listen(uri: string, options: Lwm2mServerOptions = {}): Promise<Lwm2mServer> {
    return Lwm2mServer.open(listenBind(uri, options), options);
  }

  /** The bound address. */
  address(): DatagramPeer {
    return this.coap.address();
  }

  /** Every datagram in and out, timestamped (case evidence). */
  get trace(): TraceLog {
    return this.coap.trace;
  }

  /** Register/Update/De-register messages and expiries, in order. */
  get history(): readonly RegistrationHistoryEntry[] {
    return this.registry.history;
  }

  /** Rule breaks found in registration traffic. */
  get findings(): readonly RegistrationFinding[] {
    return this.registry.findings;
  }

  /** The active registration of an endpoint. */
  registration(endpoint: string): Lwm2mRegistration | undefined {
    return this.registry.active(endpoint);
  }

  /** Registers accepted from an endpoint (2 or more: it registered again, e.g. after a reboot). */
  registerCount(endpoint: string): number {
    return this.registry.registerCounts.get(endpoint) ?? 0;
  }

  /** Follow server events; returns the function that stops following. */
  onEvent(listener: (e: Lwm2mServerEvent) => void): () => void {
    return this.registry.onEvent(listener);
  }

  /** Answer the endpoint's next `count` Updates with 4.04 (the registration is forgotten). */
  refuseNextUpdates(endpoint: string, count = 1): void {
    this.registry.refuseNextUpdates(endpoint, count);
  }

  /** Forget the endpoint's registration; its next Update gets 4.04. False when none was active. */
  deleteRegistration(endpoint: string): boolean {
    return this.registry.remove(endpoint);
  }

  /**
   * The endpoint's active registration, waiting up to `timeoutMs` for one. Registrations of
   * other endpoints are answered but do not end the wait. Rejects with RegistrationTimeoutError
   * ("no registration from NAME within N s").
   */
  waitForRegistration(endpoint: string, timeoutMs: number): Promise<Lwm2mRegistration> {
    const active = this.registry.active(endpoint);
    if (active) return Promise.resolve(active);
    return this.#waitRegistered(endpoint, timeoutMs, 'registration');
  }

  /** A Register from the endpoint arriving after this call (a re-registration), within `timeoutMs`. */
  waitForNewRegistration(endpoint: string, timeoutMs: number): Promise<Lwm2mRegistration> {
    return this.#waitRegistered(endpoint, timeoutMs, 'new registration');
  }

  /** The next event matching `accept`, within `timeoutMs` (rejects with RegistrationTimeoutError naming `what`). */
  waitForEvent<E extends Lwm2mServerEvent>(accept: (e: Lwm2mServerEvent) => e is E, timeoutMs: number, endpoint: string, what: string): Promise<E> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new RegistrationTimeoutError(endpoint, timeoutMs, what));
      }, timeoutMs);
      const stop = this.registry.onEvent((e) => {
        if (!accept(e)) return;
        clearTimeout(timer);
        stop();
        resolve(e);
      });
    });
  }

  /** Read a path (Accept optional). */
  async read(target: Lwm2mTarget, path: Lwm2mPathInput, options?: Lwm2mReadOptions): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    return await this.#dm.read(this.target(target), path, options);
  }

  /** Discover a path (Accept 40). */
  async discover(target: Lwm2mTarget, path: Lwm2mPathInput, options?: Lwm2mOperationOptions): Promise<Lwm2mResponse<DiscoveredLink[]>> {
    return await this.#dm.discover(this.target(target), path, options);
  }

  /** Write replace (PUT), or partial update (POST) with `options.partial`. */
  async write(target: Lwm2mTarget, path: Lwm2mPathInput, body: Lwm2mBody, options?: Lwm2mWriteOptions): Promise<Lwm2mResponse<undefined>> {
    return await this.#dm.write(this.target(target), path, body, options);
  }

  /** Write-Attributes (PUT with Uri-Query). */
  async writeAttributes(target: Lwm2mTarget, path: Lwm2mPathInput, attributes: readonly AttributeChange[] | readonly string[], options?: Lwm2mOperationOptions): Promise<Lwm2mResponse<undefined>> {
    return await this.#dm.writeAttributes(this.target(target), path, attributes, options);
  }

  /** Execute (POST on a resource) with optional arguments. */
  async execute(target: Lwm2mTarget, path: Lwm2mPathInput, args?: string, options?: Lwm2mOperationOptions): Promise<Lwm2mResponse<undefined>> {
    return await this.#dm.execute(this.target(target), path, args, options);
  }

  /** Create an instance (POST on an object); decoded: the new instance path. */
  async create(target: Lwm2mTarget, path: Lwm2mPathInput, body?: Lwm2mBody, options?: Lwm2mWriteOptions): Promise<Lwm2mResponse<Lwm2mPath>> {
    return await this.#dm.create(this.target(target), path, body, options);
  }

  /** Delete an instance. */
  async delete(target: Lwm2mTarget, path: Lwm2mPathInput, options?: Lwm2mOperationOptions): Promise<Lwm2mResponse<undefined>> {
    return await this.#dm.delete(this.target(target), path, options);
  }

  /** Read-Composite (1.1, FETCH). */
  async readComposite(target: Lwm2mTarget, paths: readonly Lwm2mPath[], options?: Lwm2mOperationOptions & { format?: 110 | 112; accept?: number }): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    return await this.#dm.readComposite(this.target(target), paths, options);
  }

  /** Write-Composite (1.1, iPATCH). */
  async writeComposite(target: Lwm2mTarget, body: Lwm2mBody, options?: Lwm2mWriteOptions): Promise<Lwm2mResponse<undefined>> {
    return await this.#dm.writeComposite(this.target(target), body, options);
  }

  /** Observe a path (GET, Observe 0, Accept optional); resolves once the client answers. */
  async observe(target: Lwm2mTarget, path: Lwm2mPathInput, options: Lwm2mReadOptions = {}): Promise<Lwm2mObservation> {
    const r = this.target(target);
    const resolved = resolvePath(r, path);
    const opts = [...(options.accept === undefined ? [] : [uintOptionValue(CoapOption.ACCEPT, options.accept)]), ...(options.extraOptions ?? [])];
    const coap = await this.coap.observe(r.peer, { method: CoapMethod.GET, path: resolved.segments, options: opts }, options);
    return new Lwm2mObservation(coap, resolved.path ?? [], registrationTypeOf(r));
  }

  /** Observe-Composite (1.1): FETCH with Observe 0 and a SenML list of paths. */
  async observeComposite(target: Lwm2mTarget, paths: readonly Lwm2mPath[], options: Lwm2mOperationOptions & { format?: 110 | 112 } = {}): Promise<Lwm2mObservation> {
    const r = this.target(target);
    const format = options.format ?? ContentFormat.SENML_CBOR;
    const records = compositeRequestRecords(paths);
    const payload = format === ContentFormat.SENML_JSON ? encodeSenmlJson(records) : encodeSenmlCbor(records);
    const opts = [uintOptionValue(CoapOption.CONTENT_FORMAT, format), uintOptionValue(CoapOption.ACCEPT, format), ...(options.extraOptions ?? [])];
    const coap = await this.coap.observe(r.peer, { method: CoapMethod.FETCH, path: resolvePath(r, []).segments, options: opts, payload }, options);
    return new Lwm2mObservation(coap, [], registrationTypeOf(r));
  }

  /** The active registration a target names (throws NotRegisteredError when there is none; operations reject with it). */
  target(target: Lwm2mTarget): Lwm2mRegistration {
    const endpoint = typeof target === 'string' ? target : target.endpoint;
    const active = this.registry.active(endpoint);
    if (!active) throw new NotRegisteredError(endpoint);
    return active;
  }

  /** Stop lifetime timers and close the socket. Safe to call twice. */
  async close(): Promise<void> {
    this.registry.close();
    await this.coap.close();
  }

  #waitRegistered(endpoint: string, timeoutMs: number, what: string): Promise<Lwm2mRegistration> {
    const isMine = (e: Lwm2mServerEvent): e is Extract<Lwm2mServerEvent, { kind: 'registered' }> => e.kind === 'registered' && e.registration.endpoint === endpoint;
    return this.waitForEvent(isMine, timeoutMs, endpoint, what).then((e) => e.registration);
  }
}

export type { Lwm2mBody, Lwm2mOperationOptions, Lwm2mReadOptions, Lwm2mWriteOptions } from './lwm2m/device-management.ts';
export type { DiscoveredLink, Lwm2mDecoded, Lwm2mPayloadProblem, Lwm2mResponse } from './lwm2m/dm-response.ts';
export type { Lwm2mPathInput, Lwm2mTarget } from './lwm2m/dm-target.ts';
export type { Lwm2mRegistration, Lwm2mSendReport, Lwm2mServerEvent, RegistrationFinding, RegistrationHistoryEntry } from './lwm2m/registration-types.ts';
export { Lwm2mObservation, type Lwm2mNotification } from './lwm2m/observation.ts';
export { parseListenUri, DEFAULT_COAP_PORT } from './lwm2m/listen-uri.ts';
