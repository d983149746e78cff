/**
 * The registration interface as Zephyr's RD client runs it: Register (CON POST /rd with
 * `lwm2m=`, `ep=`, `lt=`, link-format object list), Update at lifetime − 10 s (CON POST to the
 * returned Location-Path, `lt=` only when it changed, the object list only when it changed),
 * a full Register again after an Update refused with 4.xx or unanswered, De-register (CON DELETE).
 * Queue mode is off (binding `U`, so Zephyr sends no `b=`).
 * @see docs/spec/lwm2m.md §2.4; captures lwm2m-registrations.jsonl register/update/deregister
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { locationPath, uriQueryOptions } from '../../codec/coap/access.ts';
import { encodeUintValue, encodeStringValue } from '../../codec/coap/values.ts';
import type { CoapMessage, CoapOptionValue } from '../../codec/coap/message.ts';
import type { ConOutcome } from './coap-socket.ts';

/** Zephyr `CONFIG_LWM2M_SECONDS_TO_UPDATE_EARLY` default. */
export const SECONDS_TO_UPDATE_EARLY = 10;

/** Registration states. */
export type RegistrationState = 'idle' | 'registering' | 'registered' | 'deregistered';

/** What the registration client needs from its surroundings. */
export interface RegistrationDeps {
  endpoint: string;
  version: '1.0' | '1.1';
  /** Current lifetime (Server /1/0/1). */
  lifetimeS: () => number;
  /** Current link-format object list. */
  objectLinks: () => string;
  sendCon: (message: Omit<CoapMessage, 'type' | 'messageId'>) => Promise<ConOutcome>;
  /** A new Register drops every observation. */
  onRegistered: () => void;
  /** Delay before retrying a failed Register. */
  retryDelayMs: number;
  /** Behaviour changes from fault profiles. */
  faults: RegistrationFaults;
  /** Scale applied to lifetime-based timers (1 = real seconds; tests shorten time). */
  timeScale: number;
}

/** Fault switches of the registration client. */
export interface RegistrationFaults {
  omitVersionQuery: boolean;
  neverUpdate: boolean;
  updateToRd: boolean;
  noReregisterAfter404: boolean;
  brokenLinks: boolean;
  /** `b=` sent with the Register (absent: none, the server assumes U). */
  binding?: string | undefined;
  /** Disable goes silent without the De-register. */
  noDeregisterOnDisable?: boolean;
}

/** Events a test or the CLI can follow. */
export type RegistrationEvent = { kind: 'registered'; location: string[] } | { kind: 'updated' } | { kind: 'register-failed'; code: string } | { kind: 'update-failed'; code: string } | { kind: 'deregistered' };

/** One registration with one server. */
export class RegistrationClient {
  state: RegistrationState = 'idle';
  location: string[] = [];
  readonly events: RegistrationEvent[] = [];
  readonly #deps: RegistrationDeps;
  #announcedLifetimeS = 0;
  #announcedLinks = '';
  #timer: NodeJS.Timeout | undefined;
  #isStopped = false;
  #busy: Promise<void> = Promise.resolve();
  #listeners: ((e: RegistrationEvent) => void)[] = [];

  constructor(deps: RegistrationDeps) {
    this.#deps = deps;
  }

  /** Follow events; returns the function that stops following. */
  onEvent(listener: (e: RegistrationEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => { this.#listeners = this.#listeners.filter((l) => l !== listener); };
  }

  /** Start by registering. */
  start(): void {
    this.#queue(() => this.#register());
  }

  /** Send an Update now (lifetime write, object list change, Registration Update Trigger). */
  triggerUpdate(): void {
    if (this.state === 'registered') this.#queue(() => this.#update());
  }

  /** Register again from scratch (reboot). */
  reregister(): void {
    this.#queue(() => this.#register());
  }

  /** Disable (Server /1/x/4): De-register, stay away `seconds`, then register again. */
  disable(seconds: number): void {
    this.#queue(async () => {
      this.#clearTimer();
      // Under a fault the client goes silent: no De-register, the registration left to lapse.
      if (this.state === 'registered' && this.#deps.faults.noDeregisterOnDisable === true) this.state = 'deregistered';
      else if (this.state === 'registered') await this.#deregister();
      this.#after(seconds, () => this.#register());
    });
  }

  /** De-register (when registered) and stop all timers. */
  async stop(deregister: boolean): Promise<void> {
    this.#clearTimer();
    if (deregister && this.state === 'registered') await this.#queue(() => this.#deregister());
    this.#isStopped = true;
    this.#clearTimer();
    await this.#busy;
  }

  #emit(e: RegistrationEvent): void {
    this.events.push(e);
    for (const l of this.#listeners) l(e);
  }

  #queue(step: () => Promise<void>): Promise<void> {
    this.#busy = this.#busy.then(() => (this.#isStopped ? undefined : step())).catch(() => undefined);
    return this.#busy;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #after(seconds: number, step: () => Promise<void>): void {
    this.#clearTimer();
    if (this.#isStopped) return;
    this.#timer = setTimeout(() => this.#queue(step), seconds * 1000 * this.#deps.timeScale);
  }

  async #register(): Promise<void> {
    const d = this.#deps;
    this.#clearTimer();
    this.state = 'registering';
    const lifetimeS = d.lifetimeS();
    const queries: string[] = [...(d.faults.omitVersionQuery ? [] : [`lwm2m=${d.version}`]), `ep=${d.endpoint}`, `lt=${lifetimeS}`, ...(d.faults.binding === undefined ? [] : [`b=${d.faults.binding}`])];
    const links = d.objectLinks();
    const payload = new TextEncoder().encode(d.faults.brokenLinks ? links.replace(/^<\/?/, '') : links);
    const outcome = await d.sendCon({ code: '0.02', token: newToken(), options: [...pathOptions(['rd']), cf(ContentFormat.LINK_FORMAT), ...uriQueryOptions(queries)], payload });
    if (outcome.kind === 'response' && outcome.message.code === '2.01') {
      this.state = 'registered';
      this.location = locationPath(outcome.message);
      this.#announcedLifetimeS = lifetimeS;
      this.#announcedLinks = links;
      d.onRegistered();
      this.#emit({ kind: 'registered', location: this.location });
      this.#scheduleUpdate();
      return;
    }
    this.state = 'idle';
    this.#emit({ kind: 'register-failed', code: outcome.kind === 'response' ? outcome.message.code : outcome.kind });
    this.#after(d.retryDelayMs / 1000 / d.timeScale, () => this.#register());
  }

  #scheduleUpdate(): void {
    if (this.#deps.faults.neverUpdate) return this.#clearTimer();
    const lt = this.#announcedLifetimeS;
    this.#after(lt > 2 * SECONDS_TO_UPDATE_EARLY ? lt - SECONDS_TO_UPDATE_EARLY : lt / 2, () => this.#update());
  }

  async #update(): Promise<void> {
    const d = this.#deps;
    if (this.state !== 'registered') return;
    this.#clearTimer();
    const lifetimeS = d.lifetimeS();
    const links = d.objectLinks();
    const options: CoapOptionValue[] = pathOptions(d.faults.updateToRd ? ['rd'] : this.location);
    if (lifetimeS !== this.#announcedLifetimeS) options.push(...uriQueryOptions([`lt=${lifetimeS}`]));
    const hasLinks = links !== this.#announcedLinks;
    if (hasLinks) options.push(cf(ContentFormat.LINK_FORMAT));
    const outcome = await d.sendCon({ code: '0.02', token: newToken(), options, payload: hasLinks ? new TextEncoder().encode(links) : new Uint8Array(0) });
    if (outcome.kind === 'response' && outcome.message.code === '2.04') {
      this.#announcedLifetimeS = lifetimeS;
      this.#announcedLinks = links;
      this.#emit({ kind: 'updated' });
      return this.#scheduleUpdate();
    }
    this.#emit({ kind: 'update-failed', code: outcome.kind === 'response' ? outcome.message.code : outcome.kind });
    if (d.faults.noReregisterAfter404) return this.#scheduleUpdate();
    await this.#register();
  }

  async #deregister(): Promise<void> {
    const outcome = await this.#deps.sendCon({ code: '0.04', token: newToken(), options: pathOptions(this.location), payload: new Uint8Array(0) });
    this.state = 'deregistered';
    if (outcome.kind === 'response') this.#emit({ kind: 'deregistered' });
  }
}

/** Zephyr's tokens: 8 bytes, 4 random then 4 zero (captures: `6898c47900000000`). */
export function newToken(): Uint8Array {
  const t = new Uint8Array(8);
  for (let i = 0; i < 4; i++) t[i] = Math.floor(Math.random() * 256);
  return t;
}

function pathOptions(segments: readonly string[]): CoapOptionValue[] {
  return segments.map((s) => ({ number: CoapOption.URI_PATH, value: encodeStringValue(s) }));
}

function cf(format: number): CoapOptionValue {
  return { number: CoapOption.CONTENT_FORMAT, value: encodeUintValue(format) };
}
