/**
 * One Observe relationship (RFC 7641) from the observer's side: the first response, every
 * notification in arrival order with its Observe number and freshness, and the two ways to
 * cancel (RST on the next notification, or GET with Observe 1 on the same token).
 * @see docs/spec/lwm2m.md §1.9
 */
import { elapsedMs } from '../../core/clock.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import { observeOption, uriPath } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { codeClass } from '../../codec/coap/codes.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { isNewerObserve } from '../../codec/coap/values.ts';
import { ResponseTimeoutError } from '../../errors.ts';
import type { CoapOutcome, CoapRequestOptions } from './types.ts';

/** One notification as received. */
export interface CoapNotification {
  message: CoapMessage;
  bytes: Uint8Array;
  atNs: bigint;
  /** Observe option value; undefined when absent or malformed. */
  sequence: number | undefined;
  confirmable: boolean;
  /** Newer than the last one by RFC 7641 §3.4 (false = reordered or repeated). */
  fresh: boolean;
}

/** What an observation needs from its endpoint. */
export interface ObservationHost {
  exchange(peer: DatagramPeer, request: CoapMessage, options?: CoapRequestOptions): Promise<CoapOutcome>;
  forget(observation: CoapObservation): void;
  nextMessageId(): number;
}

/** Why an observation is no longer active. */
export type ObservationEnd =
  | { kind: 'not-established'; reason: string }
  | { kind: 'error-notification'; code: string }
  | { kind: 'no-observe-option' }
  | { kind: 'cancelled'; mode: 'reset' | 'deregister' };

/** An observation registered by `CoapEndpoint.observe`. */
export class CoapObservation {
  readonly peer: DatagramPeer;
  /** The GET (or FETCH) with Observe 0. */
  readonly request: CoapMessage;
  readonly notifications: CoapNotification[] = [];
  #first: CoapOutcome | undefined;
  #ended: ObservationEnd | undefined;
  #last: { sequence: number; atNs: bigint } | undefined;
  #delivered = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #host: ObservationHost;

  constructor(host: ObservationHost, peer: DatagramPeer, request: CoapMessage) {
    this.#host = host;
    this.peer = peer;
    this.request = request;
  }

  /** The response to the registration request. */
  get first(): CoapOutcome {
    if (!this.#first) throw new Error('observation not started');
    return this.#first;
  }

  get isActive(): boolean {
    return this.#first !== undefined && this.#ended === undefined;
  }

  get ended(): ObservationEnd | undefined {
    return this.#ended;
  }

  /** Record the first response: 2.xx with an Observe option establishes the observation. */
  start(first: CoapOutcome): void {
    this.#first = first;
    if (first.kind === 'reset') return this.#end({ kind: 'not-established', reason: 'RST' });
    if (codeClass(first.response.code) !== 2) return this.#end({ kind: 'not-established', reason: `response ${first.response.code}` });
    const seq = observeOption(first.response);
    if (!seq?.ok) return this.#end({ kind: 'not-established', reason: 'response without a valid Observe option' });
    this.#last = { sequence: seq.value, atNs: first.receivedAtNs };
  }

  /** A notification arrived (same peer and token). An error code or no Observe option ends it. */
  notify(message: CoapMessage, bytes: Uint8Array, atNs: bigint): void {
    const seq = observeOption(message);
    const sequence = seq?.ok ? seq.value : undefined;
    const fresh = sequence !== undefined && (!this.#last || isNewerObserve(this.#last.sequence, sequence, elapsedMs(this.#last.atNs, atNs)));
    if (fresh) this.#last = { sequence: sequence, atNs };
    this.notifications.push({ message, bytes, atNs, sequence, confirmable: message.type === 'CON', fresh });
    if (codeClass(message.code) !== 2) this.#end({ kind: 'error-notification', code: message.code });
    else if (sequence === undefined) this.#end({ kind: 'no-observe-option' });
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next notification not yet taken by `next`, waiting up to `timeoutMs`. */
  next(timeoutMs: number): Promise<CoapNotification> {
    const take = (): CoapNotification | undefined => (this.#delivered < this.notifications.length ? this.notifications[this.#delivered++] : undefined);
    const ready = take();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(wake);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new ResponseTimeoutError(`notification of /${this.#pathText()}`, timeoutMs));
      }, timeoutMs);
      const wake = (): void => {
        const n = take();
        if (!n) return void this.#waiters.push(wake);
        clearTimeout(timer);
        resolve(n);
      };
      this.#waiters.push(wake);
    });
  }

  /**
   * Cancel. `reset`: forget the token, so the next notification is answered with RST (passive,
   * RFC 7641 §3.6). `deregister`: GET with Observe 1 on the same token and options (§3.6 active);
   * resolves with that exchange's outcome.
   */
  async cancel(mode: 'reset' | 'deregister', options: CoapRequestOptions = {}): Promise<CoapOutcome | undefined> {
    this.#host.forget(this);
    if (!this.#ended) this.#end({ kind: 'cancelled', mode });
    if (mode === 'reset') return undefined;
    const options1 = this.request.options.map((o) => (o.number === CoapOption.OBSERVE ? { number: CoapOption.OBSERVE, value: Uint8Array.of(1) } : o));
    const request: CoapMessage = { ...this.request, type: 'CON', messageId: this.#host.nextMessageId(), options: options1 };
    return this.#host.exchange(this.peer, request, options);
  }

  #end(end: ObservationEnd): void {
    this.#ended = end;
  }

  #pathText(): string {
    return uriPath(this.request).join('/');
  }
}
