/**
 * The simulated client started from a bootstrap server, over loopback UDP with the harness's
 * bootstrap server: its Bootstrap-Request, its answers on the bootstrap interface (discover,
 * read, write, delete, finish and the refusals of docs/spec/lwm2m.md §2.2/§5), retries, and the
 * registration with the DM server the bootstrap wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uriQuery } from '../../../../src/codec/coap/access.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeUintValue } from '../../../../src/codec/coap/values.ts';
import { Lwm2mBootstrapServer, dmServerPlan, type Lwm2mBootstrapSession } from '../../../../src/client/lwm2m-bootstrap-server.ts';
import { Lwm2mServer } from '../../../../src/client/lwm2m-server.ts';
import { startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup { bs: Lwm2mBootstrapServer; dm: Lwm2mServer; sim: RunningLwm2mClient; session: Lwm2mBootstrapSession; dmUri: string }

async function setup(options: Partial<Lwm2mClientSimulatorOptions> = {}): Promise<Setup> {
  const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { parameters: { ackTimeoutMs: 200, ackRandomFactor: 1, maxRetransmit: 1 } });
  const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => bs.close(), () => dm.close());
  const endpoint = options.endpoint ?? 'bs-client';
  const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, endpoint, registerRetryMs: 150, timing: { ackTimeoutMs: 200 }, ...options });
  cleanups.push(() => sim.stop());
  const session = await bs.waitForBootstrapRequest(endpoint, 2000);
  return { bs, dm, sim, session, dmUri: `coap://127.0.0.1:${dm.address().port}` };
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const cf = (format: number) => ({ number: CoapOption.CONTENT_FORMAT, value: encodeUintValue(format) });

describe('simulated client bootstrap', () => {
  it('sends POST /bs with ep and, in 1.1, pct=112; without pct in 1.0', async () => {
    const a = await setup({ endpoint: 'bs-11', version: '1.1' });
    expect(uriQuery(a.session.request.message)).toEqual(['ep=bs-11', 'pct=112']);
    const b = await setup({ endpoint: 'bs-10', version: '1.0' });
    expect(uriQuery(b.session.request.message)).toEqual(['ep=bs-10']);
  });

  it('lists the bootstrap account and objects in Bootstrap-Discover, root link first', async () => {
    const { bs, session } = await setup();
    const links = text((await bs.discover(session, '/')).payload).split(',');
    expect(links[0]).toBe('</>;lwm2m=1.1');
    expect(links[1]).toBe(`</0/0>;uri="${bs.uri}"`);
    expect(links).toContain('</1>');
    expect(links).toContain('</3/0>');
    expect(text((await bs.discover(session, '/0')).payload)).toBe(`</0/0>;uri="${bs.uri}"`);
    expect((await bs.discover(session, '/3/0')).code).toBe('4.05');
    expect((await bs.discover(session, '/77')).code).toBe('4.04');
  });

  it('refuses Bootstrap-Finish with 4.06 while no DM account exists, stays unregistered, then finishes after the writes', async () => {
    const { bs, dm, sim, session, dmUri } = await setup();
    expect((await bs.finish(session)).code).toBe('4.06');
    await expect(dm.waitForRegistration('bs-client', 300)).rejects.toThrow(/no registration/);
    expect(sim.bootstrapEvents.map((e) => e.kind)).toEqual(['bootstrap-requested', 'bootstrap-finish-refused']);
    const result = await bs.provision(session, dmServerPlan(dmUri, { lifetimeS: 90 }));
    expect(result).toEqual({ ok: true, failedAt: undefined, error: undefined });
    const registration = await dm.waitForRegistration('bs-client', 2000);
    expect(registration.lifetimeS).toBe(90);
    const read = await dm.read('bs-client', '/1/0/1', { accept: 0 });
    expect(text(read.payload)).toBe('90');
  });

  it('answers the refusals of the bootstrap interface', async () => {
    const { bs, session } = await setup({ version: '1.1' });
    const raw = (method: string, path: string, options: { number: number; value: Uint8Array }[] = [], payload = new Uint8Array(0)) =>
      bs.coap.request(session.peer, { method, path, options, payload }).then((o) => (o.kind === 'response' ? o.response.code : 'RST'));
    expect(await raw('0.02', '/3/0')).toBe('4.05');
    expect(await raw('0.04', '/0/0')).toBe('4.00');
    expect(await raw('0.04', '/1/0/1')).toBe('4.00');
    expect(await raw('0.03', '/1/0/1/0', [cf(0)], new TextEncoder().encode('5'))).toBe('4.05');
    expect(await raw('0.03', '/1/0', [cf(11542)], Uint8Array.of(0xc1, 0, 1))).toBe('4.15');
    expect(await raw('0.03', '/1/0', [cf(112)], Uint8Array.of(0xff, 0x00))).toBe('4.00');
    expect((await bs.read(session, '/3/0')).code).toBe('4.05');
    expect((await bs.read(session, '/0')).code).toBe('4.05');
    expect((await bs.delete(session, '/')).code).toBe('2.02');
    expect(text((await bs.discover(session, '/0')).payload)).toBe(`</0/0>;uri="${bs.uri}"`);
  });

  it('refuses Bootstrap-Read in LwM2M 1.0 and takes TLV writes', async () => {
    const { bs, session, dmUri } = await setup({ version: '1.0' });
    expect((await bs.read(session, '/1')).code).toBe('4.05');
    const plan = dmServerPlan(dmUri);
    expect((await bs.writeSecurity(session, 1, plan.security[0]!.account)).code).toBe('2.04');
    expect(session.steps.at(-1)!.response.exchanges[0]!.request.options.find((o) => o.number === CoapOption.CONTENT_FORMAT)?.value).toEqual(encodeUintValue(11542));
  });

  it('requests bootstrap again when no Finish comes within its bootstrap timeout', async () => {
    const { bs, sim } = await setup({ bootstrapTimeoutMs: 200 });
    await sim.waitForBootstrap('bootstrap-timeout', 1000);
    await bs.waitForEvent((e): e is Extract<typeof e, { kind: 'bootstrap-request' }> => e.kind === 'bootstrap-request', 1000, 'bs-client', 'second request');
    expect(bs.sessions.length).toBeGreaterThanOrEqual(2);
  });

  it('bootstraps again on Bootstrap-Request Trigger (/1/x/9) and registers anew (ETS int-5)', async () => {
    const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { autoProvision: dmServerPlan(`coap://127.0.0.1:${dm.address().port}`, { lifetimeS: 60 }) });
    cleanups.push(() => bs.close(), () => dm.close());
    const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, endpoint: 'bs-trigger', registerRetryMs: 150, timing: { ackTimeoutMs: 200 } });
    cleanups.push(() => sim.stop());
    await dm.waitForRegistration('bs-trigger', 2000);
    expect((await dm.execute('bs-trigger', '/1/0/9')).code).toBe('2.04');
    await dm.waitForNewRegistration('bs-trigger', 3000);
    expect(bs.sessions.map((x) => x.finishCode)).toEqual(['2.04', '2.04']);
    expect(dm.history.filter((h) => h.kind === 'deregister').map((h) => h.answered)).toEqual(['2.02']);
    expect(dm.registerCount('bs-trigger')).toBe(2);
  });

  it('falls back to bootstrap after failed Registers with the written server, then registers with the next one (ETS int-7)', async () => {
    const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const dead = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const deadUri = `coap://127.0.0.1:${dead.address().port}`;
    await dead.close();
    const plans = [dmServerPlan(deadUri), dmServerPlan(`coap://127.0.0.1:${dm.address().port}`)];
    const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { autoProvision: (session) => plans[Math.min(bs.sessions.indexOf(session), 1)] });
    cleanups.push(() => bs.close(), () => dm.close());
    const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, endpoint: 'bs-fallback', registerRetryMs: 50, bootstrapAfterFailures: 2, timing: { ackTimeoutMs: 40, ackRandomFactor: 1, maxRetransmit: 1 } });
    cleanups.push(() => sim.stop());
    await dm.waitForRegistration('bs-fallback', 4000);
    expect(sim.events.filter((e) => e.kind === 'register-failed').map((e) => e.kind === 'register-failed' && e.code)).toEqual(['timeout', 'timeout']);
    expect(bs.sessions).toHaveLength(2);
  });
});
