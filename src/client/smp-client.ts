/**
 * The SMP client: sends typed requests and raw bytes over any transport, matches responses on
 * (seq, group, id) and the response op, limits requests in flight, and traces every packet.
 * @see ../../../shared/spec/smp.md §1.3, §1.6, §7
 */
import { elapsedMs, nowNs } from '../core/clock.ts';
import type { Result } from '../core/result.ts';
import { TraceLog } from '../core/trace.ts';
import type { LinkEvent, Transport } from '../core/transport.ts';
import type { DecodedResponse, FieldProblem, SmpRequest } from '../codec/smp/command.ts';
import { SmpVersion } from '../codec/smp/constants.ts';
import { responseOpFor, type SmpHeader } from '../codec/smp/header.ts';
import { encodeSmpPacket, type SmpResponseBody } from '../codec/smp/message.ts';
import { ResponseTimeoutError, TransportClosedError } from '../errors.ts';
import { lazyTraceEntry, viewReceivedPacket, type ReceivedPacket } from './packet-view.ts';
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
}

/** Something waiting for a packet: a typed request, an `exchangeRaw` call or a `collect` call. */
interface PacketWaiter {
  accepts(p: ReceivedPacket): boolean;
  deliver(p: ReceivedPacket): void;
}

const DEFAULT_TIMEOUT_MS = 2000;

/** Key of a (group, id, seq) triple; group is 16 bits, id and seq 8 bits each. */
function matchKey(group: number, id: number, seq: number): number {
  return group * 65536 + id * 256 + seq;
}

/** An SMP client bound to one transport; it owns the transport and closes it on `close()`. */
export class SmpClient {
  readonly trace: TraceLog;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #version: number;
  readonly #window: RequestWindow;
  /** Pending typed requests by match key; several when a caller forces a repeated seq. */
  readonly #pending = new Map<number, PacketWaiter[]>();
  readonly #rawWaiters = new Set<PacketWaiter>();
  readonly #collectors = new Set<PacketWaiter>();
  readonly #closers = new Set<(error: Error) => void>();
  readonly #unsubscribe: (() => void)[];
  #seq = 0;
  #isClosed = false;

  constructor(transport: Transport, options: SmpClientOptions = {}) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
    await this.#window.acquire();
    try {
      return await this.#requestInWindow(req, options);
    } finally {
      this.#window.release();
    }
  }

  /** Send bytes: framed by the transport (default) or exactly as given (`framed: false`). */
  async sendRaw(bytes: Uint8Array, options: { framed?: boolean } = {}): Promise<void> {
    if (this.#isClosed) throw new TransportClosedError();
    const isFramed = options.framed ?? true;
    this.trace.add(lazyTraceEntry('out', nowNs(), bytes, isFramed ? 'raw' : 'raw-unframed'));
    await (isFramed ? this.#transport.send(bytes) : this.#transport.sendRaw(bytes));
  }

  /** Every packet that arrives within `waitMs` (and passes `match`), for silence checks. */
  collect(options: { waitMs: number; match?: (p: ReceivedPacket) => boolean }): Promise<ReceivedPacket[]> {
    const got: ReceivedPacket[] = [];
    if (this.#isClosed) return Promise.resolve(got);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#collectors.delete(collector);
        this.#closers.delete(finish);
        resolve(got);
      };
      const collector: PacketWaiter = { accepts: options.match ?? (() => true), deliver: (p) => got.push(p) };
      const timer = setTimeout(finish, options.waitMs);
      this.#collectors.add(collector);
      this.#closers.add(finish);
    });
  }

  /** Send raw bytes and wait for the first packet with the given group, id and seq (any op). */
  async exchangeRaw(
    bytes: Uint8Array,
    options: { match: { group: number; id: number; seq: number }; timeoutMs?: number; framed?: boolean },
  ): Promise<ReceivedPacket> {
    const { group, id, seq } = options.match;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const what = `raw packet (group ${group} id ${id} seq ${seq}) to ${this.endpoint}`;
    if (this.#isClosed) throw new TransportClosedError();
    const [reply, cancel] = this.#waitFor(
      (p) => p.header !== undefined && p.header.group === group && p.header.id === id && p.header.seq === seq,
      timeoutMs,
      what,
      (w) => this.#rawWaiters.add(w),
      (w) => this.#rawWaiters.delete(w),
    );
    try {
      await this.sendRaw(bytes, options.framed === undefined ? {} : { framed: options.framed });
    } catch (e) {
      cancel();
      throw e;
    }
    return reply;
  }

  /** Reject pending and queued requests with `TransportClosedError` and close the transport. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const off of this.#unsubscribe) off();
    const error = new TransportClosedError(`client for ${this.endpoint} closed`);
    this.#window.close(error);
    for (const close of [...this.#closers]) close(error);
    await this.#transport.close();
  }

  async #requestInWindow<Rsp>(req: SmpRequest<Rsp>, options: { timeoutMs?: number; seq?: number }): Promise<SmpReply<Rsp>> {
    if (this.#isClosed) throw new TransportClosedError();
    const { command } = req;
    const seq = options.seq ?? this.#freeSeq(command.group, command.id);
    const version = req.version ?? this.#version;
    const bytes = encodeSmpPacket({ op: command.op, group: command.group, id: command.id, seq, version, body: req.body });
    const key = matchKey(command.group, command.id, seq);
    const rspOp = responseOpFor(command.op);
    const what = `${command.name} (group ${command.group} id ${command.id} seq ${seq}) to ${this.endpoint}`;
    const list = (): PacketWaiter[] => this.#pending.get(key) ?? [];
    const [reply, cancel] = this.#waitFor(
      (p) => p.header !== undefined && p.header.op === rspOp,
      options.timeoutMs ?? this.#timeoutMs,
      what,
      (w) => this.#pending.set(key, [...list(), w]),
      (w) => this.#removePending(key, w),
    );
    const sentAtNs = nowNs();
    this.trace.add(lazyTraceEntry('out', sentAtNs, bytes));
    try {
      await this.#transport.send(bytes);
    } catch (e) {
      cancel();
      throw e;
    }
    const p = await reply;
    // The matcher checked the header, and a typed request always has one.
    const header = p.header as SmpHeader;
    const body = p.body as SmpResponseBody;
    return {
      requestHeader: { op: command.op, version, reserved: 0, flags: 0, length: bytes.length - 8, group: command.group, seq, id: command.id },
      requestBytes: bytes,
      header,
      payload: p.bytes.subarray(8),
      body,
      decoded: body.kind === 'ok' ? command.decodeResponse(body.rsp) : undefined,
      sentAtNs,
      receivedAtNs: p.atNs,
      rttMs: elapsedMs(sentAtNs, p.atNs),
    };
  }

  /**
   * Register a waiter with a timeout; it removes itself on delivery, timeout or close. The
   * second element withdraws it without settling (the send failed and the caller rethrows).
   */
  #waitFor(
    accepts: (p: ReceivedPacket) => boolean,
    timeoutMs: number,
    what: string,
    register: (w: PacketWaiter) => void,
    unregister: (w: PacketWaiter) => void,
  ): [Promise<ReceivedPacket>, () => void] {
    let cancel = (): void => undefined;
    const promise = new Promise<ReceivedPacket>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        unregister(waiter);
        this.#closers.delete(onClose);
      };
      const waiter: PacketWaiter = { accepts, deliver: (p) => (done(), resolve(p)) };
      const onClose = (error: Error): void => (done(), reject(error));
      const timer = setTimeout(() => {
        done();
        this.trace.add({ direction: 'event', atNs: nowNs(), hex: '', note: 'timeout', decoded: { what, timeoutMs } });
        reject(new ResponseTimeoutError(what, timeoutMs));
      }, timeoutMs);
      register(waiter);
      this.#closers.add(onClose);
      cancel = done;
    });
    // A close during a failing send rejects a promise nobody awaits; mark it handled.
    promise.catch(() => undefined);
    return [promise, cancel];
  }

  #removePending(key: number, w: PacketWaiter): void {
    const rest = (this.#pending.get(key) ?? []).filter((x) => x !== w);
    if (rest.length === 0) this.#pending.delete(key);
    else this.#pending.set(key, rest);
  }

  /** The next seq not already pending for this group and id (a wrap must not alias a reply). */
  #freeSeq(group: number, id: number): number {
    for (let i = 0; i < 256; i++) {
      const seq = this.nextSeq();
      if (!this.#pending.has(matchKey(group, id, seq))) return seq;
    }
    return this.nextSeq();
  }

  #onPacket(bytes: Uint8Array, atNs: bigint): void {
    const p = viewReceivedPacket(bytes, atNs);
    for (const c of this.#collectors) if (c.accepts(p)) c.deliver(p);
    const matched = this.#deliver(p);
    this.trace.add(lazyTraceEntry('in', atNs, bytes, matched ? undefined : 'unmatched'));
  }

  #deliver(p: ReceivedPacket): boolean {
    const h = p.header;
    if (h === undefined) return false;
    const waiter = this.#pending.get(matchKey(h.group, h.id, h.seq))?.find((w) => w.accepts(p));
    if (waiter) {
      waiter.deliver(p);
      return true;
    }
    for (const w of this.#rawWaiters) {
      if (w.accepts(p)) {
        w.deliver(p);
        return true;
      }
    }
    return false;
  }

  #onEvent(event: LinkEvent): void {
    const entry = event.bytes
      ? lazyTraceEntry('event', event.atNs, event.bytes, event.kind, () => event.message)
      : { direction: 'event' as const, atNs: event.atNs, hex: '', note: event.kind, decoded: event.message };
    this.trace.add(entry);
  }
}
