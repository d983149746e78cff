/**
 * One CoAP/UDP socket that is both server (the device's Register, Update, De-register, Notify,
 * Send arrive here and go to handlers by path) and client (our requests to a device): CON/NON/
 * ACK/RST, MID and token matching, duplicate detection, retransmission, separate responses,
 * Observe. Every datagram in and out goes to the trace, decoded only when read.
 * @see docs/spec/lwm2m.md §1.2, §1.4, §1.7, §1.9
 */
import { randomBytes } from 'node:crypto';
import { elapsedMs, nowNs } from '../core/clock.ts';
import { toHex } from '../core/bytes.ts';
import { TraceLog } from '../core/trace.ts';
import type { DatagramListenerTransport, DatagramPeer } from '../core/transport.ts';
import { uriPath, uriPathOptions, uriQueryOptions } from '../codec/coap/access.ts';
import { isRequestCode, isResponseCode } from '../codec/coap/codes.ts';
import { CoapOption } from '../codec/coap/options.ts';
import { describeCoapBytes } from '../codec/coap/describe.ts';
import { decodeCoap, encodeCoap, type CoapMessage, type CoapOptionValue } from '../codec/coap/message.ts';
import { DecodeError, ResponseTimeoutError, TransportClosedError } from '../errors.ts';
import { UdpListener, formatPeer } from '../transport/udp-listener.ts';
import { DtlsServer, type DtlsServerOptions, type DtlsSessionEvent } from '../transport/dtls/index.ts';
import { MAX_UDP_SZX, resourceHandler, withBlock2, type ServedBody } from './coap/block2-server.ts';
import { ConfirmableQueue, type ConfirmableEnd } from './coap/confirmable.ts';
import { DuplicateCache, dedupKey, type SeenMessage } from './coap/dedup.ts';
import { NstartLimiter, checkedNstart } from './coap/nstart.ts';
import { CoapObservation, type ObservationHost } from './coap/observation.ts';
import { exchangeLifetimeMs, maxTransmitWaitMs, nonLifetimeMs, transmissionParameters, type TransmissionParameters } from './coap/params.ts';
import { CoapResponder, emptyMessage, type ResponderHost } from './coap/responder.ts';
import { CoapRouter, type CoapIncomingRequest, type CoapRequestHandler, type CoapRoute } from './coap/router.ts';
import type { CoapIncoming, CoapOutcome, CoapRequestOptions, CoapRequestSpec } from './coap/types.ts';
import { LazyTraceEntry } from './packet-view.ts';

/** Options of a `CoapEndpoint`. */
export interface CoapEndpointOptions {
  /** RFC 7252 §4.8 parameters; the defaults are the RFC's. */
  parameters?: Partial<TransmissionParameters>;
  trace?: TraceLog;
  /** Token length of our requests, 1-8 (default 8: 4 random bytes then a 4-byte counter). */
  tokenBytes?: number;
  /** Source of randomness for the retransmission band (default `Math.random`). */
  random?: () => number;
  /** A handler slower than this gets an empty ACK and its response sent separately (default ACK_TIMEOUT / 2). */
  piggybackWindowMs?: number;
  /** Kernel receive buffer of the socket `open` binds (bytes), for many clients at once. */
  receiveBufferBytes?: number;
  /**
   * Outstanding CON requests of ours per peer (RFC 7252 §4.7 NSTART, default 1): a request
   * beyond it waits until an earlier one is acknowledged, answered, reset or given up.
   */
  nstart?: number;
  /** Largest Block2 SZX the endpoint serves (default 6: 1024-byte blocks); larger answers go block-wise. */
  maxBlockSzx?: number;
  /**
   * Serve CoAPs: `open` binds a DTLS 1.2 PSK server instead of a plain UDP socket; every peer
   * gets its own association and CoAP runs unchanged inside it (RFC 7252 §9.1).
   */
  dtls?: CoapDtlsOptions;
}

/** The DTLS side of a CoAPs endpoint: the PSK lookup and the server's tunables. */
export type CoapDtlsOptions = Omit<DtlsServerOptions, 'host' | 'port' | 'recvBufferBytes'>;

/** A body the endpoint serves at a path (`serveResource`). */
export interface ServedResource {
  /** Uri-Path segments. */
  readonly path: readonly string[];
  /** `coap://HOST:PORT/path` (`coaps://` over DTLS) of the resource at the endpoint's bound address. */
  readonly uri: string;
  /** GET requests answered so far (one per block). */
  readonly requests: CoapIncomingRequest[];
  /** Replace the body (the ETag changes with it). */
  replace(body: Uint8Array): void;
  /** Stop serving (later requests get 4.04). */
  stop(): void;
}

/** Response waiting for a token (separate response, NON response). */
interface AwaitingResponse {
  peer: DatagramPeer;
  /** Key of our CON in the retransmission queue, while it waits for its ACK. */
  conKey: string | undefined;
  deliver: (message: CoapMessage, bytes: Uint8Array, atNs: bigint) => void;
  /** End the wait with an error (the endpoint closes). */
  abort: (error: Error) => void;
}

/** One request of ours from send to outcome. */
interface PendingRequest {
  peer: DatagramPeer;
  request: CoapMessage;
  requestBytes: Uint8Array;
  /** For error messages: `CON 0.01 /3/0 to 127.0.0.1:5683`. */
  what: string;
  tokenKey: string;
  sentAtNs: bigint;
  transmissions: number;
  responseTimeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  settle: (outcome: CoapOutcome | Error) => void;
  waiting: AwaitingResponse | undefined;
}

/** DTLS session events an endpoint keeps (enough for a run; many-client runs keep the latest). */
const MAX_DTLS_EVENTS = 1000;

const peerKey = (peer: DatagramPeer, suffix: string): string => `${peer.address}|${peer.port}|${suffix}`;

/** Rule breaks in a response to `request` (RFC 7252 §5.3.2 token echo, §12.1 code classes). */
export function responseProblems(request: CoapMessage, response: CoapMessage): string[] {
  const problems: string[] = [];
  if (toHex(response.token) !== toHex(request.token)) problems.push(`token ${toHex(response.token)} does not echo the request's ${toHex(request.token)}`);
  if (!isResponseCode(response.code)) problems.push(`code ${response.code} is not a response code (classes 2, 4, 5)`);
  return problems;
}

/** The CoAP endpoint bound to one datagram socket; it owns the socket and closes it. */
export class CoapEndpoint implements ObservationHost, ResponderHost {
  readonly trace: TraceLog;
  readonly parameters: TransmissionParameters;
  readonly #socket: DatagramListenerTransport;
  readonly #router = new CoapRouter();
  readonly #responder: CoapResponder;
  readonly #dedup = new DuplicateCache();
  readonly #cons: ConfirmableQueue;
  readonly #awaiting = new Map<string, AwaitingResponse>();
  readonly #observations = new Map<string, CoapObservation>();
  readonly #subscribers = new Set<(m: CoapIncoming) => void>();
  readonly #withheld = new Set<(m: CoapMessage, peer: DatagramPeer) => boolean>();
  readonly #tokenPrefix: Uint8Array;
  readonly #tokenBytes: number;
  #tokenCounter = 0;
  #messageId: number;
  #duplicates = 0;
  #closed = false;
  readonly #maxBlockSzx: number;
  readonly #dtlsEvents: DtlsSessionEvent[] = [];
  readonly #nstart: NstartLimiter;
  /** Requests waiting for an NSTART slot: rejected when the endpoint closes. */
  readonly #queued = new Set<PendingRequest>();

  constructor(socket: DatagramListenerTransport, options: CoapEndpointOptions = {}) {
    this.#socket = socket;
    this.trace = options.trace ?? new TraceLog();
    this.parameters = transmissionParameters(options.parameters);
    const tokenBytes = options.tokenBytes ?? 8;
    if (!Number.isInteger(tokenBytes) || tokenBytes < 1 || tokenBytes > 8) throw new RangeError(`tokenBytes ${tokenBytes} out of 1-8`);
    this.#tokenBytes = tokenBytes;
    const maxBlockSzx = options.maxBlockSzx ?? MAX_UDP_SZX;
    if (!Number.isInteger(maxBlockSzx) || maxBlockSzx < 0 || maxBlockSzx > MAX_UDP_SZX) throw new RangeError(`maxBlockSzx ${maxBlockSzx} out of 0-${MAX_UDP_SZX}`);
    this.#maxBlockSzx = maxBlockSzx;
    this.#nstart = new NstartLimiter(options.nstart);
    // A plain Uint8Array: Buffer#slice would return views, and every token would share (and overwrite) one buffer.
    this.#tokenPrefix = new Uint8Array(randomBytes(8));
    this.#messageId = randomBytes(2).readUInt16BE(0);
    this.#cons = new ConfirmableQueue((b, p, note) => this.#transmit(b, p, note), () => this.parameters, options.random ?? Math.random);
    this.#responder = new CoapResponder(this, this.#router, options.piggybackWindowMs ?? this.parameters.ackTimeoutMs / 2, exchangeLifetimeMs(this.parameters));
    socket.onDatagram((bytes, peer, atNs) => this.#onDatagram(bytes, peer, atNs));
    if (socket instanceof DtlsServer) {
      socket.onSession((event) => {
        this.#dtlsEvents.push(event);
        if (this.#dtlsEvents.length > MAX_DTLS_EVENTS) this.#dtlsEvents.shift();
      });
    }
  }

  /** Bind a UDP socket (`port` 0 = ephemeral), or a DTLS server with `options.dtls`, and wrap it. */
  static async open(bind: { host?: string; port: number }, options: CoapEndpointOptions = {}): Promise<CoapEndpoint> {
    // Checked before binding, so a bad value leaves no socket open.
    if (options.nstart !== undefined) checkedNstart(options.nstart);
    const buffer = options.receiveBufferBytes;
    if (options.dtls) {
      const host = bind.host?.replace(/^\[|\]$/g, '');
      return new CoapEndpoint(await DtlsServer.listen({ ...options.dtls, port: bind.port, ...(host === undefined ? {} : { host }), ...(buffer === undefined ? {} : { recvBufferBytes: buffer }) }), options);
    }
    return new CoapEndpoint(await UdpListener.open({ ...bind, scheme: 'coap', ...(buffer === undefined ? {} : { receiveBufferBytes: buffer }) }), options);
  }

  /** The DTLS server under a CoAPs endpoint (associations, handshake events); undefined for plain CoAP. */
  get dtls(): DtlsServer | undefined {
    return this.#socket instanceof DtlsServer ? this.#socket : undefined;
  }

  /** DTLS associations established and closed so far (the latest 1000), oldest first; empty for plain CoAP. */
  get dtlsEvents(): readonly DtlsSessionEvent[] {
    return this.#dtlsEvents;
  }

  /** NSTART: CON requests of ours outstanding to one peer at most (RFC 7252 §4.7). */
  get nstart(): number {
    return this.#nstart.nstart;
  }

  /** CON requests of ours outstanding to `peer` now, and those waiting for one of its NSTART slots. */
  outstandingTo(peer: DatagramPeer): { outstanding: number; waiting: number } {
    const key = peerKey(peer, 'nstart');
    return { outstanding: this.#nstart.outstanding(key), waiting: this.#nstart.waiting(key) };
  }

  /** `coaps` over DTLS, else `coap`. */
  get scheme(): 'coap' | 'coaps' {
    return this.#socket instanceof DtlsServer ? 'coaps' : 'coap';
  }

  /** The bound address. */
  address(): DatagramPeer {
    return this.#socket.address();
  }

  get description(): string {
    return this.#socket.description;
  }

  /** Duplicate CON/NON messages received so far (each also marked `duplicate` in the trace). */
  get duplicatesReceived(): number {
    return this.#duplicates;
  }

  /**
   * Handle incoming requests under a path prefix; returns a function that removes the handler.
   * An answer larger than one block (or to a request with Block2) is served block-wise.
   */
  handle(route: CoapRoute, handler: CoapRequestHandler): () => void {
    return this.#router.add(route, withBlock2(handler, () => this.#maxBlockSzx));
  }

  /**
   * Serve `body` to GET at `path` (2.05, Content-Format when given), block-wise when it is larger
   * than one block: a firmware package behind a `coap://` Package URI, for example.
   * @see docs/spec/lwm2m.md §1.8, §4.6 (pull)
   */
  serveResource(path: string, body: Uint8Array, options: { contentFormat?: number } = {}): ServedResource {
    const segments = uriPath({ options: uriPathOptions(path) });
    const served: ServedBody = { body, ...(options.contentFormat === undefined ? {} : { contentFormat: options.contentFormat }) };
    const requests: CoapIncomingRequest[] = [];
    const stop = this.handle({ path: segments, methods: ['0.01'] }, resourceHandler(segments, served, (r) => requests.push(r)));
    const { address, port } = this.address();
    const host = address.includes(':') ? `[${address}]` : address;
    return { path: segments, uri: `${this.scheme}://${host}:${port}/${segments.join('/')}`, requests, replace: (b) => { served.body = b; }, stop };
  }

  /**
   * Leave matching received messages unanswered (no ACK, no RST, not handled): they are still
   * traced and seen by `onIncoming`, so the peer's retransmissions can be timed. Returns the
   * function that ends the withholding.
   * @see docs/spec/lwm2m.md §1.7
   */
  withholdAnswers(match: (m: CoapMessage, peer: DatagramPeer) => boolean): () => void {
    this.#withheld.add(match);
    return () => this.#withheld.delete(match);
  }

  /** See every received datagram (decoded, or with its decode error); returns an unsubscribe function. */
  onIncoming(listener: (m: CoapIncoming) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** The next message ID (16 bits, wrapping). */
  nextMessageId(): number {
    this.#messageId = (this.#messageId + 1) & 0xffff;
    return this.#messageId;
  }

  /**
   * A fresh token: a random prefix (fixed per endpoint) then a counter in the last half (at most
   * 4 bytes), so tokens stay unique for a long run and are hard to guess (RFC 7252 §5.3.1).
   */
  nextToken(): Uint8Array {
    const t = this.#tokenPrefix.slice(0, this.#tokenBytes);
    const counterBytes = Math.min(4, Math.ceil(t.length / 2));
    let c = this.#tokenCounter++;
    for (let i = t.length - 1; i >= t.length - counterBytes; i--, c = Math.floor(c / 256)) t[i] = c & 0xff;
    return t;
  }

  /** Build the message a request spec describes (fresh MID and token unless given). */
  buildRequest(spec: CoapRequestSpec): CoapMessage {
    const path = spec.path === undefined ? [] : typeof spec.path === 'string' ? uriPathOptions(spec.path) : uriPathOptions(spec.path.join('/'));
    const options: CoapOptionValue[] = [...path, ...uriQueryOptions(spec.query ?? []), ...(spec.options ?? [])];
    options.sort((a, b) => a.number - b.number);
    return {
      type: spec.confirmable === false ? 'NON' : 'CON',
      code: spec.method,
      messageId: this.nextMessageId(),
      token: spec.token ?? this.nextToken(),
      options,
      payload: spec.payload ?? new Uint8Array(0),
    };
  }

  /**
   * Send a request and wait for its response. A CON is retransmitted until ACKed; an empty ACK
   * means a separate response follows. Resolves with the response or the peer's RST; rejects
   * with `ResponseTimeoutError` when nothing comes.
   */
  request(peer: DatagramPeer, spec: CoapRequestSpec, options: CoapRequestOptions = {}): Promise<CoapOutcome> {
    return this.exchange(peer, this.buildRequest(spec), options);
  }

  /**
   * Send an already built request message (its MID and token as given) and wait as `request`
   * does. A CON waits for an NSTART slot with its peer first; its round trip counts from its
   * first transmission.
   */
  exchange(peer: DatagramPeer, request: CoapMessage, options: CoapRequestOptions = {}): Promise<CoapOutcome> {
    if (this.#closed) return Promise.reject(new TransportClosedError(`${this.description} is closed`));
    const requestBytes = encodeCoap(request);
    const conKey = request.type === 'CON' ? peerKey(peer, String(request.messageId)) : undefined;
    return new Promise<CoapOutcome>((resolve, reject) => {
      const p: PendingRequest = {
        peer,
        request,
        requestBytes,
        what: `${request.type} ${request.code} /${uriPath(request).join('/')} to ${formatPeer(peer)}`,
        tokenKey: peerKey(peer, toHex(request.token)),
        sentAtNs: nowNs(),
        transmissions: 1,
        responseTimeoutMs: options.responseTimeoutMs ?? maxTransmitWaitMs(this.parameters),
        timer: undefined,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        waiting: undefined,
      };
      p.waiting = {
        peer,
        conKey,
        deliver: (message, bytes, atNs) => {
          // A separate response also acknowledges our CON when its ACK was lost (RFC 7252 §5.2.2).
          if (p.waiting?.conKey) this.#cons.cancel(p.waiting.conKey);
          this.#answer(p, message, bytes, atNs, false);
        },
        abort: (error) => this.#finish(p, error),
      };
      if (!conKey) {
        this.#awaiting.set(p.tokenKey, p.waiting);
        this.#transmit(requestBytes, peer, 'request');
        return this.#waitSeparately(p);
      }
      this.#startWithinNstart(p, conKey);
    });
  }

  /** Transmit a CON request once the peer has an NSTART slot; the slot frees when the CON ends. */
  #startWithinNstart(p: PendingRequest, conKey: string): void {
    const slot = peerKey(p.peer, 'nstart');
    this.#queued.add(p);
    this.#nstart.acquire(slot, () => {
      this.#queued.delete(p);
      p.sentAtNs = nowNs();
      this.#awaiting.set(p.tokenKey, p.waiting!);
      this.#cons.start(conKey, p.requestBytes, p.peer, 'request', (end) => {
        this.#onConfirmableEnd(p, end);
        this.#nstart.release(slot);
      });
    });
  }

  #finish(p: PendingRequest, outcome: CoapOutcome | Error): void {
    clearTimeout(p.timer);
    if (this.#awaiting.get(p.tokenKey) === p.waiting) this.#awaiting.delete(p.tokenKey);
    p.settle(outcome);
  }

  #outcomeBase(p: PendingRequest, atNs: bigint) {
    return { peer: p.peer, request: p.request, requestBytes: p.requestBytes, sentAtNs: p.sentAtNs, receivedAtNs: atNs, rttMs: elapsedMs(p.sentAtNs, atNs), transmissions: p.transmissions };
  }

  #answer(p: PendingRequest, message: CoapMessage, bytes: Uint8Array, atNs: bigint, piggybacked: boolean): void {
    this.#finish(p, { ...this.#outcomeBase(p, atNs), kind: 'response', response: message, responseBytes: bytes, piggybacked, problems: responseProblems(p.request, message) });
  }

  #waitSeparately(p: PendingRequest): void {
    p.timer = setTimeout(() => this.#finish(p, new ResponseTimeoutError(`${p.what} (separate response)`, p.responseTimeoutMs)), p.responseTimeoutMs);
  }

  /** Our CON got its ACK (piggybacked response or empty), an RST, or no answer at all. */
  #onConfirmableEnd(p: PendingRequest, end: ConfirmableEnd): void {
    if (p.waiting) p.waiting.conKey = undefined;
    p.transmissions = end.transmissions;
    if (end.kind === 'give-up') return this.#finish(p, new ResponseTimeoutError(`${p.what} (no ACK after ${end.transmissions} transmissions)`, end.waitedMs));
    if (end.kind === 'malformed') return this.#finish(p, new DecodeError(`the ACK to ${p.what} is no valid CoAP (RFC 7252 §3, message format error): ${end.error}; received ${toHex(end.bytes)}`));
    if (end.kind === 'reset') return this.#finish(p, { ...this.#outcomeBase(p, end.atNs), kind: 'reset', reset: end.message });
    if (end.kind === 'cancelled') {
      if (this.#closed) this.#finish(p, new TransportClosedError(`${this.description} closed during ${p.what}`));
      return;
    }
    if (end.message.code !== '0.00') return this.#answer(p, end.message, end.bytes, end.atNs, true);
    this.#waitSeparately(p);
  }

  /**
   * Register an observation (GET with Observe 0 unless `spec.options` says otherwise) and
   * resolve once the first response arrives. Notifications are collected in order from then on.
   * @see docs/spec/lwm2m.md §1.9
   */
  async observe(peer: DatagramPeer, spec: CoapRequestSpec, options: CoapRequestOptions = {}): Promise<CoapObservation> {
    const request = this.buildRequest({ ...spec, options: [...(spec.options ?? []), { number: CoapOption.OBSERVE, value: new Uint8Array(0) }] });
    const observation = new CoapObservation(this, peer, request);
    const first = await this.exchange(peer, request, options);
    observation.start(first);
    if (observation.isActive) this.#observations.set(peerKey(peer, toHex(request.token)), observation);
    return observation;
  }

  /** Stop delivering notifications of `observation` (the next one is answered with RST). */
  forget(observation: CoapObservation): void {
    const key = peerKey(observation.peer, toHex(observation.request.token));
    if (this.#observations.get(key) === observation) this.#observations.delete(key);
  }

  /** Send bytes exactly as given (malformed traffic); recorded in the trace as `raw`. */
  async sendRaw(bytes: Uint8Array, peer: DatagramPeer): Promise<void> {
    if (this.#closed) throw new TransportClosedError(`${this.description} is closed`);
    this.trace.add(new LazyTraceEntry('out', nowNs(), bytes, `raw to ${formatPeer(peer)}`, describeCoapBytes));
    await this.#socket.send(bytes, peer);
  }

  /** Close the socket; pending requests reject with `TransportClosedError`. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const queued = [...this.#queued];
    this.#queued.clear();
    this.#nstart.clear();
    for (const p of queued) p.settle(new TransportClosedError(`${this.description} closed before ${p.what} was sent`));
    this.#cons.cancelAll();
    for (const w of [...this.#awaiting.values()]) w.abort(new TransportClosedError(`${this.description} closed while waiting for a response`));
    this.#awaiting.clear();
    this.#observations.clear();
    this.#subscribers.clear();
    await this.#socket.close();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #transmit(bytes: Uint8Array, peer: DatagramPeer, note: string): void {
    if (this.#closed) return;
    this.trace.add(new LazyTraceEntry('out', nowNs(), bytes, `${note} to ${formatPeer(peer)}`, describeCoapBytes));
    this.#socket.send(bytes, peer).catch((error: unknown) => {
      this.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: `send to ${formatPeer(peer)} failed: ${String(error)}` });
    });
  }

  /** Reply to a received message and remember the reply for its duplicates. */
  reply(seen: SeenMessage | undefined, message: CoapMessage, peer: DatagramPeer, note: string): void {
    const bytes = encodeCoap(message);
    if (seen) seen.reply = bytes;
    this.#transmit(bytes, peer, note);
  }

  #onDatagram(raw: Uint8Array, peer: DatagramPeer, atNs: bigint): void {
    const bytes = raw.slice();
    const decoded = decodeCoap(bytes);
    if (!decoded.ok) {
      this.trace.add(new LazyTraceEntry('in', atNs, bytes, `from ${formatPeer(peer)}; format error: ${decoded.error.message}`, describeCoapBytes));
      this.#publish({ bytes, message: undefined, error: decoded.error.message, peer, atNs, duplicate: false });
      // A CON with a format error is rejected with RST (RFC 7252 §4.2); an ACK that names one of our
      // CONs ends that exchange with the error; anything else is ignored.
      if (bytes.length >= 4 && bytes[0]! >> 6 === 1 && ((bytes[0]! >> 4) & 3) === 0) {
        this.reply(undefined, emptyMessage('RST', (bytes[2]! << 8) | bytes[3]!), peer, 'RST (format error)');
      } else if (bytes.length >= 4 && ((bytes[0]! >> 4) & 3) === 2) {
        this.#cons.malformed(peerKey(peer, String((bytes[2]! << 8) | bytes[3]!)), bytes, decoded.error.message, atNs);
      }
      return;
    }
    const m = decoded.value;
    const isAckOrRst = m.type === 'ACK' || m.type === 'RST';
    const key = dedupKey(peer.address, peer.port, m.messageId);
    const seen = isAckOrRst ? undefined : this.#dedup.get(key, Date.now());
    this.trace.add(new LazyTraceEntry('in', atNs, bytes, `from ${formatPeer(peer)}${seen ? '; duplicate' : ''}`, describeCoapBytes));
    this.#publish({ bytes, message: m, error: undefined, peer, atNs, duplicate: seen !== undefined });
    if (isAckOrRst) return this.#onAckOrReset(m, bytes, peer, atNs);
    if ([...this.#withheld].some((match) => match(m, peer))) return void this.trace.add({ direction: 'event', atNs, hex: '', note: `${m.type} MID ${m.messageId} from ${formatPeer(peer)} left unanswered on purpose` });
    if (seen) {
      this.#duplicates++;
      seen.duplicates++;
      if (seen.reply) this.#transmit(seen.reply, peer, `reply repeated for duplicate MID ${m.messageId}`);
      return;
    }
    const entry = this.#dedup.remember(key, m.type === 'CON' ? exchangeLifetimeMs(this.parameters) : nonLifetimeMs(this.parameters), Date.now());
    if (m.code === '0.00') {
      // An Empty CON is a ping; an Empty NON has no meaning. Both are answered with RST.
      return this.reply(entry, emptyMessage('RST', m.messageId), peer, m.type === 'CON' ? 'RST (ping)' : 'RST (empty NON)');
    }
    if (isRequestCode(m.code)) return void this.#responder.answer(m, bytes, peer, atNs, entry);
    if (isResponseCode(m.code)) return this.#onResponseMessage(m, bytes, peer, atNs, entry);
    this.reply(entry, emptyMessage('RST', m.messageId), peer, `RST (reserved code ${m.code})`);
  }

  #publish(m: CoapIncoming): void {
    for (const s of [...this.#subscribers]) {
      try {
        s(m);
      } catch {
        // A subscriber's failure must not stop the endpoint from answering.
      }
    }
  }

  #onAckOrReset(m: CoapMessage, bytes: Uint8Array, peer: DatagramPeer, atNs: bigint): void {
    const settled = this.#cons.settle(peerKey(peer, String(m.messageId)), m.type === 'ACK' ? 'ack' : 'reset', m, bytes, atNs);
    if (!settled) this.trace.add({ direction: 'event', atNs, hex: '', note: `${m.type} MID ${m.messageId} from ${formatPeer(peer)} matches nothing outstanding` });
  }

  /** A response arriving on its own: a separate response, a NON response or a notification. */
  #onResponseMessage(m: CoapMessage, bytes: Uint8Array, peer: DatagramPeer, atNs: bigint, entry: SeenMessage): void {
    const tokenKey = peerKey(peer, toHex(m.token));
    const waiting = this.#awaiting.get(tokenKey);
    const observation = waiting ? undefined : this.#observations.get(tokenKey);
    if (!waiting && !observation) {
      // Unknown token: RST, which is also how an observer cancels passively (RFC 7641 §3.6).
      return this.reply(entry, emptyMessage('RST', m.messageId), peer, 'RST (unknown token)');
    }
    if (m.type === 'CON') this.reply(entry, emptyMessage('ACK', m.messageId), peer, 'ACK');
    if (waiting) return waiting.deliver(m, bytes, atNs);
    observation!.notify(m, bytes, atNs);
    if (!observation!.isActive) this.forget(observation!);
  }

  /** Send a CON of ours (a separate response) and retransmit it until ACKed; give-up or RST goes to the trace. */
  sendConfirmable(message: CoapMessage, peer: DatagramPeer, note: string): void {
    if (this.#closed) return;
    this.#cons.start(peerKey(peer, String(message.messageId)), encodeCoap(message), peer, note, (end) => {
      if (end.kind === 'give-up' || end.kind === 'reset') {
        this.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: `${note} MID ${message.messageId} to ${formatPeer(peer)}: ${end.kind}` });
      }
    });
  }
}

export type { CoapOutcome, CoapRequestSpec, CoapRequestOptions, CoapIncoming } from './coap/types.ts';
export type { CoapRoute, CoapRequestHandler, CoapResponseSpec, CoapIncomingRequest } from './coap/router.ts';
