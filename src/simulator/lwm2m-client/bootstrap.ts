/**
 * Client-initiated bootstrap as Zephyr's RD client runs it: the factory configuration holds
 * only the bootstrap server's account (Security /0/0, Bootstrap-Server true, NoSec, no Server
 * instance); the client sends CON POST /bs?ep=NAME (1.1: &pct=112), answers the bootstrap
 * server's operations, and on a Bootstrap-Finish it accepts hands over the DM server account
 * the bootstrap wrote. A refused or unanswered request, or no Finish within the bootstrap
 * timeout, starts over after the retry delay.
 * @see docs/spec/lwm2m.md §2.3, §4.1; Zephyr lwm2m_rd_client.c (bootstrap states)
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { uriQueryOptions } from '../../codec/coap/access.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { encodeStringValue } from '../../codec/coap/values.ts';
import { BootstrapHandler, type BootstrapHandlerDeps, type DmAccount } from './bootstrap-handler.ts';
import type { ConOutcome, HandlerAnswer } from './coap-socket.ts';
import type { ObjectStore } from './object-store.ts';
import { newToken } from './registration.ts';
import { bool, int, one, str } from './sample.ts';

/** Bootstrap progress a test or the CLI can follow. */
export type BootstrapEvent =
  | { kind: 'bootstrap-requested'; code: string }
  | { kind: 'bootstrap-request-failed'; code: string }
  | { kind: 'bootstrap-finished'; account: DmAccount | 'unusable' }
  | { kind: 'bootstrap-finish-refused'; code: string }
  | { kind: 'bootstrap-timeout' };

/** What the bootstrap client needs from the client. */
export interface BootstrapClientDeps extends BootstrapHandlerDeps {
  endpoint: string;
  sendCon: (message: Omit<CoapMessage, 'type' | 'messageId'>) => Promise<ConOutcome>;
  retryDelayMs: number;
  /** How long to wait for Bootstrap-Finish after the request was accepted. */
  timeoutMs: number;
  /** The bootstrap ended with a Finish the client accepted (after its answer went out). */
  onFinished: (account: DmAccount | 'unusable') => void;
}

/**
 * Replace the sample's factory accounts by a bootstrap-only configuration: Security /0/0 is
 * the bootstrap server's NoSec account, and there is no Server instance.
 */
export function useBootstrapAccount(store: ObjectStore, bootstrapUri: string): void {
  const security = store.object(0)!.instances;
  const empty = { type: 'opaque', value: new Uint8Array(0) } as const;
  security.clear();
  security.set(0, new Map([[0, one(str(bootstrapUri))], [1, one(bool(true))], [2, one(int(3))], [3, one(empty)], [4, one(empty)], [5, one(empty)], [11, one(int(0))]]));
  store.object(1)!.instances.clear();
}

/** The bootstrap phase of one client. */
export class BootstrapClient {
  readonly events: BootstrapEvent[] = [];
  readonly #deps: BootstrapClientDeps;
  readonly #handler: BootstrapHandler;
  #isActive = false;
  #isStopped = false;
  #timer: NodeJS.Timeout | undefined;
  #listeners: ((e: BootstrapEvent) => void)[] = [];

  constructor(deps: BootstrapClientDeps) {
    this.#deps = deps;
    this.#handler = new BootstrapHandler(deps);
  }

  /** True from the first Bootstrap-Request until a Finish is accepted. */
  get isActive(): boolean {
    return this.#isActive;
  }

  /** Follow events; returns the function that stops following. */
  onEvent(listener: (e: BootstrapEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => { this.#listeners = this.#listeners.filter((l) => l !== listener); };
  }

  /** Send the Bootstrap-Request (and keep trying until a Finish is accepted). */
  start(): void {
    this.#isActive = true;
    void this.#request();
  }

  /** Stop retrying. */
  stop(): void {
    this.#isStopped = true;
    this.#isActive = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** Answer a request of the bootstrap server. */
  handle(request: CoapMessage): HandlerAnswer {
    const answer = this.#handler.handle(request);
    if (answer.finished === undefined) {
      if (request.code === '0.02' && answer.response !== 'silent') this.#emit({ kind: 'bootstrap-finish-refused', code: answer.response.code });
      return answer.response === 'silent' ? { kind: 'silent' } : { kind: 'response', message: answer.response };
    }
    const account = answer.finished;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#emit({ kind: 'bootstrap-finished', account });
    // With no server to register with, the client bootstraps again after the retry delay (as Zephyr's RD client falls back).
    if (account === 'unusable') {
      this.#retryLater(this.#deps.retryDelayMs);
      return answer.response === 'silent' ? { kind: 'silent' } : { kind: 'response', message: answer.response };
    }
    this.#isActive = false;
    // The Finish answer goes out first; registration follows.
    setImmediate(() => { if (!this.#isStopped) this.#deps.onFinished(account); });
    return answer.response === 'silent' ? { kind: 'silent' } : { kind: 'response', message: answer.response };
  }

  #emit(e: BootstrapEvent): void {
    this.events.push(e);
    for (const l of this.#listeners) l(e);
  }

  #retryLater(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#isStopped) this.#timer = setTimeout(() => void this.#request(), ms);
  }

  async #request(): Promise<void> {
    const d = this.#deps;
    if (this.#isStopped || !this.#isActive) return;
    const queries = [...(d.faults.has('lwm2m-bs-no-ep') ? [] : [`ep=${d.endpoint}`]), ...(d.version === '1.1' ? [`pct=${ContentFormat.SENML_CBOR}`] : [])];
    const options = [{ number: CoapOption.URI_PATH, value: encodeStringValue('bs') }, ...uriQueryOptions(queries)];
    const outcome = await d.sendCon({ code: '0.02', token: newToken(), options, payload: new Uint8Array(0) });
    if (this.#isStopped || !this.#isActive) return;
    const code = outcome.kind === 'response' ? outcome.message.code : outcome.kind;
    if (code !== '2.04') {
      this.#emit({ kind: 'bootstrap-request-failed', code });
      return this.#retryLater(d.retryDelayMs);
    }
    this.#emit({ kind: 'bootstrap-requested', code });
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#emit({ kind: 'bootstrap-timeout' });
      void this.#request();
    }, d.timeoutMs);
  }
}
