/**
 * The harness as LwM2M Bootstrap-Server over loopback UDP: Bootstrap-Request judgement with a
 * plain CoAP peer, a scripted bootstrap sequence against the simulated client (1.0 TLV, 1.1 SenML
 * CBOR), the client then registering with the harness's DM server, and the wait's timeout error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uriPathOptions, uriQueryOptions } from '../../../src/codec/coap/index.ts';
import { fromHex } from '../../../src/core/bytes.ts';
import { Lwm2mBootstrapServer, dmServerPlan, judgeBootstrapRequest, securityRecords, serverRecords, type Lwm2mBootstrapSession } from '../../../src/client/lwm2m-bootstrap-server.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../src/simulator/lwm2m-client/index.ts';
import { HarnessError } from '../../../src/errors.ts';
import { CoapTestPeer, msg } from './coap-fixtures.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function servers(): Promise<{ bs: Lwm2mBootstrapServer; dm: Lwm2mServer }> {
  const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { parameters: { ackTimeoutMs: 300, ackRandomFactor: 1, maxRetransmit: 2 } });
  const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => bs.close(), () => dm.close());
  return { bs, dm };
}

async function simulator(bs: Lwm2mBootstrapServer, endpoint: string, version: '1.0' | '1.1'): Promise<RunningLwm2mClient> {
  const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, endpoint, version, registerRetryMs: 200, timing: { ackTimeoutMs: 300 } });
  cleanups.push(() => sim.stop());
  return sim;
}

describe('Bootstrap-Request judgement', () => {
  it('accepts ep (and a numeric pct), refuses a missing or empty ep and a bad pct with 4.00', () => {
    expect(judgeBootstrapRequest(['ep=node-1', 'pct=112'])).toEqual({ endpoint: 'node-1', preferredFormat: 112, code: '2.04', findings: [] });
    expect(judgeBootstrapRequest([]).code).toBe('4.00');
    expect(judgeBootstrapRequest(['ep=']).code).toBe('4.00');
    expect(judgeBootstrapRequest(['ep=a', 'pct=1234567']).code).toBe('4.00');
    expect(judgeBootstrapRequest(['ep=a', 'x=1'])).toMatchObject({ code: '2.04', findings: ['unknown query item "x=1" in Bootstrap-Request'] });
  });

  it('answers a raw peer: 2.04 with ep, 4.00 without, 4.05 for GET /bs, 4.04 below /bs; records each request', async () => {
    const { bs } = await servers();
    const peer = await CoapTestPeer.open(bs.address());
    cleanups.push(() => peer.close());
    let messageId = 0x4000;
    const ask = async (code: string, path: string, query: string[]) => {
      peer.send(msg({ type: 'CON', code, messageId: messageId++, token: fromHex('0b5e'), options: [...uriPathOptions(path), ...uriQueryOptions(query)] }));
      return (await peer.next()).message.code;
    };
    expect(await ask('0.02', '/bs', ['ep=raw-1', 'pct=11542'])).toBe('2.04');
    expect(await ask('0.02', '/bs', [])).toBe('4.00');
    expect(await ask('0.01', '/bs', ['ep=raw-1'])).toBe('4.05');
    expect(await ask('0.02', '/bs/x', ['ep=raw-1'])).toBe('4.04');
    expect(bs.requests.map((r) => [r.endpoint, r.answered])).toEqual([['raw-1', '2.04'], [undefined, '4.00']]);
    expect(bs.sessions.map((s) => [s.endpoint, s.request.preferredFormat])).toEqual([['raw-1', 11542]]);
    expect((await bs.waitForBootstrapRequest('raw-1', 100)).peer.port).toBe(peer.address.port);
  });

  it('rejects the wait with a stable code and a message naming the endpoint and the time', async () => {
    const { bs } = await servers();
    const error = await bs.waitForBootstrapRequest('ghost', 150).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('E_NO_BOOTSTRAP');
    expect((error as Error).message).toBe('no bootstrap request from ghost within 0.15 s');
  });

  it('builds Security and Server records, refusing accounts that cannot be written', () => {
    expect(securityRecords(1, { serverUri: 'coap://127.0.0.1:5683', mode: 'psk', pskIdentity: 'id', pskKey: Uint8Array.of(1, 2), shortServerId: 7 }).map((r) => [r.path.join('/'), r.value.type])).toEqual([
      ['0/1/0', 'string'], ['0/1/1', 'boolean'], ['0/1/2', 'integer'], ['0/1/3', 'opaque'], ['0/1/4', 'opaque'], ['0/1/5', 'opaque'], ['0/1/10', 'integer'],
    ]);
    expect(() => securityRecords(1, { serverUri: 'coap://h', mode: 'nosec' })).toThrow(/Short Server ID/);
    expect(() => securityRecords(1, { serverUri: 'coap://h', mode: 'psk', shortServerId: 1 })).toThrow(/identity and a key/);
    expect(() => serverRecords(0, { shortServerId: 0, lifetimeS: 60 })).toThrow(/out of 1-65534/);
  });
});

describe.each(['1.0', '1.1'] as const)('bootstrap sequence against the simulated client (LwM2M %s)', (version) => {
  it('discovers, deletes, writes the DM account, finishes; the client then registers with the written server', async () => {
    const { bs, dm } = await servers();
    const endpoint = `bs-sim-${version}`;
    await simulator(bs, endpoint, version);
    const session: Lwm2mBootstrapSession = await bs.waitForBootstrapRequest(endpoint, 3000);
    expect(session.request.preferredFormat).toBe(version === '1.1' ? 112 : undefined);
    const before = await bs.discover(session, '/');
    expect(before.code).toBe('2.05');
    expect(before.decoded?.ok && before.decoded.value.map((l) => l.link.target)).toContain('/0/0');
    expect((await bs.delete(session, '/')).code).toBe('2.02');
    const { address, port } = dm.address();
    const plan = dmServerPlan(`coap://${address}:${port}`, { shortServerId: 3, lifetimeS: 120 });
    expect((await bs.writeSecurity(session, 1, plan.security[0]!.account)).code).toBe('2.04');
    expect((await bs.writeServer(session, 0, plan.servers[0]!.account)).code).toBe('2.04');
    if (version === '1.1') {
      const read = await bs.read(session, '/1/0');
      expect(read.code).toBe('2.05');
      expect(read.decoded?.ok && read.decoded.value.find((r) => r.path.join('/') === '1/0/1')?.value).toEqual({ type: 'integer', value: 120n });
      expect((await bs.read(session, '/0')).code).toBe('4.05');
    }
    const after = await bs.discover(session, '/');
    const text = new TextDecoder().decode(after.payload);
    expect(text).toContain(`</0/1>;ssid=3;uri="coap://${address}:${port}"`);
    expect(text).toContain('</1/0>;ssid=3');
    expect((await bs.finish(session)).code).toBe('2.04');
    expect(session.finishCode).toBe('2.04');
    expect(session.steps.map((s) => [s.operation, s.path, s.code])).toEqual([
      ['discover', '/', '2.05'], ['delete', '/', '2.02'], ['write', '/0/1', '2.04'], ['write', '/1/0', '2.04'],
      ...(version === '1.1' ? [['read', '/1/0', '2.05'], ['read', '/0', '4.05']] : []), ['discover', '/', '2.05'], ['finish', '/bs', '2.04'],
    ]);
    expect(session.steps.every((s) => s.atMs > 0 && s.response.exchanges[0]!.requestBytes.length > 0)).toBe(true);
    const registration = await dm.waitForRegistration(endpoint, 3000);
    expect(registration.lifetimeS).toBe(120);
  });
});

describe('automatic provisioning', () => {
  it('provisions every requesting client with a plan and emits the outcome', async () => {
    const { dm } = await servers();
    const { address, port } = dm.address();
    const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { autoProvision: dmServerPlan(`coap://${address}:${port}`) });
    cleanups.push(() => bs.close());
    const outcomes = new Map<string, boolean>();
    bs.onEvent((e) => { if (e.kind === 'provisioned') outcomes.set(e.session.endpoint, e.result.ok); });
    await Promise.all(['auto-a', 'auto-b'].map((ep) => simulator(bs, ep, '1.1')));
    await Promise.all(['auto-a', 'auto-b'].map((ep) => dm.waitForRegistration(ep, 3000)));
    expect(Object.fromEntries(outcomes)).toEqual({ 'auto-a': true, 'auto-b': true });
  });

  it('shares one endpoint with the DM server: the client bootstraps from and registers with the same address', async () => {
    const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    const { address, port } = dm.address();
    const bs = new Lwm2mBootstrapServer(dm.coap, { autoProvision: dmServerPlan(`coap://${address}:${port}`) });
    cleanups.push(() => dm.close(), () => bs.close());
    expect(bs.uri).toBe(`coap://${address}:${port}`);
    await simulator(bs, 'shared-1', '1.1');
    const registration = await dm.waitForRegistration('shared-1', 3000);
    expect(registration.peer.port).toBe(bs.sessions[0]!.peer.port);
    await bs.close();
    expect(dm.coap.isClosed).toBe(false);
  });
});
