/**
 * The LwM2M scale bench end to end at a small N: the clients run in their own process
 * (`sim --clients`), the server here; every figure comes from real sockets and /proc.
 */
import { describe, expect, it } from 'vitest';
import { benchLwm2mScale } from '../../../bench/lwm2m-scale.ts';

describe('benchLwm2mScale', () => {
  it('registers, observes and reads 6 clients of a separate process and reports both processes', async () => {
    const f = await benchLwm2mScale(6, { concurrency: 2, pmaxS: 1, loadWindowMs: 1500, budgetMs: 40_000 });
    expect([f.clients, f.registered, f.registration.count]).toEqual([6, 6, 6]);
    expect([f.observe.ok, f.reads.ok, f.notifications.observationsActive]).toEqual([6, 6, 6]);
    expect(f.observe.latency.p50Ms).toBeGreaterThan(0);
    expect(f.observe.latency.maxMs).toBeGreaterThanOrEqual(f.observe.latency.p95Ms);
    // pmax 1 s on 6 observations over a 1.5 s window: notifications flowed.
    expect(f.notifications.received).toBeGreaterThan(0);
    expect(f.server.peakRssBytes).toBeGreaterThan(0);
    expect(f.server.peakRssBytes).toBeGreaterThanOrEqual(f.server.rssUnderLoadBytes * 0.9);
    expect(f.clientsProcess?.peakRssBytes).toBeGreaterThan(0);
    expect(f.clientsProcess?.cpuMs).toBeGreaterThan(0);
  }, 60_000);
});
