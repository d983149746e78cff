/**
 * The SMP client: sends typed requests and raw bytes over any transport, matches responses on
 * (seq, group, id) and the response op, limits requests in flight, and traces every packet.
 * @see docs/spec/smp.md §1.3, §1.6, §7
 */
import { DEFAULT_RESPONSE_TIMEOUT_MS } from '../core/timeouts.ts';
import { elapsedMs, nowNs } from '../core/clock.ts';
import type { Result } from '../core/result.ts';
import { TraceLog } from '../core/trace.ts';
import type { LinkEvent, Transport } from '../core/transport.ts';
import type { DecodedResponse, FieldProblem, SmpRequest } from '../codec/smp/command.ts';
import { SMP_HEADER_BYTES, SmpVersion } from '../codec/smp/constants.ts';
import { responseOpFor, type SmpHeader } from '../codec/smp/header.ts';
import { encodeSmpPacket, type SmpResponseBody } from '../codec/smp/message.ts';
import { TransportClosedError } from '../errors.ts';
import { LazyTraceEntry, describePacket, viewReceivedPacket, type ReceivedPacket } from './packet-view.ts';
import { PacketWait, PacketWaits, matchKey, promisedWait, timeoutError, type WaitSettlement } from './packet-waits.ts';
import { RequestWindow } from './request-window.ts';

export type { ReceivedPacket } from './packet-view.ts';

/** A matched response to a typed request, with the request it answers and its timing. */
export interface SmpReply<Rsp> {
  requestHeader: SmpHeader;
  requestBytes: Uint8Array;
  header: SmpHeader;
  payload: Uint8Array;
  body: SmpResponseBody;
  /** The command's typed view of the body; only when `body.kind === 'ok'`. */
  decoded: Result<DecodedResponse<Rsp>, FieldProblem[]> | undefined;
  sentAtNs: bigint;
  receivedAtNs: bigint;
  rttMs: number;
}

/** Options of an `SmpClient`. */
export interface SmpClientOptions {
  /** Per-request timeout (default 2000 ms). */
  timeoutMs?: number;
  /** Requests outstanding at once (default 1); later requests wait their turn. */
  window?: number;
  /** Header version bits for requests that do not set their own (default SMP v2). */
  version?: number;
  /** Where packets are recorded (default: a new `TraceLog`). */
  trace?: TraceLog;
  /** Told every answered request's round trip (`smp.os.echo`, ms): the run's timing histograms. */
  onReply?: (command: string, rttMs: number) => void;
}

/** A `collect` call in progress. */
interface Collector {
  accepts: (p: ReceivedPacket) => boolean;
  got: ReceivedPacket[];
  finish: () => void;
}

const DEFAULT_TIMEOUT_MS = DEFAULT_RESPONSE_TIMEOUT_MS;
/** Raw packet keys remembered before the expired ones are dropped (a fuzz loop sends thousands). */
const MAX_RAW_KEYS = 4096;

/** An SMP client bound to one transport; it owns the transport and closes it on `close()`. */
export class SmpClient {
  readonly trace: TraceLog;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #onReply: ((command: string, rttMs: number) => void) | undefined;
  readonly #version: number;
  readonly #window: RequestWindow;
  readonly #waits = new PacketWaits();
  readonly #collectors = new Set<Collector>();
  readonly #unsubscribe: (() => void)[];
  /**
   * One timer per client, armed for the earliest deadline, instead of a timer per request:
   * requests that complete in time cost no timer work at all.
   */
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweepAtMs = Number.POSITIVE_INFINITY;
  readonly #sweep = (): void => this.#expireDue();
  /** Request packets are built in the trace's own storage, where they are recorded. */
  readonly #allocate = (n: number): Uint8Array => this.trace.allocate(n);
  #seq = 0;
  #isClosed = false;
  /**
   * (group, id, seq) keys of raw packets sent lately, with the time (`performance.now()`) until
   * which a reply to them may still arrive: a typed request must not take such a key, or the
   * device's answer to the raw packet would be taken for the request's reply.
   */
  readonly #rawKeys = new Map<number, number>();

  constructor(transport: Transport, options: SmpClientOptions = {}) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#onReply = options.onReply;
    this.#version = options.version ?? SmpVersion.V2;
    this.#window = new RequestWindow(options.window ?? 1);
    this.trace = options.trace ?? new TraceLog();
    this.#unsubscribe = [
      transport.onPacket((bytes, atNs) => this.#onPacket(bytes, atNs)),
      transport.onEvent((event) => this.#onEvent(event)),
    ];
  }

  /** The transport's description (connection string form). */
  get endpoint(): string {
    return this.#transport.description;
  }

  /** Allocate the next sequence number (0–255, wrapping); each client counts on its own. */
  nextSeq(): number {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    return seq;
  }

  /**
   * Send a typed request and wait for its response. Rejects with `ResponseTimeoutError` when no
   * matching response arrives in time and `TransportClosedError` when the client closes.
   */
  async request<Rsp>(req: SmpRequest<Rsp>, options: { timeoutMs?: number; seq?: number } = {}): Promise<SmpReply<Rsp>> {
    if (!this.#window.tryAcquire()) await this.#window.acquire();
    try {
      if (this.#isClosed) throw new TransportClosedError();
      const { command } = req;
      const seq = options.seq ?? this.#freeSeq(command.group, command.id);
      const version = req.version ?? this.#version;
      const bytes = encodeSmpPacket({ op: command.op, group: command.group, id: command.id, seq, version, body: req.body }, this.#allocate);
      const { wait, promise } = promisedWait(matchKey(command.group, command.id, seq), responseOpFor(command.op), command.name, options.timeoutMs ?? this.#timeoutMs, true);
      const w = this.#startWait(wait);
      const sentAtNs = nowNs();
      this.trace.addPacket('out', sentAtNs, bytes, undefined, describePacket);
      // Not awaited: the reply is what the caller waits for, and a failed send settles the wait.
      this.#sendFor(w, bytes, true);
      const p = await promise;
      return this.#reply(req, seq, version, bytes, sentAtNs, p);
    } finally {
      this.#window.release();
    }
  }

  /** Send bytes: framed by the transport (default) or exactly as given (`framed: false`). */
  async sendRaw(bytes: Uint8Array, options: { framed?: boolean } = {}): Promise<void> {
    if (this.#isClosed) throw new TransportClosedError();
    const isFramed = options.framed ?? true;
    this.trace.addPacket('out', nowNs(), bytes, isFramed ? 'raw' : 'raw-unframed', describePacket);
    if (isFramed) this.#noteRawKey(bytes);
    await this.#transmit(bytes, isFramed);
  }

  /** Every packet that arrives within `waitMs` (and passes `match`), for silence checks. */
  collect(options: { waitMs: number; match?: (p: ReceivedPacket) => boolean }): Promise<ReceivedPacket[]> {
    if (this.#isClosed) return Promise.resolve([]);
    return new Promise((resolve) => {
      const c: Collector = {
        accepts: options.match ?? (() => true),
        got: [],
        finish: () => {
          clearTimeout(timer);
          this.#collectors.delete(c);
          resolve(c.got);
        },
      };
      const timer = setTimeout(c.finish, options.waitMs);
      this.#collectors.add(c);
    });
  }

  /** Send raw bytes and wait for the first packet with the given group, id and seq (any op). */
  exchangeRaw(
    bytes: Uint8Array,
    options: { match: { group: number; id: number; seq: number }; timeoutMs?: number; framed?: boolean },
  ): Promise<ReceivedPacket> {
    if (this.#isClosed) return Promise.reject(new TransportClosedError());
    const { group, id, seq } = options.match;
    const { wait, promise } = promisedWait(matchKey(group, id, seq), undefined, 'raw packet', options.timeoutMs ?? this.#timeoutMs);
    this.#exchange(wait, bytes, options.framed ?? true);
    return promise;
  }

  /**
   * As `exchangeRaw`, but the outcome goes to `settle` (called once: the first packet with this
   * group, id and seq, or the timeout, send or close error) instead of a promise: a pipeline
   * keeping many packets in flight (the image upload) pays no promise per packet, and can send
   * its next packet from inside `settle`, as soon as the reply is in.
   */
  exchangeRawWith(bytes: Uint8Array, match: { group: number; id: number; seq: number }, timeoutMs: number | undefined, settle: WaitSettlement): void {
    if (this.#isClosed) return settle.reject(new TransportClosedError());
    this.#exchange(new PacketWait(matchKey(match.group, match.id, match.seq), undefined, 'raw packet', timeoutMs ?? this.#timeoutMs, settle), bytes, true);
  }

  #exchange(wait: PacketWait, bytes: Uint8Array, isFramed: boolean): void {
    const w = this.#startWait(wait);
    this.trace.addPacket('out', nowNs(), bytes, isFramed ? 'raw' : 'raw-unframed', describePacket);
    // As for typed requests, the send is not awaited: its failure settles the wait.
    this.#sendFor(w, bytes, isFramed);
  }

  /** Reject pending and queued requests with `TransportClosedError` and close the transport. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const off of this.#unsubscribe) off();
    const error = new TransportClosedError(`client for ${this.endpoint} closed`);
    this.#window.close(error);
    clearTimeout(this.#sweepTimer);
    for (const w of this.#waits.drain()) w.reject(error);
    for (const c of [...this.#collectors]) c.finish();
    await this.#transport.close();
  }

  /** The reply to a typed request, with the command's typed view of the body. */
  #reply<Rsp>(req: SmpRequest<Rsp>, seq: number, version: number, bytes: Uint8Array, sentAtNs: bigint, p: ReceivedPacket): SmpReply<Rsp> {
    const { command } = req;
    const rttMs = elapsedMs(sentAtNs, p.atNs);
    this.#onReply?.(`smp.${command.name}`, rttMs);
    // The wait matched on the header, and a packet with a header always has a classified body.
    const header = p.header as SmpHeader;
    const body = p.body as SmpResponseBody;
    return {
      requestHeader: { op: command.op, version, reserved: 0, flags: 0, length: bytes.length - SMP_HEADER_BYTES, group: command.group, seq, id: command.id },
      requestBytes: bytes,
      header,
      payload: p.bytes.subarray(SMP_HEADER_BYTES),
      body,
      decoded: body.kind === 'ok' ? command.decodeResponse(body.rsp) : undefined,
      sentAtNs,
      receivedAtNs: p.atNs,
      rttMs,
    };
  }

  /** Send for a registered wait; a failed send (rejected or thrown) fails that wait. */
  #sendFor(w: PacketWait, bytes: Uint8Array, isFramed: boolean): void {
    try {
      if (isFramed && this.#transport.sendWith !== undefined) this.#transport.sendWith(bytes, (e) => this.#failSend(w, e));
      else this.#transmit(bytes, isFramed).then(undefined, (e: unknown) => this.#failSend(w, e));
    } catch (e) {
      this.#failSend(w, e);
    }
  }

  /** Hand bytes to the transport, framed by it or exactly as given. */
  #transmit(bytes: Uint8Array, isFramed: boolean): Promise<void> {
    return isFramed ? this.#transport.send(bytes) : this.#transport.sendRaw(bytes);
  }

  /** A send failed: the request (or raw exchange) waiting on it fails with the send's error. */
  #failSend(w: PacketWait, error: unknown): void {
    if (this.#waits.remove(w)) w.reject(error instanceof Error ? error : new Error(String(error)));
  }

  #startWait(w: PacketWait): PacketWait {
    this.#waits.add(w);
    if (w.deadlineMs < this.#sweepAtMs) this.#armSweep(w.deadlineMs);
    return w;
  }

  /**
   * Unref'd: an open transport keeps the process alive while replies are awaited, and a client
   * with nothing pending must not hold a CLI open until an old deadline passes.
   */
  #armSweep(atMs: number): void {
    clearTimeout(this.#sweepTimer);
    this.#sweepAtMs = atMs;
    this.#sweepTimer = setTimeout(this.#sweep, Math.max(0, Math.ceil(atMs - performance.now())));
    this.#sweepTimer.unref();
  }

  /** Fail every wait whose deadline has passed; re-arm for the earliest one left. */
  #expireDue(): void {
    this.#sweepTimer = undefined;
    this.#sweepAtMs = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const w of this.#waits.all()) {
      if (w.deadlineMs <= now) this.#expire(w);
      else next = Math.min(next, w.deadlineMs);
    }
    if (next !== Number.POSITIVE_INFINITY && !this.#isClosed) this.#armSweep(next);
  }

  #expire(w: PacketWait): void {
    this.#waits.remove(w);
    this.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: 'timeout', decoded: { what: w.describe(), timeoutMs: w.timeoutMs } });
    w.reject(timeoutError(w, this.endpoint));
  }

  /**
   * The next seq not pending for this group and id, nor used by a raw packet whose reply may
   * still come (a wrap or a raw packet must not alias a reply).
   */
  #freeSeq(group: number, id: number): number {
    const now = this.#rawKeys.size === 0 ? 0 : performance.now();
    for (let i = 0; i < 256; i++) {
      const seq = this.nextSeq();
      const key = matchKey(group, id, seq);
      if (!this.#waits.has(key) && !((this.#rawKeys.get(key) ?? 0) > now)) return seq;
    }
    return this.nextSeq();
  }

  /** Remember the key of a raw packet that has an SMP header, for the client's timeout. */
  #noteRawKey(bytes: Uint8Array): void {
    if (bytes.length < SMP_HEADER_BYTES) return;
    const now = performance.now();
    // The map is ordered by time (a key is re-inserted when sent again): drop from the oldest
    // end what has expired, and the oldest anyway while full, so each send costs O(1) on average.
    for (const [k, until] of this.#rawKeys) {
      if (until > now && this.#rawKeys.size < MAX_RAW_KEYS) break;
      this.#rawKeys.delete(k);
    }
    const key = matchKey((bytes[4]! << 8) | bytes[5]!, bytes[7]!, bytes[6]!);
    // Re-inserted so the map's order stays oldest first.
    this.#rawKeys.delete(key);
    this.#rawKeys.set(key, now + this.#timeoutMs);
  }

  #onPacket(bytes: Uint8Array, atNs: bigint): void {
    const p = viewReceivedPacket(bytes, atNs);
    if (this.#collectors.size > 0) for (const c of this.#collectors) if (c.accepts(p)) c.got.push(p);
    const h = p.header;
    const w = h === undefined ? undefined : this.#waits.take(h.group, h.id, h.seq, h.op);
    this.trace.addPacket('in', atNs, bytes, w ? undefined : 'unmatched', describePacket);
    w?.resolve(p);
  }

  #onEvent(event: LinkEvent): void {
    const entry = event.bytes
      ? new LazyTraceEntry('event', event.atNs, event.bytes, event.kind, () => event.message)
      : { direction: 'event' as const, atNs: event.atNs, hex: '', note: event.kind, decoded: event.message };
    this.trace.add(entry);
  }
}
