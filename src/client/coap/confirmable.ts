/**
 * Outgoing CON messages waiting for their ACK or RST, retransmitted with exponential back-off
 * (RFC 7252 §4.2) until acknowledged or MAX_RETRANSMIT is spent.
 * @see docs/spec/lwm2m.md §1.7
 */
import type { DatagramPeer } from '../../core/transport.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { retransmissionWaits, type TransmissionParameters } from './params.ts';

/** How a pending CON ended. */
export type ConfirmableEnd =
  | { kind: 'ack'; message: CoapMessage; bytes: Uint8Array; atNs: bigint; transmissions: number }
  | { kind: 'reset'; message: CoapMessage; bytes: Uint8Array; atNs: bigint; transmissions: number }
  | { kind: 'malformed'; bytes: Uint8Array; error: string; atNs: bigint; transmissions: number }
  | { kind: 'give-up'; transmissions: number; waitedMs: number }
  | { kind: 'cancelled'; transmissions: number };

interface Pending {
  bytes: Uint8Array;
  peer: DatagramPeer;
  waits: number[];
  transmissions: number;
  timer: NodeJS.Timeout | undefined;
  startedMs: number;
  done: (end: ConfirmableEnd) => void;
}

/** Sends one datagram and records it with `note`. */
export type SendDatagram = (bytes: Uint8Array, peer: DatagramPeer, note: string) => void;

/** The CON messages in flight, keyed by (peer, MID). */
export class ConfirmableQueue {
  readonly #pending = new Map<string, Pending>();
  readonly #send: SendDatagram;
  readonly #params: () => TransmissionParameters;
  readonly #random: () => number;

  constructor(send: SendDatagram, params: () => TransmissionParameters, random: () => number) {
    this.#send = send;
    this.#params = params;
    this.#random = random;
  }

  /** Send `bytes` now and retransmit on schedule; `done` is called exactly once. */
  start(key: string, bytes: Uint8Array, peer: DatagramPeer, note: string, done: (end: ConfirmableEnd) => void): void {
    const p: Pending = { bytes, peer, waits: retransmissionWaits(this.#params(), this.#random()), transmissions: 0, timer: undefined, startedMs: Date.now(), done };
    this.#pending.set(key, p);
    this.#transmit(key, p, note);
  }

  #transmit(key: string, p: Pending, note: string): void {
    p.transmissions++;
    this.#send(p.bytes, p.peer, p.transmissions === 1 ? note : `${note}; retransmission ${p.transmissions - 1}`);
    const wait = p.waits[p.transmissions - 1]!;
    p.timer = setTimeout(() => {
      if (this.#pending.get(key) !== p) return;
      if (p.transmissions < p.waits.length) return this.#transmit(key, p, note);
      this.#pending.delete(key);
      p.done({ kind: 'give-up', transmissions: p.transmissions, waitedMs: Date.now() - p.startedMs });
    }, wait);
  }

  /** An ACK or RST arrived for `key`: stop retransmitting. False when nothing was pending. */
  settle(key: string, kind: 'ack' | 'reset', message: CoapMessage, bytes: Uint8Array, atNs: bigint): boolean {
    const p = this.#take(key);
    if (!p) return false;
    p.done({ kind, message, bytes, atNs, transmissions: p.transmissions });
    return true;
  }

  /**
   * An ACK with `key`'s MID arrived that is no valid CoAP (a message format error). RFC 7252 §4.2
   * lets the recipient ignore it, but the device has answered: retransmitting until MAX_RETRANSMIT
   * is spent would only hold the peer's NSTART slot and hide the defect. False when nothing was pending.
   */
  malformed(key: string, bytes: Uint8Array, error: string, atNs: bigint): boolean {
    const p = this.#take(key);
    if (!p) return false;
    p.done({ kind: 'malformed', bytes, error, atNs, transmissions: p.transmissions });
    return true;
  }

  /** Stop retransmitting without an ACK (a separate response arrived first, or the endpoint closes). */
  cancel(key: string): void {
    const p = this.#take(key);
    if (p) p.done({ kind: 'cancelled', transmissions: p.transmissions });
  }

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Cancel everything (on close). */
  cancelAll(): void {
    for (const key of [...this.#pending.keys()]) this.cancel(key);
  }

  #take(key: string): Pending | undefined {
    const p = this.#pending.get(key);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.#pending.delete(key);
    return p;
  }
}
