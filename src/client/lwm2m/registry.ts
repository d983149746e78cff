/**
 * The server's registration interface: answers Register (2.01 + Location-Path `rd/<id>`),
 * Update (2.04, 4.04 for an unknown registration) and De-register (2.02), keeps one record per
 * registration with its lifetime timer, and records every interface message with its answer.
 * @see docs/spec/lwm2m.md §2.4, §2.8, §8
 */
import { randomBytes } from 'node:crypto';
import { locationPathOptions } from '../../codec/coap/access.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import type { CoapIncomingRequest, CoapResponseSpec } from '../coap/router.ts';
import { DEFAULT_LIFETIME_S, isQueueMode, judgeRegister, judgeUpdate, type RegistrationJudgement } from './registration-rules.ts';
import type { Lwm2mRegistration, Lwm2mServerEvent, RegistrationFinding, RegistrationHistoryEntry, RegistrationMessageKind } from './registration-types.ts';

/** Settings of the registry. */
export interface RegistryOptions {
  /** Extra time after the lifetime before a registration counts as expired (default 0). */
  lifetimeGraceMs?: number;
  /** Root of the registration resource (default `rd`). */
  rdPath?: string;
  /**
   * Registration ids to hand out (default: a counter plus random hex). Lets a run reproduce
   * captured Location-Paths, or test long ones; an id reused for a new registration replaces the old record.
   */
  registrationId?: (endpoint: string, sequence: number) => string;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

const samePeer = (a: DatagramPeer, b: DatagramPeer): boolean => a.address === b.address && a.port === b.port;

/** Registrations, their history and findings. */
export class RegistrationRegistry {
  readonly history: RegistrationHistoryEntry[] = [];
  readonly findings: RegistrationFinding[] = [];
  /** Registers per endpoint name, counting re-registrations. */
  readonly registerCounts = new Map<string, number>();
  readonly #byId = new Map<string, Lwm2mRegistration>();
  readonly #active = new Map<string, Lwm2mRegistration>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #refuseUpdates = new Map<string, number>();
  readonly #listeners = new Set<(e: Lwm2mServerEvent) => void>();
  readonly #graceMs: number;
  readonly rdPath: string;
  readonly #newId: (endpoint: string, sequence: number) => string;
  #sequence = 0;

  constructor(options: RegistryOptions = {}) {
    this.#graceMs = options.lifetimeGraceMs ?? 0;
    this.rdPath = options.rdPath ?? 'rd';
    this.#newId = options.registrationId ?? ((_, sequence) => `${sequence.toString(36)}${randomBytes(3).toString('hex')}`);
  }

  /** Follow events; returns the function that stops following. */
  onEvent(listener: (e: Lwm2mServerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Deliver an event once the current answer is on its way: a suite that reacts to
   * `registered` by sending a request must not overtake the 2.01 the client is waiting for.
   */
  emit(event: Lwm2mServerEvent): void {
    setImmediate(() => this.#deliver(event));
  }

  #deliver(event: Lwm2mServerEvent): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch {
        // A listener's failure must not stop the server from answering.
      }
    }
  }

  /** The active registration of an endpoint. */
  active(endpoint: string): Lwm2mRegistration | undefined {
    return this.#active.get(endpoint);
  }

  /** Every active registration. */
  activeRegistrations(): Lwm2mRegistration[] {
    return [...this.#active.values()];
  }

  /** A registration by id (also ended ones). */
  byId(id: string): Lwm2mRegistration | undefined {
    return this.#byId.get(id);
  }

  /** The active registration whose client sends from `peer`. */
  byPeer(peer: DatagramPeer): Lwm2mRegistration | undefined {
    return [...this.#active.values()].find((r) => samePeer(r.peer, peer));
  }

  /** Answer the endpoint's next `count` Updates with 4.04, as if the registration were unknown. */
  refuseNextUpdates(endpoint: string, count = 1): void {
    this.#refuseUpdates.set(endpoint, (this.#refuseUpdates.get(endpoint) ?? 0) + count);
  }

  /** Forget a registration: its Updates get 4.04 from now on. Returns false when none was active. */
  remove(endpoint: string): boolean {
    const r = this.#active.get(endpoint);
    if (!r) return false;
    this.#end(r, 'removed');
    return true;
  }

  /** Stop every lifetime timer. */
  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** Handle a request under `/rd`. */
  handle(request: CoapIncomingRequest): CoapResponseSpec {
    const [, id, ...rest] = request.path;
    const method = request.message.code;
    if (id === undefined) {
      if (method === '0.02') return this.#register(request);
      return this.#record(request, 'register', undefined, '4.05', []);
    }
    if (rest.length > 0) return this.#record(request, method === '0.04' ? 'deregister' : 'update', undefined, '4.04', []);
    if (method === '0.02') return this.#update(request, id);
    if (method === '0.04') return this.#deregister(request, id);
    return this.#record(request, 'update', this.#byId.get(id), '4.05', []);
  }

  #register(request: CoapIncomingRequest): CoapResponseSpec {
    const judged = judgeRegister(request.message, request.query);
    const endpoint = judged.params.endpoint;
    if (judged.code || !endpoint || !judged.content || !judged.links) return this.#record(request, 'register', endpoint, judged.code ?? '4.00', this.#findings(judged, endpoint));
    const previous = this.#active.get(endpoint);
    if (previous) this.#end(previous, 'replaced');
    const id = this.#newId(endpoint, ++this.#sequence);
    const lifetimeS = judged.params.lifetime ?? DEFAULT_LIFETIME_S;
    const now = Date.now();
    const registration: Lwm2mRegistration = {
      id, endpoint, location: [this.rdPath, id], peer: request.peer, lifetimeS, lifetimeGiven: judged.params.lifetime !== undefined,
      lwm2mVersion: judged.params.lwm2mVersion, binding: judged.params.binding, sms: judged.params.sms, queueMode: isQueueMode(judged.params),
      content: judged.content, links: judged.links, unknownQuery: judged.params.unknown,
      registeredAtMs: now, lastRefreshAtMs: now, expiresAtMs: now + lifetimeS * 1000, updates: 0, ended: undefined,
    };
    this.#byId.set(id, registration);
    this.#active.set(endpoint, registration);
    this.registerCounts.set(endpoint, (this.registerCounts.get(endpoint) ?? 0) + 1);
    this.#arm(registration);
    const response = this.#record(request, 'register', registration, '2.01', this.#findings(judged, endpoint), { options: locationPathOptions(registration.location) });
    this.emit({ kind: 'registered', registration, reregistration: previous !== undefined });
    return response;
  }

  #update(request: CoapIncomingRequest, id: string): CoapResponseSpec {
    const known = this.#byId.get(id);
    const registration = known && !known.ended ? known : undefined;
    if (!registration) {
      const finding = { kind: 'unknown-registration' as const, message: `Update to unknown registration ${this.rdPath}/${id}` };
      return this.#record(request, 'update', known, '4.04', [this.#finding(finding, known?.endpoint)]);
    }
    const lifetimeLeftMs = registration.expiresAtMs - Date.now();
    const refusals = this.#refuseUpdates.get(registration.endpoint) ?? 0;
    if (refusals > 0) {
      this.#refuseUpdates.set(registration.endpoint, refusals - 1);
      this.#end(registration, 'removed');
      this.emit({ kind: 'update-refused', endpoint: registration.endpoint, registrationId: id, code: '4.04' });
      return this.#record(request, 'update', registration, '4.04', [], { lifetimeLeftMs });
    }
    const judged = judgeUpdate(request.message, request.query);
    const findings = this.#findings(judged, registration.endpoint);
    if (judged.code) return this.#record(request, 'update', registration, judged.code, findings, { lifetimeLeftMs });
    const remapped = !samePeer(registration.peer, request.peer);
    registration.peer = request.peer;
    if (judged.params.lifetime !== undefined) registration.lifetimeS = judged.params.lifetime;
    if (judged.params.binding !== undefined) registration.binding = judged.params.binding;
    if (judged.params.sms !== undefined) registration.sms = judged.params.sms;
    if (judged.params.binding !== undefined || judged.params.queueMode) registration.queueMode = isQueueMode(judged.params);
    if (judged.content && judged.links) {
      registration.content = judged.content;
      registration.links = judged.links;
    }
    registration.lastRefreshAtMs = Date.now();
    registration.expiresAtMs = registration.lastRefreshAtMs + registration.lifetimeS * 1000;
    registration.updates++;
    this.#arm(registration);
    const response = this.#record(request, 'update', registration, '2.04', findings, { lifetimeLeftMs });
    this.emit({ kind: 'updated', registration, remapped });
    return response;
  }

  #deregister(request: CoapIncomingRequest, id: string): CoapResponseSpec {
    const registration = this.#byId.get(id);
    if (!registration || registration.ended) {
      const finding = { kind: 'unknown-registration' as const, message: `De-register of unknown registration ${this.rdPath}/${id}` };
      return this.#record(request, 'deregister', registration, '4.04', [this.#finding(finding, registration?.endpoint)]);
    }
    this.#end(registration, 'deregistered');
    const response = this.#record(request, 'deregister', registration, '2.02', []);
    this.emit({ kind: 'deregistered', registration });
    return response;
  }

  #arm(registration: Lwm2mRegistration): void {
    clearTimeout(this.#timers.get(registration.id));
    const dueInMs = Math.max(0, registration.expiresAtMs - Date.now()) + this.#graceMs;
    // Lifetimes beyond setTimeout's 2^31-1 ms range wake up early and re-arm.
    const timer = setTimeout(() => (dueInMs > MAX_TIMER_MS ? this.#arm(registration) : this.#expire(registration)), Math.min(dueInMs, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(registration.id, timer);
  }

  #expire(registration: Lwm2mRegistration): void {
    if (registration.ended) return;
    this.#end(registration, 'expired');
    this.history.push({ kind: 'expired', endpoint: registration.endpoint, registrationId: registration.id, atMs: Date.now(), atNs: process.hrtime.bigint(), peer: undefined, message: undefined, bytes: undefined, answered: undefined, findings: [], lifetimeLeftMs: 0 });
    this.emit({ kind: 'expired', registration });
  }

  #end(registration: Lwm2mRegistration, reason: NonNullable<Lwm2mRegistration['ended']>): void {
    registration.ended = reason;
    clearTimeout(this.#timers.get(registration.id));
    this.#timers.delete(registration.id);
    if (this.#active.get(registration.endpoint) === registration) this.#active.delete(registration.endpoint);
  }

  #finding(draft: Omit<RegistrationFinding, 'atMs' | 'endpoint'>, endpoint: string | undefined): RegistrationFinding {
    const finding = { ...draft, endpoint, atMs: Date.now() };
    this.findings.push(finding);
    return finding;
  }

  #findings(judged: RegistrationJudgement, endpoint: string | undefined): RegistrationFinding[] {
    return judged.findings.map((f) => this.#finding(f, endpoint));
  }

  #record(request: CoapIncomingRequest, kind: RegistrationMessageKind, subject: Lwm2mRegistration | string | undefined, code: string, findings: RegistrationFinding[], extra: { options?: CoapResponseSpec['options']; lifetimeLeftMs?: number } = {}): CoapResponseSpec {
    const registration = typeof subject === 'string' ? undefined : subject;
    this.history.push({
      kind, endpoint: typeof subject === 'string' ? subject : subject?.endpoint, registrationId: registration?.id, atMs: Date.now(), atNs: request.atNs, peer: request.peer,
      message: request.message, bytes: request.bytes, answered: code, findings: findings.map((f) => f.message), lifetimeLeftMs: extra.lifetimeLeftMs,
    });
    return { code, options: extra.options ?? [] };
  }
}
