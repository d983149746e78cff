/**
 * The client's one UDP socket, at the CoAP message layer: requests from the server go to a
 * handler whose answer is sent piggybacked in the ACK (CON) or as a NON (NON); duplicate CONs
 * (same peer and message id within EXCHANGE_LIFETIME) get the cached answer again without a
 * second execution; the client's own CON requests are retransmitted with RFC 7252 back-off and
 * matched by message id (piggybacked) or token (separate response, which is acknowledged).
 * @see docs/spec/lwm2m.md §1.2 (message types), §1.4 (token/MID), §1.7 (transmission parameters)
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeCoap, encodeCoap, type CoapDecodeFailure, type CoapMessage } from '../../codec/coap/message.ts';
import { isRequestCode, isResponseCode } from '../../codec/coap/codes.ts';
import { DtlsLinks, type DtlsCredentials } from './dtls-links.ts';

/** A UDP peer. */
export interface Peer {
  readonly address: string;
  readonly port: number;
}

/** What the request handler answers: a response message (type/mid/token filled in by the socket), raw bytes, or nothing. */
export type HandlerAnswer = { kind: 'response'; message: Pick<CoapMessage, 'code' | 'options' | 'payload'> } | { kind: 'raw'; bytes: Uint8Array } | { kind: 'silent' };

/** Handles one server request. */
export type RequestHandler = (request: CoapMessage, peer: Peer) => HandlerAnswer;

/** Timing of the client's own confirmable messages (RFC 7252 §4.8 names). */
export interface ConTiming {
  ackTimeoutMs: number;
  ackRandomFactor: number;
  maxRetransmit: number;
}

/** RFC 7252 defaults: 2 s, 1.5, 4. */
export const DEFAULT_CON_TIMING: ConTiming = { ackTimeoutMs: 2000, ackRandomFactor: 1.5, maxRetransmit: 4 };
/** RFC 7252 EXCHANGE_LIFETIME (247 s): how long a CON's answer is kept for duplicates. */
export const EXCHANGE_LIFETIME_MS = 247_000;
const DEDUP_ENTRIES_MAX = 256;

/** Outcome of one of the client's own CON requests. */
export type ConOutcome = { kind: 'response'; message: CoapMessage } | { kind: 'reset' } | { kind: 'timeout' };

interface PendingCon {
  readonly messageId: number;
  /** An empty ACK is the whole answer (notifications), not the promise of a separate response. */
  readonly isEmptyAckFinal: boolean;
  readonly token: Uint8Array;
  isAcked: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(outcome: ConOutcome): void;
}

/** Options of the socket. */
export interface CoapSocketOptions {
  server: Peer;
  localAddress: string;
  localPort: number;
  timing: ConTiming;
  /**
   * Retransmission of the client's CONs: `rfc` (RFC 7252 §4.2: the timeout doubles after each
   * try), or a fault: `no-backoff` (the first timeout every time), `none` (sent once).
   */
  retransmission?: 'rfc' | 'no-backoff' | 'none';
  /** False disables the duplicate cache (a fault: duplicates run twice). */
  hasDedup: boolean;
  onRequest: RequestHandler;
  /** An RST or ACK answering one of the client's NON/CON notifications, by message id. */
  onReset: (messageId: number) => void;
  /** CoAP over DTLS with this PSK (CoAPs); absent: plain CoAP over UDP. */
  dtls?: DtlsCredentials;
  /** The answer to an empty CON (CoAP ping): RST (RFC 7252 §4.3), or under a fault an ACK 4.00, as to a request without a method. */
  pingReply?: 'RST' | 'ACK 4.00';
  /** A lenient parser's reading of a datagram that is not CoAP (fault profiles); undefined = reject it. */
  repair?: (bytes: Uint8Array, failure: CoapDecodeFailure) => Uint8Array | undefined;
}

/** The client's CoAP socket. */
export class CoapSocket {
  readonly #socket: Socket;
  #options: CoapSocketOptions;
  readonly #pending = new Map<number, PendingCon>();
  readonly #answered = new Map<string, { bytes: Uint8Array | undefined; at: number }>();
  #nextMessageId: number;
  #isClosed = false;
  #local: Peer | undefined;
  /** The DTLS associations when the client speaks CoAPs. */
  readonly dtls: DtlsLinks | undefined;

  private constructor(socket: Socket, options: CoapSocketOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#nextMessageId = Math.floor(Math.random() * 0x10000);
    const udpSend = (bytes: Uint8Array, peer: Peer): void => {
      if (!this.#isClosed) socket.send(bytes, peer.port, peer.address, () => undefined);
    };
    this.dtls = options.dtls ? new DtlsLinks(options.dtls, udpSend, (plaintext, peer) => this.#receive(plaintext, peer)) : undefined;
    socket.on('message', (msg, rinfo) => {
      const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
      const peer = { address: rinfo.address, port: rinfo.port };
      if (this.dtls) this.dtls.receive(bytes, peer);
      else this.#receive(bytes, peer);
    });
    socket.on('error', () => undefined);
  }

  /** Bind a socket (port 0 = any free port). */
  static async open(options: CoapSocketOptions): Promise<CoapSocket> {
    const socket = createSocket({ type: options.localAddress.includes(':') ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.localPort, options.localAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new CoapSocket(socket, options);
  }

  /** The bound address (read once: each `address()` is a system call). */
  get local(): Peer {
    if (this.#local === undefined) {
      const a = this.#socket.address();
      this.#local = { address: a.address, port: a.port };
    }
    return this.#local;
  }

  /** A fresh message id (sequential from a random start, as Zephyr does). */
  nextMessageId(): number {
    this.#nextMessageId = (this.#nextMessageId + 1) & 0xffff;
    return this.#nextMessageId;
  }

  /** Send later requests to another server (the DM server a bootstrap named). */
  retarget(server: Peer): void {
    this.#options = { ...this.#options, server };
  }

  /** Send raw CoAP bytes to the server (inside the peer's DTLS association when the client speaks CoAPs). */
  sendRaw(bytes: Uint8Array, peer: Peer = this.#options.server): void {
    if (this.#isClosed) return;
    if (this.dtls) this.dtls.send(bytes, peer);
    else this.#socket.send(bytes, peer.port, peer.address, () => undefined);
  }

  /** Send a CON request/notification and wait for its answer (retransmitting until MAX_RETRANSMIT). */
  sendCon(message: Omit<CoapMessage, 'type' | 'messageId'> & { messageId?: number }, options: { isEmptyAckFinal?: boolean; encode?: (m: CoapMessage) => Uint8Array } = {}): Promise<ConOutcome> {
    const peer = this.#options.server;
    const encode = options.encode ?? encodeCoap;
    const full: CoapMessage = { ...message, type: 'CON', messageId: message.messageId ?? this.nextMessageId() };
    const bytes = encode(full);
    return new Promise((resolve) => {
      const { timing } = this.#options;
      const pending: PendingCon = { messageId: full.messageId, isEmptyAckFinal: options.isEmptyAckFinal === true, token: full.token, isAcked: false, timer: undefined, resolve: (o) => { this.#settle(pending); resolve(o); } };
      this.#pending.set(full.messageId, pending);
      let timeout = timing.ackTimeoutMs * (1 + Math.random() * (timing.ackRandomFactor - 1));
      let sent = 0;
      const mode = this.#options.retransmission ?? 'rfc';
      const maxRetransmit = mode === 'none' ? 0 : timing.maxRetransmit;
      const transmit = (): void => {
        if (this.#isClosed) return pending.resolve({ kind: 'timeout' });
        if (sent > maxRetransmit) return pending.resolve({ kind: 'timeout' });
        sent += 1;
        this.sendRaw(bytes, peer);
        pending.timer = setTimeout(() => { if (!pending.isAcked) transmit(); }, timeout);
        if (mode === 'rfc') timeout *= 2;
      };
      transmit();
    });
  }

  /** Close the socket; pending CONs resolve as timeouts. */
  close(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    for (const p of [...this.#pending.values()]) p.resolve({ kind: 'timeout' });
    // close_notify goes out before the socket closes.
    this.dtls?.close();
    this.#isClosed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #settle(p: PendingCon): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    this.#pending.delete(p.messageId);
  }

  #receive(bytes: Uint8Array, peer: Peer): void {
    const decoded = decodeCoap(bytes);
    if (!decoded.ok) {
      const repaired = this.#options.repair?.(bytes, decoded.error);
      if (repaired !== undefined) return this.#receive(repaired, peer);
      // A malformed CON is rejected with RST when its header and message id are readable (RFC 7252 §4.2).
      if (bytes.length >= 4 && (bytes[0]! >> 6) === 1 && ((bytes[0]! >> 4) & 3) === 0) this.sendRaw(Uint8Array.of(0x70, 0, bytes[2]!, bytes[3]!), peer);
      return;
    }
    const m = decoded.value;
    if (m.type === 'ACK' || m.type === 'RST') return this.#answer(m);
    if (isResponseCode(m.code)) return this.#separateResponse(m, peer);
    if (m.code === '0.00') {
      const isBadRequest = this.#options.pingReply === 'ACK 4.00';
      if (m.type === 'CON') this.sendRaw(encodeCoap({ type: isBadRequest ? 'ACK' : 'RST', code: isBadRequest ? '4.00' : '0.00', messageId: m.messageId, token: new Uint8Array(0), options: [], payload: new Uint8Array(0) }), peer);
      return;
    }
    if (isRequestCode(m.code)) this.#request(m, peer);
  }

  #answer(m: CoapMessage): void {
    const p = this.#pending.get(m.messageId);
    if (p === undefined) {
      if (m.type === 'RST') this.#options.onReset(m.messageId);
      return;
    }
    if (m.type === 'RST') return p.resolve({ kind: 'reset' });
    if (m.code === '0.00' && !p.isEmptyAckFinal) {
      // Empty ACK: a separate response with the same token follows; stop retransmitting.
      p.isAcked = true;
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.timer = setTimeout(() => p.resolve({ kind: 'timeout' }), this.#options.timing.ackTimeoutMs * 16);
      return;
    }
    p.resolve({ kind: 'response', message: m });
  }

  #separateResponse(m: CoapMessage, peer: Peer): void {
    const p = [...this.#pending.values()].find((q) => sameBytes(q.token, m.token));
    if (m.type === 'CON') {
      const reply = p === undefined ? 'RST' : 'ACK';
      this.sendRaw(encodeCoap({ type: reply, code: '0.00', messageId: m.messageId, token: new Uint8Array(0), options: [], payload: new Uint8Array(0) }), peer);
    }
    p?.resolve({ kind: 'response', message: m });
  }

  #request(m: CoapMessage, peer: Peer): void {
    const key = `${peer.address}|${peer.port}|${m.messageId}|${m.type}`;
    const now = Date.now();
    const seen = this.#options.hasDedup ? this.#answered.get(key) : undefined;
    if (seen !== undefined && now - seen.at < EXCHANGE_LIFETIME_MS) {
      if (seen.bytes !== undefined) this.sendRaw(seen.bytes, peer);
      return;
    }
    const answer = this.#options.onRequest(m, peer);
    const bytes = answer.kind === 'raw' ? answer.bytes
      : answer.kind === 'response'
        ? encodeCoap({ ...answer.message, type: m.type === 'CON' ? 'ACK' : 'NON', messageId: m.type === 'CON' ? m.messageId : this.nextMessageId(), token: m.token })
        : undefined;
    this.#remember(key, bytes, now);
    if (bytes !== undefined) this.sendRaw(bytes, peer);
  }

  #remember(key: string, bytes: Uint8Array | undefined, now: number): void {
    this.#answered.set(key, { bytes, at: now });
    if (this.#answered.size > DEDUP_ENTRIES_MAX) this.#answered.delete(this.#answered.keys().next().value!);
  }
}

/** Byte equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
