/**
 * Registration over real loopback UDP: Register, Update before the lifetime ends (to the
 * Location-Path), an Update carrying lt= after a Lifetime write and the object list after a
 * Create/Delete, a full Register after 4.04 on Update, De-register on stop, retry when the
 * server does not answer, several clients side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uriPath, uriQuery } from '../../../../src/codec/coap/access.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { TestServer, uintOption } from './test-server.ts';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const started: { sims: RunningLwm2mClient[]; servers: TestServer[] } = { sims: [], servers: [] };

async function setup(options: Partial<Parameters<typeof startLwm2mClientSimulator>[0]> = {}): Promise<{ sim: RunningLwm2mClient; server: TestServer }> {
  const server = await TestServer.open();
  const sim = await startLwm2mClientSimulator({ server: server.uri, ...options });
  started.servers.push(server);
  started.sims.push(sim);
  return { sim, server };
}

afterEach(async () => {
  for (const s of started.sims.splice(0)) await s.stop();
  for (const s of started.servers.splice(0)) await s.close();
});

describe('LwM2M client registration', () => {
  it('registers, updates at lt/2 for short lifetimes on the Location-Path, de-registers on stop', async () => {
    const { sim, server } = await setup({ lifetimeS: 2, version: '1.0' });
    const register = await server.waitForRequest('0.02', 'rd');
    expect(uriQuery(register.message!)).toEqual(['lwm2m=1.0', 'ep=native_sim', 'lt=2']);
    const update = await server.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd/1', 3000);
    const elapsed = update.atMs - register.atMs;
    expect(elapsed).toBeGreaterThan(800);
    expect(elapsed).toBeLessThan(1900);
    expect(uriQuery(update.message!)).toEqual([]);
    expect(update.message!.payload.length).toBe(0);
    await sim.stop();
    const dereg = await server.waitFor((r) => r.message?.code === '0.04');
    expect(uriPath(dereg.message!)).toEqual(['rd', '1']);
  });

  it('schedules the Update 10 s before a 30 s lifetime ends (Zephyr SECONDS_TO_UPDATE_EARLY)', async () => {
    const { sim } = await setup({ lifetimeS: 30 });
    await sim.waitFor('registered');
    // No Update in the first 1.5 s of a 30 s registration.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.events.map((e) => e.kind)).toEqual(['registered']);
  });

  it('sends lt= in an Update after a Lifetime write, nothing when it is unchanged', async () => {
    const { sim, server } = await setup({ lifetimeS: 30, updateDelayMs: 50 });
    await sim.waitFor('registered');
    const since = server.received.length;
    const ack = await server.request('0.03', '/1/0/1', { options: [uintOption(CoapOption.CONTENT_FORMAT, 0)], payload: new TextEncoder().encode('120') });
    expect(ack.message!.code).toBe('2.04');
    const update = await server.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd/1', 2000, since);
    expect(uriQuery(update.message!)).toEqual(['lt=120']);
    const read = await server.request('0.01', '/1/0/1', { options: [uintOption(CoapOption.ACCEPT, 0)] });
    expect(text(read.message!.payload)).toBe('120');
  });

  it('sends the object list in an Update after Create and Delete', async () => {
    const { sim, server } = await setup({ version: '1.0', updateDelayMs: 50 });
    await sim.waitFor('registered');
    expect((await server.request('0.04', '/3303/0')).message!.code).toBe('2.02');
    const since = server.received.length;
    const update = await server.waitFor((r) => r.message?.code === '0.02' && r.message.payload.length > 0, 2000, since);
    expect(text(update.message!.payload)).toBe('</3/0>,</5/0>,</1/0>,</3311/0>,</3303>,</3340/0>');
    expect(update.message!.options.some((o) => o.number === CoapOption.CONTENT_FORMAT)).toBe(true);
  });

  it('registers again after an Update answered 4.04', async () => {
    const { sim, server } = await setup({ lifetimeS: 2 });
    await sim.waitFor('registered');
    server.reply = (m) => (m.code === '0.02' && uriPath(m).length === 2 ? { code: '4.04' } : undefined);
    const failed = await sim.waitFor('update-failed', 3000);
    expect(failed).toEqual({ kind: 'update-failed', code: '4.04' });
    const again = await sim.waitFor('registered', 3000, sim.events.indexOf(failed));
    expect(again.kind).toBe('registered');
    expect(server.received.filter((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd').length).toBe(2);
  });

  it('sends an Update on Execute /1/0/8 and de-registers for the Disable Timeout on Execute /1/0/4', async () => {
    const { sim, server } = await setup({ lifetimeS: 30 });
    await sim.waitFor('registered');
    expect((await server.request('0.02', '/1/0/8')).message!.code).toBe('2.04');
    await sim.waitFor('updated', 2000);
    const before = sim.events.length;
    expect((await server.request('0.03', '/1/0/5', { options: [uintOption(CoapOption.CONTENT_FORMAT, 0)], payload: new TextEncoder().encode('1') })).message!.code).toBe('2.04');
    expect((await server.request('0.02', '/1/0/4')).message!.code).toBe('2.04');
    const dereg = await server.waitFor((r) => r.message?.code === '0.04', 2000);
    const again = await server.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd', 3000, server.received.indexOf(dereg));
    expect(again.atMs - dereg.atMs).toBeGreaterThanOrEqual(900);
    await sim.waitFor('registered', 2000, before);
  });

  it('retries the Register when the server refuses it', async () => {
    const server = await TestServer.open();
    started.servers.push(server);
    let refusals = 1;
    server.reply = (m) => (uriPath(m).join('/') === 'rd' && refusals-- > 0 ? { code: '4.03' } : undefined);
    const sim = await startLwm2mClientSimulator({ server: server.uri, registerRetryMs: 100 });
    started.sims.push(sim);
    await sim.waitFor('registered', 3000);
    expect(sim.events.map((e) => e.kind)).toEqual(['register-failed', 'registered']);
  });

  it('runs several clients at once on distinct ports and endpoints', async () => {
    const server = await TestServer.open();
    started.servers.push(server);
    const sims = await Promise.all([0, 1, 2].map((i) => startLwm2mClientSimulator({ server: server.uri, endpoint: `sim-${i}` })));
    started.sims.push(...sims);
    await Promise.all(sims.map((s) => s.waitFor('registered')));
    expect(new Set(sims.map((s) => s.localAddress.port)).size).toBe(3);
    const endpoints = server.received.filter((r) => r.message?.code === '0.02').map((r) => uriQuery(r.message!).find((q) => q.startsWith('ep=')));
    expect(endpoints.sort()).toEqual(['ep=sim-0', 'ep=sim-1', 'ep=sim-2']);
  });
});
