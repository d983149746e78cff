/**
 * Every bootstrap fault profile of the simulated client, shown on the wire: each check passes
 * with the profile on and fails without it, over loopback UDP with the harness's bootstrap and
 * DM servers (the bootstrap twin of faults.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Lwm2mBootstrapServer, dmServerPlan, type Lwm2mBootstrapSession } from '../../../../src/client/lwm2m-bootstrap-server.ts';
import { Lwm2mServer } from '../../../../src/client/lwm2m-server.ts';
import { LWM2M_FAULT_PROFILES } from '../../../../src/simulator/lwm2m-client/faults.ts';
import { startLwm2mClientSimulator } from '../../../../src/simulator/lwm2m-client/index.ts';

interface World { bs: Lwm2mBootstrapServer; dm: Lwm2mServer; decoy: Lwm2mServer; dmUri: string; session: () => Promise<Lwm2mBootstrapSession> }
type Check = (w: World) => Promise<void>;

const EP = 'bs-fault';

const CHECKS: Record<string, Check> = {
  'lwm2m-bs-no-ep': async ({ bs }) => {
    await bs.waitForEvent((e): e is Extract<typeof e, { kind: 'bootstrap-refused' }> => e.kind === 'bootstrap-refused', 600, EP, 'refused request');
    expect(bs.requests[0]!.findings).toContain('Bootstrap-Request without ep= (the endpoint name is mandatory)');
  },
  'lwm2m-bs-no-finish-ack': async ({ bs, dm, dmUri, session }) => {
    const s = await session();
    const plan = { ...dmServerPlan(dmUri), finish: false };
    expect((await bs.provision(s, plan)).ok).toBe(true);
    await expect(bs.finish(s)).rejects.toThrow(/no ACK/);
    // The client goes on regardless: only the missing answer is the fault.
    await dm.waitForRegistration(EP, 1000);
  },
  'lwm2m-bs-ignores-server-uri': async ({ bs, decoy, dmUri, session }) => {
    expect((await bs.provision(await session(), dmServerPlan(dmUri))).ok).toBe(true);
    await decoy.waitForRegistration(EP, 1000);
  },
  'lwm2m-bs-finish-accepts-unusable': async ({ bs, session }) => {
    const s = await session();
    await bs.delete(s, '/');
    expect((await bs.finish(s)).code).toBe('2.04');
  },
  'lwm2m-bs-delete-keeps-servers': async ({ bs, session }) => {
    const s = await session();
    await bs.writeServer(s, 0, { shortServerId: 1, lifetimeS: 60 });
    await bs.delete(s, '/');
    expect(new TextDecoder().decode((await bs.discover(s, '/1')).payload)).toContain('</1/0>');
  },
  'lwm2m-bs-read-security': async ({ bs, session }) => {
    const read = await bs.read(await session(), '/0/0');
    expect(read.code).toBe('2.05');
    expect(read.decoded?.ok && read.decoded.value.some((r) => r.path.join('/') === '0/0/5')).toBe(true);
  },
  'lwm2m-bs-discover-no-root-link': async ({ bs, session }) => {
    expect(new TextDecoder().decode((await bs.discover(await session(), '/')).payload)).not.toContain('</>');
  },
  'lwm2m-bs-write-new-answers-created': async ({ bs, session }) => {
    expect((await bs.writeServer(await session(), 1, { shortServerId: 2, lifetimeS: 60 })).code).toBe('2.01');
  },
  'lwm2m-bs-delete-removes-bs-account': async ({ bs, session }) => {
    const s = await session();
    await bs.delete(s, '/0');
    expect(new TextDecoder().decode((await bs.discover(s, '/0')).payload)).not.toMatch(/<\/0\/\d+>/);
  },
};

describe('LwM2M bootstrap fault profiles on the wire', () => {
  it('has a check for every bootstrap profile', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(LWM2M_FAULT_PROFILES.map((p) => p.name).filter((n) => n.startsWith('lwm2m-bs-')).sort());
  });

  for (const [name, check] of Object.entries(CHECKS)) {
    it(`${name}: effect visible on the wire; the same exchange conforms without it`, async () => {
      for (const faults of [[name], []]) {
        const bs = await Lwm2mBootstrapServer.open({ host: '127.0.0.1', port: 0 }, { parameters: { ackTimeoutMs: 150, ackRandomFactor: 1, maxRetransmit: 1 } });
        const dm = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
        const decoy = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
        const sim = await startLwm2mClientSimulator({ bootstrap: bs.uri, server: `coap://127.0.0.1:${decoy.address().port}`, endpoint: EP, version: '1.1', registerRetryMs: 150, timing: { ackTimeoutMs: 200 }, faults });
        try {
          const run = check({ bs, dm, decoy, dmUri: `coap://127.0.0.1:${dm.address().port}`, session: () => bs.waitForBootstrapRequest(EP, 600) });
          if (faults.length > 0) await run;
          else await expect(run).rejects.toThrow();
        } finally {
          await sim.stop();
          await Promise.all([bs.close(), dm.close(), decoy.close()]);
        }
      }
    });
  }
});
