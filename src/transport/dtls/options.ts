/**
 * Tunables shared by both roles, with the defaults RFC 6347 suggests.
 * @see RFC 6347 §4.2.4.1 (timer values)
 */

/** Flight retransmission: the timer starts at `initialTimeoutMs` and doubles up to `maxTimeoutMs`. */
export interface RetransmitOptions {
  /** First wait for the peer's next flight (RFC 6347 §4.2.4.1: 1 s). */
  initialTimeoutMs: number;
  /** Cap of the doubling (RFC 6347 §4.2.4.1: at least 60 s; shorter keeps failures prompt). */
  maxTimeoutMs: number;
  /** Transmissions of one flight (the first included) before the handshake is given up. */
  maxTransmissions: number;
}

/** Defaults: 1 s doubling, six transmissions (gives up after 1+2+4+8+16+32 = 63 s). */
export const DEFAULT_RETRANSMIT: RetransmitOptions = { initialTimeoutMs: 1000, maxTimeoutMs: 60_000, maxTransmissions: 6 };

/** Largest datagram a handshake flight is packed into (fragments split to fit). */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1200;

/** Options common to server sessions and clients. */
export interface DtlsConnectionOptions {
  retransmit?: Partial<RetransmitOptions>;
  /** Largest datagram written during the handshake; messages are fragmented to fit. */
  maxDatagramBytes?: number;
}

/** Why a connection ended. */
export type DtlsCloseReason =
  | { kind: 'closed-locally' }
  | { kind: 'close-notify-received' }
  | { kind: 'alert-received'; level: number; description: number; name: string }
  | { kind: 'alert-sent'; description: number; name: string; detail: string }
  | { kind: 'handshake-timeout'; transmissions: number };
