/**
 * What the CoAP endpoint takes and gives: request descriptions and exchange outcomes.
 * @see docs/spec/lwm2m.md §1.2, §1.4
 */
import type { DatagramPeer } from '../../core/transport.ts';
import type { CoapMessage, CoapOptionValue } from '../../codec/coap/message.ts';

/** A request to send. Path and query become Uri-Path / Uri-Query options before `options`. */
export interface CoapRequestSpec {
  /** Method code (`'0.01'`; see `CoapMethod`). */
  method: string;
  /** `/3/0/1` or segments. */
  path?: string | readonly string[];
  /** Uri-Query items (`'pmin=1'`). */
  query?: readonly string[];
  /** Further options (Accept, Content-Format, Observe, Block1 …), in any order. */
  options?: readonly CoapOptionValue[];
  payload?: Uint8Array;
  /** CON (default) or NON. */
  confirmable?: boolean;
  /** Token to use instead of a fresh one (Block1 series, Observe cancel). */
  token?: Uint8Array;
}

/** Per-request settings. */
export interface CoapRequestOptions {
  /** Wait for a separate or NON response after the ACK (default MAX_TRANSMIT_WAIT). */
  responseTimeoutMs?: number;
}

interface OutcomeBase {
  peer: DatagramPeer;
  request: CoapMessage;
  requestBytes: Uint8Array;
  sentAtNs: bigint;
  receivedAtNs: bigint;
  rttMs: number;
  /** Transmissions of the request (1 = no retransmission). */
  transmissions: number;
}

/** How a request ended: a response (piggybacked or separate), or an RST from the peer. */
export type CoapOutcome =
  | (OutcomeBase & {
      kind: 'response';
      response: CoapMessage;
      responseBytes: Uint8Array;
      /** Carried in the ACK (true) or sent on its own after an empty ACK or to a NON (false). */
      piggybacked: boolean;
      /** Rule breaks seen in the response (token not echoed …); empty when none. */
      problems: string[];
    })
  | (OutcomeBase & { kind: 'reset'; reset: CoapMessage });

/** A received message as the endpoint's subscribers see it. */
export interface CoapIncoming {
  bytes: Uint8Array;
  /** Undefined when the datagram is not a CoAP message (see `error`). */
  message: CoapMessage | undefined;
  error: string | undefined;
  peer: DatagramPeer;
  atNs: bigint;
  /** True when (peer, MID) was seen within its lifetime. */
  duplicate: boolean;
}
