/**
 * CoAP transmission parameters (RFC 7252 §4.8) and the derived times (§4.8.2), all in ms.
 * @see docs/spec/lwm2m.md §1.7
 */

/** The base parameters; every derived time follows from them. */
export interface TransmissionParameters {
  ackTimeoutMs: number;
  ackRandomFactor: number;
  maxRetransmit: number;
  /** Longest time a datagram takes from sender to receiver (MAX_LATENCY). */
  maxLatencyMs: number;
  /** Time a receiver may take before sending an ACK (PROCESSING_DELAY). */
  processingDelayMs: number;
}

/** RFC 7252 defaults. */
export const DEFAULT_TRANSMISSION_PARAMETERS: Readonly<TransmissionParameters> = {
  ackTimeoutMs: 2000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  maxLatencyMs: 100_000,
  processingDelayMs: 2000,
};

/** MAX_TRANSMIT_SPAN: first to last transmission of one CON (45 s by default). */
export function maxTransmitSpanMs(p: TransmissionParameters): number {
  return p.ackTimeoutMs * (2 ** p.maxRetransmit - 1) * p.ackRandomFactor;
}

/** MAX_TRANSMIT_WAIT: first transmission to giving up (93 s by default). */
export function maxTransmitWaitMs(p: TransmissionParameters): number {
  return p.ackTimeoutMs * (2 ** (p.maxRetransmit + 1) - 1) * p.ackRandomFactor;
}

/** EXCHANGE_LIFETIME: how long a MID stays in the duplicate cache for a CON (247 s by default). */
export function exchangeLifetimeMs(p: TransmissionParameters): number {
  return maxTransmitSpanMs(p) + 2 * p.maxLatencyMs + p.processingDelayMs;
}

/** NON_LIFETIME: the same for a NON (145 s by default). */
export function nonLifetimeMs(p: TransmissionParameters): number {
  return maxTransmitSpanMs(p) + p.maxLatencyMs;
}

/**
 * Wait before each retransmission of a CON, and the final wait before giving up: the initial
 * timeout drawn from [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR], doubled each time (§4.2).
 * `random` in [0, 1) picks the point in the band.
 */
export function retransmissionWaits(p: TransmissionParameters, random: number): number[] {
  const first = p.ackTimeoutMs * (1 + random * (p.ackRandomFactor - 1));
  return Array.from({ length: p.maxRetransmit + 1 }, (_, i) => first * 2 ** i);
}

/** Merge overrides into the defaults and check them. */
export function transmissionParameters(overrides: Partial<TransmissionParameters> = {}): TransmissionParameters {
  const p = { ...DEFAULT_TRANSMISSION_PARAMETERS, ...overrides };
  if (!(p.ackTimeoutMs > 0)) throw new RangeError(`ACK_TIMEOUT ${p.ackTimeoutMs} ms must be positive`);
  if (!(p.ackRandomFactor >= 1)) throw new RangeError(`ACK_RANDOM_FACTOR ${p.ackRandomFactor} must be at least 1`);
  if (!Number.isInteger(p.maxRetransmit) || p.maxRetransmit < 0 || p.maxRetransmit > 20) throw new RangeError(`MAX_RETRANSMIT ${p.maxRetransmit} out of 0-20`);
  if (!(p.maxLatencyMs >= 0) || !(p.processingDelayMs >= 0)) throw new RangeError('MAX_LATENCY and PROCESSING_DELAY must not be negative');
  return p;
}
