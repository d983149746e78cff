/**
 * The LwM2M side of a Session over DTLS-PSK, with the simulated client in its own process: the
 * server binds coaps://, the client gets the bound address and the target's PSK and registers
 * inside the association; with a wrong key the side is unreachable with the DTLS alert named,
 * and only a case that judges the handshakes still runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunTarget } from '../../../src/config/index.ts';
import { lwm2mBrokenReason } from '../../../src/conformance/gating.ts';
import { Session } from '../../../src/target/session.ts';

const security = { mode: 'psk' as const, identity: 'native_sim_lwm2m11', key: '0f0e0d0c0b0a09080706050403020100' };

function dtlsTarget(faults: string[], registrationTimeoutMs: number): RunTarget {
  return {
    name: 'sim-dtls', kind: 'sim', transport: 'lwm2m-1.1', capabilities: [], timeoutMs: 1000, strict: false, seed: 1, faults,
    allowDestructive: true, readyTimeoutMs: 1500, budgets: {}, listening: {}, protocols: ['lwm2m'], simLwm2mVersion: '1.1',
    lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'native_sim_lwm2m11', registrationTimeoutMs, security },
  };
}

const open: Session[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('LwM2M session over DTLS-PSK (simulated client in its own process)', { timeout: 60_000 }, () => {
  it('binds coaps://, the client registers inside a DTLS association with the target identity', async () => {
    const session = await Session.open(dtlsTarget([], 20_000));
    open.push(session);
    const side = session.lwm2m!;
    expect(side.unreachable).toBeUndefined();
    expect(side.server.coap.scheme).toBe('coaps');
    expect(side.security).toEqual({ mode: 'psk', identity: security.identity });
    const r = side.registration();
    const established = side.server.coap.dtlsEvents.flatMap((e) => (e.kind === 'established' ? [e] : []));
    expect(established.map((e) => [Buffer.from(e.peer.identity).toString(), e.peer.port])).toContainEqual([security.identity, r.peer.port]);
    expect(await session.alive()).toEqual({ kind: 'alive' });
  });

  it('a wrong key: the side is unreachable naming the decrypt_error alert; only a handshake-judging case runs', async () => {
    const session = await Session.open(dtlsTarget(['lwm2m-dtls-wrong-psk'], 3000));
    open.push(session);
    const reason = session.lwm2m?.unreachable;
    expect(reason).toMatch(/^no registration from native_sim_lwm2m11 within 3 s \(\d+ DTLS handshake\(s\) failed: sent fatal alert decrypt_error \(51\)/);
    expect(lwm2mBrokenReason('LwM2M', { requires: [] }, session)).toBe(reason);
    expect(lwm2mBrokenReason('LwM2M', { requires: [], judgesDtlsHandshakes: true }, session)).toBeUndefined();
    expect(lwm2mBrokenReason('LwM2M', { requires: [], judgesRegisterRequests: true }, session)).toBe(reason);
  });
});
