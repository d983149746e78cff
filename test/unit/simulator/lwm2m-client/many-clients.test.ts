/**
 * Many simulated clients in one process against the harness's LwM2M server over loopback:
 * distinct endpoints and ports, spread start-up, every client registered and observed once with
 * notifications arriving, and one stop that de-registers them all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lwm2mBootstrapServer, dmServerPlan } from '../../../../src/client/lwm2m-bootstrap-server.ts';
import { Lwm2mServer } from '../../../../src/client/lwm2m-server.ts';
import { startManyLwm2mClients, type ManyLwm2mClients } from '../../../../src/simulator/lwm2m-client/index.ts';

let server: Lwm2mServer | undefined;
let many: ManyLwm2mClients | undefined;
afterEach(async () => {
  await many?.stop();
  await server?.close();
  many = undefined;
  server = undefined;
});

describe('startManyLwm2mClients', () => {
  it('runs 50 clients on distinct ports that register, are observed, notify, and de-register on stop', { timeout: 20_000 }, async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const started = performance.now();
    many = await startManyLwm2mClients({ server: { host: '127.0.0.1', port: server.address().port }, count: 50, endpointPrefix: 'many-', version: 'mixed', spreadMs: 250, lifetimeS: 120 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(new Set(many.clients.map((c) => c.localAddress.port)).size).toBe(50);
    expect(many.clients.map((c) => c.version).slice(0, 2)).toEqual(['1.1', '1.0']);
    // Spread: the last start is about the window after the first, not at the same moment.
    expect(many.startedAtMs[49]! - many.startedAtMs[0]!).toBeGreaterThan(200);
    await many.waitAllRegistered(5000);
    for (const ep of many.endpoints) expect(server.registration(ep)?.endpoint).toBe(ep);
    const observations = await Promise.all(many.endpoints.map(async (ep) => {
      expect((await server!.writeAttributes(ep, '/3/0/13', ['pmax=1'])).code).toBe('2.04');
      const o = await server!.observe(ep, '/3/0/13');
      expect(o.isActive).toBe(true);
      return o;
    }));
    const notes = await Promise.all(observations.map((o) => o.next(3000)));
    expect(notes).toHaveLength(50);
    await many.stop();
    expect(server.history.filter((h) => h.kind === 'deregister' && h.answered === '2.02')).toHaveLength(50);
  });

  it('starts every client from a bootstrap server that provisions the DM server', { timeout: 20_000 }, async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { autoProvision: dmServerPlan(`coap://127.0.0.1:${server.address().port}`) });
    try {
      many = await startManyLwm2mClients({ bootstrap: bs.uri, count: 20, endpointPrefix: 'bs-many-', spreadMs: 100 });
      await many.waitAllRegistered(5000);
      expect(new Set(bs.sessions.map((x) => x.endpoint)).size).toBe(20);
      expect(many.endpoints.every((ep) => server!.registration(ep) !== undefined)).toBe(true);
    } finally {
      await many?.stop();
      await bs.close();
    }
  });

  it('refuses a count outside 1-10000 before starting anything', async () => {
    await expect(startManyLwm2mClients({ server: 'coap://127.0.0.1:5683', count: 0 })).rejects.toThrow(/count must be an integer 1-10000/);
  });
});
