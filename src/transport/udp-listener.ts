/**
 * A bound UDP socket that receives datagrams from any peer and sends to a named peer: the
 * server side of CoAP/UDP (the harness as LwM2M server on port 5683).
 * @see docs/spec/lwm2m.md §1.7 (default ports)
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { nowNs } from '../core/clock.ts';
import type { DatagramListener, DatagramListenerTransport, DatagramPeer, LinkEventListener } from '../core/transport.ts';
import { TransportClosedError, TransportError } from '../errors.ts';
import { TransportListeners } from './listeners.ts';

/** Options of `UdpListener.open`. */
export interface UdpListenerOptions {
  /** IPv4 or IPv6 literal to bind (brackets accepted); default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks an ephemeral port (read it from `address()` after open). */
  port: number;
  /** URI scheme for `description` (default `coap`). */
  scheme?: string;
  /** Kernel receive buffer (SO_RCVBUF) in bytes, for a socket many peers send to at once (capped by the OS). */
  receiveBufferBytes?: number;
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return String(error);
}

function peerOf(info: RemoteInfo): DatagramPeer {
  return { address: info.address, port: info.port, family: info.family === 'IPv6' ? 'IPv6' : 'IPv4' };
}

/** Connection-string form of an address: IPv6 in brackets. */
export function formatPeer(peer: Pick<DatagramPeer, 'address' | 'port'>): string {
  return `${peer.address.includes(':') ? `[${peer.address}]` : peer.address}:${peer.port}`;
}

/** A UDP socket bound to one address, carrying whole datagrams to and from any peer. */
export class UdpListener implements DatagramListenerTransport {
  readonly kind = 'udp-listener';
  readonly description: string;
  readonly #socket: Socket;
  readonly #bound: DatagramPeer;
  readonly #datagramListeners = new Set<DatagramListener>();
  readonly #events = new TransportListeners();
  #closed = false;

  private constructor(socket: Socket, bound: DatagramPeer, scheme: string) {
    this.#socket = socket;
    this.#bound = bound;
    this.description = `${scheme}://${formatPeer(bound)}`;
    socket.on('message', (msg: Buffer, info: RemoteInfo) => this.#deliver(msg, info));
    socket.on('error', (error) => this.#events.emitEvent({ kind: 'socket-error', message: `${this.description}: ${errorCode(error)}` }));
  }

  /** Bind a socket (IPv4 or IPv6 from the address); resolves once bound, with the real port. */
  static async open(options: UdpListenerOptions): Promise<UdpListener> {
    const raw = options.host ?? '127.0.0.1';
    const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    const family = isIP(host);
    if (family === 0) throw new TransportError(`udp listener host ${raw}: not an IPv4 or IPv6 address`);
    const { port } = options;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TransportError(`udp listener port ${port}: out of range 0-65535`);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6, ...(options.receiveBufferBytes === undefined ? {} : { recvBufferSize: options.receiveBufferBytes }) });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      socket.close();
      throw new TransportError(`udp listener ${formatPeer({ address: host, port })}: cannot bind (${errorCode(cause)})`, { cause });
    }
    const a = socket.address();
    return new UdpListener(socket, { address: a.address, port: a.port, family: family === 6 ? 'IPv6' : 'IPv4' }, options.scheme ?? 'coap');
  }

  #deliver(msg: Buffer, info: RemoteInfo): void {
    const atNs = nowNs();
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const peer = peerOf(info);
    for (const listener of [...this.#datagramListeners]) {
      try {
        listener(bytes, peer, atNs);
      } catch (error) {
        this.#events.emitEvent({ kind: 'listener-error', message: `datagram listener threw: ${String(error)}` });
      }
    }
  }

  address(): DatagramPeer {
    return { ...this.#bound };
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Send one datagram to `peer`. An ICMP error from an earlier send becomes a `refused` event, not a rejection. */
  send(bytes: Uint8Array, peer: DatagramPeer): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportClosedError(`${this.description} is closed`));
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, peer.port, peer.address, (error) => {
        if (!error) return resolve();
        if (errorCode(error) === 'ECONNREFUSED') {
          this.#events.emitEvent({ kind: 'refused', message: `${this.description} → ${formatPeer(peer)}: ECONNREFUSED` });
          return resolve();
        }
        reject(new TransportError(`${this.description} → ${formatPeer(peer)}: send failed (${errorCode(error)})`, { cause: error }));
      });
    });
  }

  onDatagram(listener: DatagramListener): () => void {
    this.#datagramListeners.add(listener);
    return () => {
      this.#datagramListeners.delete(listener);
    };
  }

  onEvent(listener: LinkEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Close the socket; safe to call twice. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#datagramListeners.clear();
    this.#events.clear();
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
