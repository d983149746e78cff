/**
 * A DTLS 1.2 PSK server on one UDP socket: stateless cookie exchange, one association per peer
 * address, decrypted application datagrams delivered with the peer and its PSK identity.
 * @see docs/spec/lwm2m.md §7.2, RFC 6347 §4.2.1 (cookies), §4.2.8 (a new ClientHello from a known peer)
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { nowNs } from '../../core/clock.ts';
import { bytesEqual } from '../../core/bytes.ts';
import { TransportClosedError, TransportError } from '../../errors.ts';
import { ContentType, DtlsVersion, HandshakeType } from '../../codec/dtls/constants.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage } from '../../codec/dtls/handshake.ts';
import { decodeClientHello, encodeHelloVerifyRequest, type ClientHello } from '../../codec/dtls/messages.ts';
import { encodeDtlsRecord, splitDtlsDatagram } from '../../codec/dtls/record.ts';
import type { LinkEventListener } from '../../core/transport.ts';
import { TransportListeners } from '../listeners.ts';
import { CookieJar } from './cookie.ts';
import { describeDtlsClose } from './errors.ts';
import type { DtlsCloseReason, DtlsConnectionOptions } from './options.ts';
import type { HandshakeMessage } from './reassembly.ts';
import { DtlsServerConnection, type PskLookup } from './server-connection.ts';

/** A peer's UDP address (the same shape as the datagram transports' peer). */
export interface DtlsPeerAddress {
  /** IPv4 or IPv6 address, no brackets. */
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

/** A peer with an established association. */
export interface DtlsPeer extends DtlsPeerAddress {
  /** The PSK identity it authenticated with. */
  identity: Uint8Array;
}

/** What happened to an association. */
export type DtlsSessionEvent =
  | { kind: 'established'; peer: DtlsPeer; handshakeMs: number }
  | { kind: 'closed'; peer: DtlsPeerAddress; identity: Uint8Array | undefined; reason: DtlsCloseReason };

/** Options of `DtlsServer.listen`. */
export interface DtlsServerOptions extends DtlsConnectionOptions {
  /** Address to bind (default 127.0.0.1); an IPv6 literal binds a udp6 socket. */
  host?: string;
  /** Port to bind; 0 (default) picks a free one. CoAPs uses 5684. */
  port?: number;
  pskLookup: PskLookup;
  identityHint?: Uint8Array;
  /** An association with no traffic for this long is dropped silently (default 10 min). */
  idleTimeoutMs?: number;
  /** Most associations kept at once; ClientHellos beyond it get no answer (default 10 000). */
  maxSessions?: number;
  /** Socket receive buffer to ask for (default 4 MiB). */
  recvBufferBytes?: number;
  /** Cookie secret lifetime (default 60 s). */
  cookieRotateMs?: number;
}

interface Session {
  connection: DtlsServerConnection;
  peer: DtlsPeerAddress;
  startedAtMs: number;
  lastActiveMs: number;
}

/** A ClientHello that fits in the first record of a datagram, as stateless cookie handling needs. */
interface InitialHello {
  hello: ClientHello;
  message: HandshakeMessage;
  recordSeq: number;
}

function peerKey(peer: Pick<DtlsPeerAddress, 'address' | 'port'>): string {
  return `${peer.address}|${peer.port}`;
}

/** Parse an epoch-0, unfragmented ClientHello at the start of a datagram; anything else is undefined. */
function initialHello(datagram: Uint8Array): InitialHello | undefined {
  const first = splitDtlsDatagram(datagram).records[0];
  if (!first || first.type !== ContentType.handshake || first.epoch !== 0) return undefined;
  const fragments = decodeHandshakeFragments(first.fragment);
  const f = fragments.ok ? fragments.value[0] : undefined;
  if (!f || f.msgType !== HandshakeType.client_hello || f.fragmentOffset !== 0 || f.body.length !== f.length) return undefined;
  const hello = decodeClientHello(f.body);
  if (!hello.ok) return undefined;
  return { hello: hello.value, message: { msgType: f.msgType, messageSeq: f.messageSeq, body: f.body }, recordSeq: first.sequenceNumber };
}

/** DTLS server bound to one UDP socket. */
export class DtlsServer {
  private readonly sessions = new Map<string, Session>();
  private readonly cookies: CookieJar;
  private readonly datagramListeners = new Set<(datagram: Uint8Array, peer: DtlsPeer, atNs: bigint) => void>();
  private readonly sessionListeners = new Set<(event: DtlsSessionEvent) => void>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly listeners = new TransportListeners();
  private closed = false;
  readonly kind = 'dtls';
  /** Bound address in connection string form (`coaps://127.0.0.1:5684`). */
  readonly description: string;

  private constructor(
    private readonly socket: Socket,
    private readonly options: DtlsServerOptions,
    private readonly bound: DtlsPeerAddress,
  ) {
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    this.description = `coaps://${shown}:${bound.port}`;
    this.cookies = new CookieJar(options.cookieRotateMs ?? 60_000);
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4' }));
    socket.on('error', (error) => this.listeners.emitEvent({ kind: 'socket-error', message: `${this.description}: ${String(error)}` }));
    const idleMs = options.idleTimeoutMs ?? 600_000;
    this.sweeper = setInterval(() => this.dropIdle(idleMs), Math.max(100, Math.min(idleMs / 4, 30_000)));
    this.sweeper.unref();
  }

  /** Bind a UDP socket and serve DTLS on it. */
  static async listen(options: DtlsServerOptions): Promise<DtlsServer> {
    const host = options.host ?? '127.0.0.1';
    // A burst of hellos from many devices overflows the default receive buffer (about 200 kB);
    // the kernel caps the request at net.core.rmem_max.
    const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', recvBufferSize: options.recvBufferBytes ?? 4 * 1024 * 1024 });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port ?? 0, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      socket.close();
      throw new TransportError(`dtls server ${host}:${options.port ?? 0}: cannot bind (${String(cause)})`, { cause });
    }
    const bound = socket.address();
    return new DtlsServer(socket, options, { address: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4' });
  }

  /** The bound address and port (port 0 at listen becomes the port chosen). */
  address(): DtlsPeerAddress {
    return { ...this.bound };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Subscribe to link events (associations established or closed, socket errors); returns an unsubscribe function. */
  onEvent(listener: LinkEventListener): () => void {
    return this.listeners.onEvent(listener);
  }

  /** Subscribe to decrypted application datagrams; returns an unsubscribe function. */
  onDatagram(listener: (datagram: Uint8Array, peer: DtlsPeer, atNs: bigint) => void): () => void {
    this.datagramListeners.add(listener);
    return () => this.datagramListeners.delete(listener);
  }

  /** Subscribe to associations being established or closed; returns an unsubscribe function. */
  onSession(listener: (event: DtlsSessionEvent) => void): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /** Peers with an established association. */
  peers(): DtlsPeer[] {
    const out: DtlsPeer[] = [];
    for (const s of this.sessions.values()) {
      if (s.connection.isEstablished && s.connection.identity) out.push({ ...s.peer, identity: s.connection.identity });
    }
    return out;
  }

  /** Send one application datagram to a peer with an established association. */
  send(datagram: Uint8Array, peer: Pick<DtlsPeerAddress, 'address' | 'port'>): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError('dtls server is closed'));
    const session = this.sessions.get(peerKey(peer));
    if (!session?.connection.isEstablished) {
      return Promise.reject(new TransportError(`dtls server: no established association with ${peer.address}:${peer.port}`));
    }
    session.connection.sendApplicationData(datagram);
    return Promise.resolve();
  }

  /** Send close_notify to a peer and forget its association. */
  closeSession(peer: Pick<DtlsPeerAddress, 'address' | 'port'>): void {
    this.sessions.get(peerKey(peer))?.connection.close();
  }

  /** Send raw bytes to an address, bypassing DTLS (for malformed traffic). */
  sendRaw(bytes: Uint8Array, peer: Pick<DtlsPeerAddress, 'address' | 'port'>): void {
    if (!this.closed) this.socket.send(bytes, peer.port, peer.address);
  }

  private onMessage(datagram: Uint8Array, peer: DtlsPeerAddress): void {
    if (this.closed) return;
    const key = peerKey(peer);
    const session = this.sessions.get(key);
    const initial = initialHello(datagram);
    if (initial && !(session && bytesEqual(session.connection.clientRandom, initial.hello.random))) {
      this.onClientHello(initial, peer, key);
      return;
    }
    if (!session) return;
    session.lastActiveMs = Date.now();
    session.connection.receiveDatagram(datagram);
  }

  /** Cookie check first; only a peer that echoed a valid cookie gets state (RFC 6347 §4.2.1). */
  private onClientHello(initial: InitialHello, peer: DtlsPeerAddress, key: string): void {
    if (!this.cookies.verify(key, initial.hello)) {
      const body = encodeHelloVerifyRequest(DtlsVersion.DTLS_1_0, this.cookies.make(key, initial.hello));
      // The HelloVerifyRequest reuses the ClientHello's record and message sequence numbers (RFC 6347 §4.2.1).
      const record = encodeDtlsRecord({
        type: ContentType.handshake,
        version: DtlsVersion.DTLS_1_2,
        epoch: 0,
        sequenceNumber: initial.recordSeq,
        fragment: encodeHandshakeMessage(HandshakeType.hello_verify_request, initial.message.messageSeq, body),
      });
      this.socket.send(record, peer.port, peer.address);
      return;
    }
    const old = this.sessions.get(key);
    if (old) {
      this.sessions.delete(key);
      old.connection.drop();
    } else if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) {
      return;
    }
    this.startSession(initial, peer, key);
  }

  private startSession(initial: InitialHello, peer: DtlsPeerAddress, key: string): void {
    const startedAtMs = performance.now();
    // The sink's callbacks first run in `start`, after `connection` and `session` exist.
    const connection: DtlsServerConnection = new DtlsServerConnection({
      sendDatagram: (bytes) => {
        if (!this.closed) this.socket.send(bytes, peer.port, peer.address);
      },
      onEstablished: () => {
        const identity = connection.identity!;
        this.emitSession({ kind: 'established', peer: { ...peer, identity }, handshakeMs: performance.now() - startedAtMs });
      },
      onApplicationData: (data) => {
        const identity = connection.identity!;
        const atNs = nowNs();
        for (const listener of this.datagramListeners) listener(data, { ...peer, identity }, atNs);
      },
      onClosed: (reason) => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
        this.emitSession({ kind: 'closed', peer, identity: connection.identity, reason });
      },
    }, this.options, initial.hello);
    const session: Session = { peer, startedAtMs, lastActiveMs: Date.now(), connection };
    this.sessions.set(key, session);
    connection.start(initial.message, initial.recordSeq);
  }

  private emitSession(event: DtlsSessionEvent): void {
    const who = `${event.peer.address}:${event.peer.port}`;
    this.listeners.emitEvent(event.kind === 'established'
      ? { kind: 'dtls-established', message: `${this.description}: ${who} established in ${event.handshakeMs.toFixed(1)} ms` }
      : { kind: 'dtls-closed', message: `${this.description}: ${who} ${describeDtlsClose(event.reason)}` });
    for (const listener of this.sessionListeners) listener(event);
  }

  private dropIdle(idleMs: number): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastActiveMs > idleMs) s.connection.drop();
    }
  }

  /** Send close_notify to every established peer and release the socket. Safe to call twice. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    for (const s of [...this.sessions.values()]) s.connection.close();
    this.closed = true;
    clearInterval(this.sweeper);
    this.datagramListeners.clear();
    this.sessionListeners.clear();
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
