/**
 * A DTLS 1.2 PSK client over a connected UDP socket, shaped as a packet `Transport`: one
 * application datagram per DTLS record; `sendRaw` bypasses DTLS for malformed traffic.
 * @see docs/spec/lwm2m.md §7.2, RFC 6347
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { TransportClosedError, TransportError } from '../../errors.ts';
import type { LinkEventListener, PacketListener, Transport } from '../../core/transport.ts';
import { TransportListeners } from '../listeners.ts';
import { DtlsClientConnection } from './client-connection.ts';
import { describeDtlsClose, DtlsHandshakeError } from './errors.ts';
import type { DtlsCloseReason, DtlsConnectionOptions } from './options.ts';

/** Options of `DtlsClient.connect`. */
export interface DtlsClientOptions extends DtlsConnectionOptions {
  /** IPv4 or IPv6 literal of the server. */
  host: string;
  port: number;
  /** PSK identity; a string is taken as its UTF-8 bytes. */
  identity: Uint8Array | string;
  psk: Uint8Array;
}

/** An established DTLS association to one server. */
export class DtlsClient implements Transport {
  readonly kind = 'dtls';
  readonly description: string;
  /** Records carry up to 2^14 bytes; the datagram limit below that is the path's business. */
  readonly maxPacketBytes = 16384;
  /** Milliseconds from the first ClientHello to the server's verified Finished. */
  handshakeMs = 0;
  private readonly listeners = new TransportListeners();
  private closeReason: DtlsCloseReason | undefined;
  private connection!: DtlsClientConnection;

  private constructor(private readonly socket: Socket, description: string) {
    this.description = description;
  }

  /** Connect, run the handshake, and resolve once it completed (reject with `DtlsHandshakeError`). */
  static async connect(options: DtlsClientOptions): Promise<DtlsClient> {
    const family = isIP(options.host);
    if (family === 0) throw new TransportError(`dtls host ${options.host}: an IP literal is required`);
    const description = family === 6 ? `dtls://[${options.host}]:${options.port}` : `dtls://${options.host}:${options.port}`;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(options.port, options.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      socket.close();
      throw new TransportError(`${description}: cannot connect (${String(cause)})`, { cause });
    }
    const client = new DtlsClient(socket, description);
    await client.handshake(options);
    return client;
  }

  private handshake(options: DtlsClientOptions): Promise<void> {
    const identity = typeof options.identity === 'string' ? new Uint8Array(Buffer.from(options.identity, 'utf8')) : options.identity;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.connection = new DtlsClientConnection({
        sendDatagram: (bytes) => this.socket.send(bytes),
        onEstablished: () => {
          this.handshakeMs = performance.now() - started;
          resolve();
        },
        onApplicationData: (data) => this.listeners.emitPacket(data),
        onClosed: (reason) => {
          this.closeReason = reason;
          this.listeners.emitEvent({ kind: 'dtls-closed', message: `${this.description}: ${describeDtlsClose(reason)}` });
          if (!this.connection.isEstablished && this.handshakeMs === 0) {
            this.socket.close();
            reject(new DtlsHandshakeError(this.description, reason));
          }
        },
      }, { ...options, identity });
      this.socket.on('message', (msg: Buffer) => this.connection.receiveDatagram(new Uint8Array(msg)));
      // ICMP port unreachable on a connected socket: the handshake timer decides when to give up.
      this.socket.on('error', (error) => this.listeners.emitEvent({ kind: 'socket-error', message: `${this.description}: ${String(error)}` }));
      this.connection.start();
    });
  }

  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  /** The PSK identity hint the server sent in ServerKeyExchange, if any. */
  get identityHint(): Uint8Array | undefined {
    return this.connection.identityHint;
  }

  /** Why the association ended, once it has. */
  get closedBecause(): DtlsCloseReason | undefined {
    return this.closeReason;
  }

  /** Send one application datagram as one protected record. */
  send(packet: Uint8Array): Promise<void> {
    if (this.closeReason) return Promise.reject(new TransportClosedError(`${this.description} is closed (${describeDtlsClose(this.closeReason)})`));
    if (packet.length > this.maxPacketBytes) return Promise.reject(new TransportError(`${this.description}: ${packet.length} bytes exceed one record`));
    this.connection.sendApplicationData(packet);
    return Promise.resolve();
  }

  /** Send bytes as one datagram outside DTLS. */
  sendRaw(bytes: Uint8Array): Promise<void> {
    if (this.closeReason) return Promise.reject(new TransportClosedError(`${this.description} is closed`));
    return new Promise((resolve) => this.socket.send(bytes, () => resolve()));
  }

  onPacket(listener: PacketListener): () => void {
    return this.listeners.onPacket(listener);
  }

  onEvent(listener: LinkEventListener): () => void {
    return this.listeners.onEvent(listener);
  }

  /** Send close_notify and release the socket. Safe to call twice. */
  close(): Promise<void> {
    if (this.connection && !this.connection.isClosed) this.connection.close();
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
