/**
 * The server half of the endpoint: answers an incoming request through its handler, as a
 * piggybacked ACK when the handler is quick, as an empty ACK plus a separate CON response when
 * it is slow (or its route asks for that), and as a NON response to a NON request. A body sent
 * in Block1 blocks is reassembled first, so the handler sees it whole.
 * @see docs/spec/lwm2m.md §1.2, §1.3, §1.5, §1.8
 */
import { nowNs } from '../../core/clock.ts';
import type { TraceLog } from '../../core/trace.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import { uriPath, uriQuery } from '../../codec/coap/access.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { coapOptionDefinition, isCriticalOption } from '../../codec/coap/options.ts';
import { Block1Assembly, block1Echo } from './block1-assembly.ts';
import type { SeenMessage } from './dedup.ts';
import type { CoapIncomingRequest, CoapRequestHandler, CoapResponseSpec, CoapRouter } from './router.ts';

/** An Empty message (ACK or RST) answering `messageId`. */
export function emptyMessage(type: 'ACK' | 'RST', messageId: number): CoapMessage {
  return { type, code: '0.00', messageId, token: new Uint8Array(0), options: [], payload: new Uint8Array(0) };
}

/** What the responder needs from its endpoint. */
export interface ResponderHost {
  readonly trace: TraceLog;
  /** Send a reply to a received message and remember it for duplicates of that message. */
  reply(seen: SeenMessage | undefined, message: CoapMessage, peer: DatagramPeer, note: string): void;
  /** Send a CON of ours and retransmit it until the peer ACKs it. */
  sendConfirmable(message: CoapMessage, peer: DatagramPeer, note: string): void;
  nextMessageId(): number;
}

function responseMessage(type: CoapMessage['type'], messageId: number, token: Uint8Array, spec: CoapResponseSpec): CoapMessage {
  return {
    type,
    code: spec.code,
    messageId,
    token,
    options: [...(spec.options ?? [])].sort((a, b) => a.number - b.number),
    payload: spec.payload ?? new Uint8Array(0),
  };
}

/** Resolves with the work's value, or `undefined` once `ms` pass first. */
function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void work.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

/** Answers requests; the routing rules are in `CoapRouter`. */
export class CoapResponder {
  readonly #host: ResponderHost;
  readonly #router: CoapRouter;
  readonly #piggybackWindowMs: number;
  readonly #block1: Block1Assembly;

  /** `transferLifetimeMs`: how long a Block1 transfer waits for its next block. */
  constructor(host: ResponderHost, router: CoapRouter, piggybackWindowMs: number, transferLifetimeMs: number) {
    this.#host = host;
    this.#router = router;
    this.#piggybackWindowMs = piggybackWindowMs;
    this.#block1 = new Block1Assembly(transferLifetimeMs);
  }

  /**
   * Answer one (non-duplicate) request. An unknown critical option gets 4.02 (RFC 7252
   * §5.4.1), no handler for the path 4.04, none for the method 4.05, a throwing handler 5.00.
   */
  async answer(m: CoapMessage, bytes: Uint8Array, peer: DatagramPeer, atNs: bigint, entry: SeenMessage): Promise<void> {
    const path = uriPath(m);
    const unknownCritical = m.options.some((o) => isCriticalOption(o.number) && !coapOptionDefinition(o.number));
    const route = this.#router.match(path, m.code);
    if (unknownCritical) return this.#respond(m, peer, entry, { code: '4.02' });
    if (route.kind === 'no-path') return this.#respond(m, peer, entry, { code: '4.04' });
    if (route.kind === 'no-method') return this.#respond(m, peer, entry, { code: '4.05' });
    const blocks = this.#block1.step(m, peer, Date.now());
    if (blocks?.kind === 'reply') return this.#respond(m, peer, entry, blocks.response);
    const whole = blocks?.message ?? m;
    const request: CoapIncomingRequest = { message: whole, bytes, peer, path, query: uriQuery(m), atNs };
    const handled = this.#run(route.handler, request);
    // The final response of a Block1 transfer echoes the last block (RFC 7959 §2.3).
    const withEcho = (r: CoapResponseSpec): CoapResponseSpec => (blocks ? { ...r, options: [...(r.options ?? []), block1Echo(blocks.block)] } : r);
    // A handler that answered at once is answered in this turn: no timer, no promise hops.
    if (!(handled instanceof Promise) && (m.type !== 'CON' || !route.route.separate)) return this.#respond(m, peer, entry, withEcho(handled));
    const result = Promise.resolve(handled).then(withEcho);
    if (m.type !== 'CON') return this.#respond(m, peer, entry, await result);
    const inTime = route.route.separate ? undefined : await within(result, this.#piggybackWindowMs);
    if (inTime) return this.#respond(m, peer, entry, inTime);
    this.#host.reply(entry, emptyMessage('ACK', m.messageId), peer, 'empty ACK (separate response follows)');
    const spec = await result;
    this.#host.sendConfirmable(responseMessage('CON', this.#host.nextMessageId(), m.token, spec), peer, 'separate response');
  }

  /** The handler's answer: at once when it gives one, else its promise; a throw or rejection is 5.00. */
  #run(handler: CoapRequestHandler, request: CoapIncomingRequest): CoapResponseSpec | Promise<CoapResponseSpec> {
    const failed = (error: unknown): CoapResponseSpec => {
      this.#host.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: `handler for /${request.path.join('/')} threw: ${String(error)}` });
      return { code: '5.00' };
    };
    try {
      const answer = handler(request);
      return answer instanceof Promise ? answer.catch(failed) : answer;
    } catch (error) {
      return failed(error);
    }
  }

  /** Piggybacked ACK for a CON; a NON request gets a NON response with a fresh MID. */
  #respond(req: CoapMessage, peer: DatagramPeer, entry: SeenMessage, spec: CoapResponseSpec): void {
    const isCon = req.type === 'CON';
    const message = responseMessage(isCon ? 'ACK' : 'NON', isCon ? req.messageId : this.#host.nextMessageId(), req.token, spec);
    this.#host.reply(entry, message, peer, isCon ? 'piggybacked response' : 'NON response');
  }
}
