/**
 * The byte-pipe interface every transport implements (UDP, serial, in-memory pair).
 * A transport moves whole SMP packets: UDP maps one packet to one datagram; serial applies the
 * SMP console framing (or none in raw mode) and delivers decoded packets.
 */
import type { LinkEventKind } from './link-events.ts';

/** Something that happened on the link that is not a packet (framing damage, console text). */
export interface LinkEvent {
  kind: LinkEventKind;
  message: string;
  /** Raw bytes involved, when there are any. */
  bytes?: Uint8Array;
  atNs: bigint;
}

export type PacketListener = (packet: Uint8Array, atNs: bigint) => void;
export type LinkEventListener = (event: LinkEvent) => void;

/** A packet transport. `close` is idempotent and never throws. */
export interface Transport {
  /** Kind for reports: 'udp' | 'serial' | 'memory'. */
  readonly kind: string;
  /** Human-readable endpoint (connection string form). */
  readonly description: string;
  /**
   * Largest SMP packet the transport carries in one send (UDP: 1500 by Zephyr's MTU;
   * serial: limited by the device's buffer). Undefined when the transport itself sets no limit.
   */
  readonly maxPacketBytes: number | undefined;
  /** Send one SMP packet (framed as the transport requires). */
  send(packet: Uint8Array): Promise<void>;
  /**
   * Optional: as `send`, without a promise (for request pipelines that send many packets):
   * `onError` hears of a send that failed, later or at once; nothing is called on success.
   */
  sendWith?(packet: Uint8Array, onError: (error: Error) => void): void;
  /** Send bytes exactly as given, bypassing framing (for malformed traffic). */
  sendRaw(bytes: Uint8Array): Promise<void>;
  /** Subscribe to received packets; returns an unsubscribe function. */
  onPacket(listener: PacketListener): () => void;
  /** Subscribe to link events (framing errors, console text); returns an unsubscribe function. */
  onEvent(listener: LinkEventListener): () => void;
  /** Release the link. Safe to call twice. */
  close(): Promise<void>;
  readonly isClosed: boolean;
}

/** Where a datagram came from or goes to. */
export interface DatagramPeer {
  /** IPv4 or IPv6 address (no brackets). */
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export type DatagramListener = (bytes: Uint8Array, peer: DatagramPeer, atNs: bigint) => void;

/**
 * The server form of a datagram transport: one bound socket that receives from any peer and
 * sends to a peer it names (the LwM2M server side of CoAP/UDP). `close` is idempotent.
 */
export interface DatagramListenerTransport {
  readonly kind: string;
  /** Bound address in connection string form (`coap://127.0.0.1:5683`). */
  readonly description: string;
  /** The bound host and port (port 0 at open becomes the ephemeral port chosen). */
  address(): DatagramPeer;
  /** Send one datagram to `peer`, exactly as given. */
  send(bytes: Uint8Array, peer: DatagramPeer): Promise<void>;
  /** Subscribe to received datagrams; returns an unsubscribe function. */
  onDatagram(listener: DatagramListener): () => void;
  /** Subscribe to socket problems (send errors, ICMP); returns an unsubscribe function. */
  onEvent(listener: LinkEventListener): () => void;
  close(): Promise<void>;
  readonly isClosed: boolean;
}
