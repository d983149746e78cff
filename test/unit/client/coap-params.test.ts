/** Transmission parameters, retransmission schedule and the duplicate cache. */
import { describe, expect, it } from 'vitest';
import { DuplicateCache } from '../../../src/client/coap/dedup.ts';
import { DEFAULT_TRANSMISSION_PARAMETERS, exchangeLifetimeMs, maxTransmitSpanMs, maxTransmitWaitMs, nonLifetimeMs, retransmissionWaits, transmissionParameters } from '../../../src/client/coap/params.ts';

describe('transmission parameters (RFC 7252 §4.8.2)', () => {
  it('derive the RFC figures from the defaults', () => {
    const p = DEFAULT_TRANSMISSION_PARAMETERS;
    expect([maxTransmitSpanMs(p), maxTransmitWaitMs(p), exchangeLifetimeMs(p), nonLifetimeMs(p)]).toEqual([45_000, 93_000, 247_000, 145_000]);
  });
  it('schedule waits of T, 2T, 4T, 8T, 16T with T in [ACK_TIMEOUT, ACK_TIMEOUT × factor]', () => {
    expect(retransmissionWaits(DEFAULT_TRANSMISSION_PARAMETERS, 0)).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(retransmissionWaits(DEFAULT_TRANSMISSION_PARAMETERS, 0.5)).toEqual([2500, 5000, 10000, 20000, 40000]);
    // Zephyr's interop build: 1000 ms, no randomisation → sends at 0, 1, 3, 7, 15 s, gives up at 31 s.
    const z = retransmissionWaits(transmissionParameters({ ackTimeoutMs: 1000, ackRandomFactor: 1 }), 0.9);
    expect(z.reduce((a, b) => a + b, 0)).toBe(31_000);
  });
  it('refuse impossible values', () => {
    expect(() => transmissionParameters({ ackTimeoutMs: 0 })).toThrow(/ACK_TIMEOUT/);
    expect(() => transmissionParameters({ ackRandomFactor: 0.5 })).toThrow(/ACK_RANDOM_FACTOR/);
    expect(() => transmissionParameters({ maxRetransmit: -1 })).toThrow(/MAX_RETRANSMIT/);
  });
});

describe('DuplicateCache', () => {
  it('remembers a (peer, MID) for its lifetime, then forgets it', () => {
    const c = new DuplicateCache();
    const e = c.remember('a|1|7', 100, 1000);
    e.reply = Uint8Array.of(1);
    expect(c.get('a|1|7', 1099)?.reply).toEqual(Uint8Array.of(1));
    expect(c.get('a|1|7', 1100)).toBeUndefined();
  });
  it('drops the oldest entries past its limit', () => {
    const c = new DuplicateCache(3);
    for (let i = 0; i < 5; i++) c.remember(`k${i}`, 10_000, 0);
    expect(c.size).toBeLessThanOrEqual(3);
    expect(c.get('k4', 1)).toBeDefined();
    expect(c.get('k0', 1)).toBeUndefined();
  });
});
