/**
 * The simulated client's DTLS side: one DTLS 1.2 PSK association per server it talks to, over the
 * client's own UDP socket. CoAP datagrams to a server without an established association wait
 * until its handshake completes (a failed handshake drops them, so the CoAP layer sees silence and
 * retries as it would on a lossy link; the retry starts a fresh handshake).
 * @see docs/spec/lwm2m.md §7.2, RFC 7252 §9.1 (CoAP over DTLS)
 */
import { DtlsClientConnection, describeDtlsClose, type DtlsCloseReason, type RetransmitOptions } from '../../transport/dtls/index.ts';

/** A UDP peer. */
interface LinkPeer {
  readonly address: string;
  readonly port: number;
}

/** The PSK the client presents. */
export interface DtlsCredentials {
  identity: Uint8Array;
  psk: Uint8Array;
  /** Handshake flight timer (RFC 6347 defaults when absent). */
  retransmit?: Partial<RetransmitOptions>;
}

/** What happened to one association (for tests and the simulator's log). */
export type DtlsLinkEvent =
  | { kind: 'established'; peer: string; handshakeMs: number }
  | { kind: 'closed'; peer: string; reason: DtlsCloseReason; detail: string };

interface Link {
  connection: DtlsClientConnection;
  queue: Uint8Array[];
  startedAt: number;
}

/** Most CoAP datagrams held for one association while its handshake runs. */
const MAX_QUEUED = 32;

/** The client's associations, one per server address. */
export class DtlsLinks {
  readonly #links = new Map<string, Link>();
  readonly events: DtlsLinkEvent[] = [];

  constructor(
    private readonly credentials: DtlsCredentials,
    private readonly sendDatagram: (bytes: Uint8Array, peer: LinkPeer) => void,
    private readonly deliver: (plaintext: Uint8Array, peer: LinkPeer) => void,
  ) {}

  /** Send one CoAP datagram to `peer`, handshaking first when there is no association. */
  send(bytes: Uint8Array, peer: LinkPeer): void {
    const link = this.#links.get(keyOf(peer)) ?? this.#open(peer);
    if (link.connection.isEstablished) link.connection.sendApplicationData(bytes);
    else if (link.queue.length < MAX_QUEUED) link.queue.push(bytes);
  }

  /** A datagram from `peer`: DTLS records for its association (others are dropped). */
  receive(datagram: Uint8Array, peer: LinkPeer): void {
    this.#links.get(keyOf(peer))?.connection.receiveDatagram(datagram);
  }

  /** Send close_notify on every association. */
  close(): void {
    for (const link of [...this.#links.values()]) link.connection.close();
    this.#links.clear();
  }

  #open(peer: LinkPeer): Link {
    const key = keyOf(peer);
    const link: Link = { connection: undefined as unknown as DtlsClientConnection, queue: [], startedAt: performance.now() };
    link.connection = new DtlsClientConnection({
      sendDatagram: (bytes) => this.sendDatagram(bytes, peer),
      onEstablished: () => {
        this.events.push({ kind: 'established', peer: key, handshakeMs: performance.now() - link.startedAt });
        for (const queued of link.queue.splice(0)) link.connection.sendApplicationData(queued);
      },
      onApplicationData: (data) => this.deliver(data, peer),
      onClosed: (reason) => {
        if (this.#links.get(key) === link) this.#links.delete(key);
        link.queue = [];
        this.events.push({ kind: 'closed', peer: key, reason, detail: describeDtlsClose(reason) });
      },
    }, { identity: this.credentials.identity, psk: this.credentials.psk, ...(this.credentials.retransmit ? { retransmit: this.credentials.retransmit } : {}) });
    this.#links.set(key, link);
    link.connection.start();
    return link;
  }
}

function keyOf(peer: LinkPeer): string {
  return `${peer.address}|${peer.port}`;
}
