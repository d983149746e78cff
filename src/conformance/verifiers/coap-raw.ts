/**
 * Raw CoAP exchanges for the CoAP-rule cases (duplicate CON, NON requests, empty tokens, stray
 * datagrams): an exchange outcome seen as a device-management answer, so the same verifiers
 * judge it, and a collector of the datagrams a client sends while a case runs.
 * @see docs/spec/lwm2m.md §1.2, §1.4
 */
import type { CoapEndpoint, CoapIncoming, CoapOutcome } from '../../client/coap-endpoint.ts';
import { responseOf } from '../../client/lwm2m/dm-response.ts';
import type { CoapAnswer } from './coap-verifiers.ts';

/** A raw exchange outcome as an answer (no payload decoding). */
export function coapAnswer(outcome: CoapOutcome): CoapAnswer {
  return responseOf<undefined>(outcome, () => undefined);
}

/**
 * Every datagram from the client matching `match` during `waitMs`, counted from the call; `during`
 * runs after the collector is listening (send the stimulus there).
 */
export async function collectIncoming(endpoint: CoapEndpoint, match: (m: CoapIncoming) => boolean, waitMs: number, during?: () => Promise<unknown>): Promise<CoapIncoming[]> {
  const got: CoapIncoming[] = [];
  const stop = endpoint.onIncoming((m) => {
    if (match(m)) got.push(m);
  });
  try {
    if (during) await during();
    await new Promise((r) => setTimeout(r, waitMs));
  } finally {
    stop();
  }
  return got;
}

/** The message id of a raw datagram (bytes 2–3), undefined when it is too short. */
export function messageIdOf(bytes: Uint8Array): number | undefined {
  return bytes.length >= 4 ? ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0) : undefined;
}
