/**
 * SMP over UDP: one SMP buffer per datagram, no framing (Zephyr's UDP transport, port 1337).
 * @see docs/spec/smp.md §4.1
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { TransportClosedError, TransportError } from '../errors.ts';
import type { LinkEventListener, PacketListener, Transport } from '../core/transport.ts';
import { nowNs } from '../core/clock.ts';
import { TransportListeners } from './listeners.ts';

/** Options for `UdpTransport.open`. */
export interface UdpTransportOptions {
  /** IPv4 or IPv6 address (brackets accepted) or a host name. */
  host: string;
  port: number;
  /** Largest datagram sent; Zephyr's default `CONFIG_MCUMGR_TRANSPORT_UDP_MTU` is 1500. */
  maxPacketBytes?: number;
}

/** Strip the URL-style brackets of an IPv6 literal: `[::1]` → `::1`. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Resolve a host to one address and its family; literals skip DNS. IPv4 is preferred when a name
 * has both: `localhost` must reach a simulator or board listening on 127.0.0.1, and Node 20
 * would otherwise return ::1 first.
 */
async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const bare = unbracket(host);
  const literal = isIP(bare);
  if (literal === 4 || literal === 6) return { address: bare, family: literal };
  try {
    const all = await lookup(bare, { all: true });
    const found = all.find((a) => a.family === 4) ?? all[0];
    if (!found) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (cause) {
    throw new TransportError(`udp host ${bare}: cannot resolve (${errorCode(cause)})`, { cause });
  }
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return String(error);
}

/**
 * The datagram as a plain Uint8Array. Node gives each datagram its own ArrayBuffer; a view of it
 * is kept as is (no copy per packet), and only a Buffer sharing a pooled allocation is copied,
 * so a listener holding the bytes never sees them change.
 */
function ownedBytes(msg: Buffer): Uint8Array {
  const view = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
  return msg.byteOffset === 0 && msg.byteLength === msg.buffer.byteLength ? view : view.slice();
}

/**
 * A connected UDP socket carrying SMP packets, one per datagram.
 * @see docs/spec/smp.md §4.1
 */
export class UdpTransport implements Transport {
  readonly kind = 'udp';
  readonly description: string;
  readonly maxPacketBytes: number;
  private readonly socket: Socket;
  private readonly listeners = new TransportListeners();
  private closed = false;

  private constructor(socket: Socket, description: string, maxPacketBytes: number) {
    this.socket = socket;
    this.description = description;
    this.maxPacketBytes = maxPacketBytes;
    socket.on('message', (msg: Buffer) => {
      const atNs = nowNs();
      this.listeners.emitPacket(ownedBytes(msg), atNs);
    });
    // On a connected socket an ICMP port-unreachable surfaces as ECONNREFUSED: a link event, not a crash.
    socket.on('error', (error) => this.reportSocketError(error));
  }

  private reportSocketError(error: unknown): void {
    const code = errorCode(error);
    const hint = code === 'ECONNREFUSED' ? ' (ICMP port unreachable: nothing listening?)' : '';
    this.listeners.emitEvent({ kind: code === 'ECONNREFUSED' ? 'refused' : 'socket-error', message: `${this.description}: ${code}${hint}` });
  }

  /** Open a UDP socket connected to `host:port` (IPv4 or IPv6 chosen from the address). */
  static async open(options: UdpTransportOptions): Promise<UdpTransport> {
    const { port } = options;
    const maxPacketBytes = options.maxPacketBytes ?? 1500;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TransportError(`udp port ${port}: out of range 1-65535`);
    if (!Number.isInteger(maxPacketBytes) || maxPacketBytes < 8 || maxPacketBytes > 65507) {
      throw new TransportError(`udp maxPacketBytes ${maxPacketBytes}: out of range 8-65507`);
    }
    const { address, family } = await resolveHost(options.host);
    const shown = family === 6 ? `[${address}]` : address;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      socket.close();
      throw new TransportError(`udp://${shown}:${port}: cannot connect (${errorCode(cause)})`, { cause });
    }
    return new UdpTransport(socket, `udp://${shown}:${port}`, maxPacketBytes);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Send one SMP packet as one datagram; larger than `maxPacketBytes` is refused. */
  send(packet: Uint8Array): Promise<void> {
    if (packet.length > this.maxPacketBytes) return Promise.reject(this.#tooLarge(packet));
    return this.sendRaw(packet);
  }

  /** Send the bytes as exactly one datagram, whatever they hold; ECONNREFUSED becomes a `refused` event. */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#sendDatagram(bytes, resolve, reject));
  }

  /** As `send`, without a promise: `onError` hears of a failure. */
  sendWith(packet: Uint8Array, onError: (error: Error) => void): void {
    if (packet.length > this.maxPacketBytes) return onError(this.#tooLarge(packet));
    this.#sendDatagram(packet, undefined, onError);
  }

  #tooLarge(packet: Uint8Array): TransportError {
    return new TransportError(`${this.description}: packet of ${packet.length} bytes exceeds maxPacketBytes ${this.maxPacketBytes}`);
  }

  #sendDatagram(bytes: Uint8Array, onSent: (() => void) | undefined, onError: (error: Error) => void): void {
    if (this.closed) return onError(new TransportClosedError(`${this.description} is closed`));
    this.socket.send(bytes, (error) => {
      if (!error) return onSent?.();
      // A pending ICMP error can surface on the next send instead of on receive: same event, the
      // datagram is lost as any datagram may be, and the caller's timeout decides what it means.
      if (errorCode(error) === 'ECONNREFUSED') {
        this.reportSocketError(error);
        return onSent?.();
      }
      onError(new TransportError(`${this.description}: send failed (${errorCode(error)})`, { cause: error }));
    });
  }

  onPacket(listener: PacketListener): () => void {
    return this.listeners.onPacket(listener);
  }

  onEvent(listener: LinkEventListener): () => void {
    return this.listeners.onEvent(listener);
  }

  /** Close the socket; safe to call twice. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.listeners.clear();
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
