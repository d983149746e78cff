/**
 * A minimal LwM2M server peer for tests: a real loopback UDP socket and the CoAP codec. It
 * answers Register (2.01, Location-Path rd/1), Update (2.04) and De-register (2.02) unless told
 * otherwise, records every datagram with its arrival time, acknowledges CON notifications, and
 * sends requests to the registered client.
 */
import { createSocket, type Socket } from 'node:dgram';
import { uriPath } from '../../../../src/codec/coap/access.ts';
import { decodeCoap, encodeCoap, type CoapMessage, type CoapOptionValue } from '../../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeStringValue, encodeUintValue } from '../../../../src/codec/coap/values.ts';

/** One received datagram. */
export interface Received {
  readonly bytes: Uint8Array;
  readonly message: CoapMessage | undefined;
  readonly atMs: number;
  readonly from: { address: string; port: number };
}

/** How the server answers a client request: a code (and options), or silence. */
export type ServerReply = { code: string; options?: CoapOptionValue[]; payload?: Uint8Array } | 'silent';

/** Loopback LwM2M server for tests. */
export class TestServer {
  readonly received: Received[] = [];
  /** When the server was opened (a client started right after it counts its start from here). */
  readonly openedAtMs = Date.now();
  client: { address: string; port: number } | undefined;
  /** Override the answer to client requests (Register, Update, De-register). */
  reply: (m: CoapMessage) => ServerReply | undefined = () => undefined;
  /** Answer CON notifications with RST instead of ACK. */
  resetNotifications = false;
  readonly #socket: Socket;
  readonly #waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  #mid = 0x5100;
  #token = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => this.#receive(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
  }

  /** Bind on 127.0.0.1, any port. */
  static async open(): Promise<TestServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new TestServer(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  get uri(): string {
    return `coap://127.0.0.1:${this.port}`;
  }

  /** Wait for a datagram matching `match` (already received ones count). */
  waitFor(match: (r: Received) => boolean, timeoutMs = 5000, since = 0): Promise<Received> {
    const seen = this.received.slice(since).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching datagram within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ match, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
  }

  /** Wait for a client request with this method and first path segment. */
  waitForRequest(code: string, firstSegment: string, timeoutMs = 5000, since = 0): Promise<Received> {
    return this.waitFor((r) => r.message?.code === code && uriPath(r.message)[0] === firstSegment, timeoutMs, since);
  }

  /** Send raw bytes to the client and wait for the datagram answering `messageId` / `token`. */
  async exchange(bytes: Uint8Array, timeoutMs = 3000): Promise<Received> {
    const sent = decodeCoap(bytes);
    const since = this.received.length;
    this.sendRaw(bytes);
    if (!sent.ok) throw new Error('exchange needs a decodable request');
    return this.waitFor((r) => r.message !== undefined && (r.message.type === 'ACK' || r.message.type === 'RST') && r.message.messageId === sent.value.messageId, timeoutMs, since);
  }

  /** Build and send a CON request; resolves with the ACK. */
  request(code: string, path: string, extra: { options?: CoapOptionValue[]; payload?: Uint8Array; token?: Uint8Array; messageId?: number } = {}): Promise<Received> {
    return this.exchange(this.build(code, path, extra));
  }

  /** Encode a CON request (fresh MID and 4-byte token unless given). */
  build(code: string, path: string, extra: { options?: CoapOptionValue[]; payload?: Uint8Array; token?: Uint8Array; messageId?: number } = {}): Uint8Array {
    const segments = path.split('/').filter((s) => s !== '');
    const options = [...segments.map((s) => ({ number: CoapOption.URI_PATH, value: encodeStringValue(s) })), ...(extra.options ?? [])];
    return encodeCoap({ type: 'CON', code, messageId: extra.messageId ?? this.nextMid(), token: extra.token ?? this.nextToken(), options, payload: extra.payload ?? new Uint8Array(0) });
  }

  nextMid(): number {
    this.#mid = (this.#mid + 1) & 0xffff;
    return this.#mid;
  }

  nextToken(): Uint8Array {
    const t = this.#token++;
    return Uint8Array.of(0xc0, 0xde, (t >> 8) & 0xff, t & 0xff);
  }

  sendRaw(bytes: Uint8Array): void {
    if (this.client === undefined) throw new Error('no client registered yet');
    this.#socket.send(bytes, this.client.port, this.client.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(bytes: Uint8Array, from: { address: string; port: number }): void {
    const decoded = decodeCoap(bytes);
    const r: Received = { bytes, message: decoded.ok ? decoded.value : undefined, atMs: Date.now(), from };
    this.received.push(r);
    const m = r.message;
    if (m !== undefined) this.#autoAnswer(m, from);
    for (const w of this.#waiters.splice(0)) {
      if (w.match(r)) w.resolve(r);
      else this.#waiters.push(w);
    }
  }

  #autoAnswer(m: CoapMessage, from: { address: string; port: number }): void {
    const empty = new Uint8Array(0);
    if (m.type === 'CON' && m.code === '2.05') {
      this.#socket.send(encodeCoap({ type: this.resetNotifications ? 'RST' : 'ACK', code: '0.00', messageId: m.messageId, token: empty, options: [], payload: empty }), from.port, from.address);
      return;
    }
    if (m.type !== 'CON' || !m.code.startsWith('0.') || m.code === '0.00') return;
    if (uriPath(m)[0] === 'rd') this.client = from;
    const custom = this.reply(m);
    if (custom === 'silent') return;
    const segments = uriPath(m);
    const fallback: ServerReply = m.code === '0.02' && segments.length === 1 && segments[0] === 'rd'
      ? { code: '2.01', options: ['rd', '1'].map((s) => ({ number: CoapOption.LOCATION_PATH, value: encodeStringValue(s) })) }
      : { code: m.code === '0.04' ? '2.02' : '2.04' };
    const answer = custom ?? fallback;
    this.#socket.send(encodeCoap({ type: 'ACK', code: answer.code, messageId: m.messageId, token: m.token, options: answer.options ?? [], payload: answer.payload ?? empty }), from.port, from.address);
  }
}

/** A uint option value. */
export function uintOption(number: number, value: number): CoapOptionValue {
  return { number, value: encodeUintValue(value) };
}

/** A string option value. */
export function stringOption(number: number, value: string): CoapOptionValue {
  return { number, value: encodeStringValue(value) };
}

/** Hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
