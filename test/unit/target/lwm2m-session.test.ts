/**
 * The LwM2M side of a Session over real loopback UDP, with the simulated LwM2M client in its own
 * process: the server is bound before the client is started (with the bound port), readiness is
 * the endpoint's registration, capabilities come from the registration and harmless reads, and a
 * client that never registers leaves the side unreachable (the session still opens, fast).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunTarget } from '../../../src/config/index.ts';
import { lwm2mBrokenReason } from '../../../src/conformance/gating.ts';
import type { CaseSession } from '../../../src/conformance/session-port.ts';
import { startLwm2mSimulatorDevice, type StartedDevice } from '../../../src/target/device-start.ts';
import { Session, type StartDevice } from '../../../src/target/session.ts';

function lwm2mTarget(version: '1.0' | '1.1', overrides: Partial<RunTarget> = {}): RunTarget {
  return {
    name: `sim-lwm2m-${version}`,
    kind: 'sim',
    transport: `lwm2m-${version}`,
    capabilities: [],
    timeoutMs: 1000,
    strict: false,
    seed: 1,
    faults: [],
    allowDestructive: true,
    readyTimeoutMs: 1500,
    budgets: {},
    listening: {},
    protocols: ['lwm2m'],
    simLwm2mVersion: version,
    lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: version === '1.0' ? 'native_sim' : 'native_sim_lwm2m11', registrationTimeoutMs: 20_000 },
    ...overrides,
  };
}

const open: Session[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function opened(target: RunTarget): Promise<Session> {
  const session = await Session.open(target);
  open.push(session);
  return session;
}

describe('LwM2M session against the simulated client (own process)', { timeout: 60_000 }, () => {
  it('1.1: binds first, the client registers with the bound port, capabilities and liveness come from the registration', async () => {
    const session = await opened(lwm2mTarget('1.1'));
    const side = session.lwm2m;
    expect(side?.unreachable).toBeUndefined();
    const bound = side?.server.address();
    expect(bound?.port).toBeGreaterThan(0);
    const r = side!.registration();
    expect(r.endpoint).toBe('native_sim_lwm2m11');
    // The client is another process: its address is not ours, and it went to the bound port.
    expect(r.peer.port).not.toBe(bound?.port);
    expect(session.smp).toBeUndefined();
    const present = (name: string): boolean => session.capability(name).present;
    expect(['lwm2m', 'lwm2m.v1.1', 'lwm2m.obj.3', 'lwm2m.obj.5', 'lwm2m.fmt.senml-cbor', 'lwm2m.composite'].filter((n) => !present(n))).toEqual([]);
    expect(present('lwm2m.obj.0')).toBe(false);
    expect(session.capability('lwm2m.fmt.senml-cbor').reason).toMatch(/ct=/);
    expect(session.identity['lwm2m']).toMatchObject({ endpoint: 'native_sim_lwm2m11', lwm2mVersion: '1.1' });
    expect(await session.alive()).toEqual({ kind: 'alive' });
    const pings = session.trace.entries.filter((e) => e.direction === 'out' && e.hex.startsWith('40') && e.hex.length === 8);
    expect(pings.length).toBe(1);
    // Closing stops the client first: its De-register still reaches the server, answered 2.02.
    const server = side!.server;
    await session.close();
    expect(server.history.filter((h) => h.kind === 'deregister').map((h) => `${h.endpoint} ${h.answered}`)).toEqual(['native_sim_lwm2m11 2.02']);
  });

  it('1.0: no 1.1 capabilities; formats it does not announce are probed with Accept (4.06 = absent)', async () => {
    const session = await opened(lwm2mTarget('1.0', { capabilities: ['lwm2m.obj.9'] }));
    expect(session.capability('lwm2m.v1.1').present).toBe(false);
    expect(session.capability('lwm2m.composite').present).toBe(false);
    expect(session.capability('lwm2m.fmt.tlv')).toMatchObject({ present: true, reason: expect.stringMatching(/Accept 11542 answered 2\.05/) });
    expect(session.capability('lwm2m.fmt.senml-cbor')).toMatchObject({ present: false, reason: expect.stringMatching(/4\.06/) });
    expect(session.capability('lwm2m.fmt.text').present).toBe(true);
    // A declared object the client does not announce: absent, declared (SMP's rule: a failure).
    expect(session.capability('lwm2m.obj.9')).toMatchObject({ present: false, declared: true, reason: 'not announced in the registration' });
  });

  it('a client that never registers (pointed at a wrong port): the session opens fast with the side unreachable, LwM2M cases broken', async () => {
    const target = lwm2mTarget('1.1', { lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'native_sim_lwm2m11', registrationTimeoutMs: 1500 } });
    const wrongPort: StartDevice = () => startLwm2mSimulatorDevice({ server: 'coap://127.0.0.1:9', endpoint: 'native_sim_lwm2m11', version: '1.1', lifetimeS: 30, faults: [] });
    const started = Date.now();
    const session = await Session.open(target, { startDevice: wrongPort });
    open.push(session);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(15_000);
    const reason = session.lwm2m?.unreachable;
    expect(reason).toBe('no registration from native_sim_lwm2m11 within 1.5 s');
    expect(session.capability('lwm2m')).toMatchObject({ present: false, reason });
    expect(await session.alive()).toEqual({ kind: 'unchecked', reason });
    // Later waits (a case's awaitReady) do not wait for the registration again.
    expect(await session.awaitReady({ timeoutMs: 5000 })).toBe(0);
    const caseSession: CaseSession = session;
    expect(lwm2mBrokenReason('LwM2M', { requires: [] }, caseSession)).toBe(reason);
    expect(lwm2mBrokenReason('SMP', { requires: ['smp.os.echo'] }, caseSession)).toBeUndefined();
    expect(lwm2mBrokenReason('SMP', { requires: ['lwm2m.obj.3'] }, caseSession)).toBe(reason);
  });

  it('a client that went away (stopped: it de-registers) is no longer alive after a case', async () => {
    let device: StartedDevice | undefined;
    const start: StartDevice = async (_t, listening) => (device = await startLwm2mSimulatorDevice({ server: listening.lwm2m ?? '', endpoint: 'native_sim_lwm2m11', version: '1.1', lifetimeS: 30, faults: [] }));
    const session = await Session.open(lwm2mTarget('1.1'), { startDevice: start });
    open.push(session);
    expect(await session.alive()).toEqual({ kind: 'alive' });
    await device!.stop();
    expect(await session.alive()).toEqual({ kind: 'dead', expected: 'an active registration of native_sim_lwm2m11', actual: 'none (de-registered or expired)' });
  });

  it('reset with readiness lwm2m-register: Reboot over LwM2M (no SMP link), ready when the client registers anew, both times recorded', async () => {
    const session = await opened(lwm2mTarget('1.1', { reset: { method: 'smp', readiness: 'lwm2m-register', timeoutMs: 15_000 } }));
    const server = session.lwm2m!.server;
    const before = server.history.filter((h) => h.kind === 'register').length;
    const readyMs = await session.resetDevice();
    expect(server.history.filter((h) => h.kind === 'register').length).toBe(before + 1);
    expect(readyMs).toBeGreaterThan(0);
    const timing = session.timingFigures();
    expect(Object.keys(timing).sort()).toEqual(expect.arrayContaining(['lwm2m.register', 'lwm2m.reregister', 'reset.toReady']));
    expect(timing['lwm2m.reregister']!.max).toBeLessThanOrEqual(timing['reset.toReady']!.max + 1);
    // 0 when the client registered before the session looked (it registers right after its ready line).
    expect(session.lwm2m!.registrationMs).toBeGreaterThanOrEqual(0);
    expect(timing['lwm2m.register']!.count).toBe(1);
  });

  it('reset with readiness lwm2m-register fails with a TransportError when the client never registers again', async () => {
    // Reboot mode "log" (the Zephyr sample's) only answers 2.04: no new registration follows.
    const start: StartDevice = (_t, listening) => startLwm2mSimulatorDevice({ server: listening.lwm2m ?? '', endpoint: 'native_sim_lwm2m11', version: '1.1', lifetimeS: 30, faults: [], reboot: 'log' });
    const session = await Session.open(lwm2mTarget('1.1', { reset: { method: 'smp', readiness: 'lwm2m-register', timeoutMs: 1500 } }), { startDevice: start });
    open.push(session);
    await expect(session.resetDevice()).rejects.toThrow(/no new registration from native_sim_lwm2m11/);
  });

  it('a bootstrap target: the client bootstraps from the harness, then registers with the server the bootstrap wrote', async () => {
    const session = await opened(lwm2mTarget('1.1', { lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'native_sim_lwm2m11', registrationTimeoutMs: 20_000, bootstrap: { port: 0 } } }));
    const side = session.lwm2m!;
    expect(side.unreachable).toBeUndefined();
    const record = side.bootstrap!;
    expect(record.requests[0]?.endpoint).toBe('native_sim_lwm2m11');
    expect(record.version).toBe('1.1');
    expect(Object.fromEntries(record.steps.map((s) => [s.name, s.code]))).toEqual({
      'discover-root': '2.05', 'read-server': '2.05', 'read-security': '4.05', 'finish-unusable': '4.06',
      'write-stale-security': '2.04', 'write-stale-server': '2.04', 'delete-security': '2.02', 'discover-security': '2.05',
      'delete-root': '2.02', 'discover-after-delete': '2.05', 'write-security': '2.04', 'write-server': '2.04', 'finish': '2.04',
    });
    expect(record.dmServerUri).toBe(`coap://127.0.0.1:${side.server.address().port}`);
    expect(side.registration().endpoint).toBe('native_sim_lwm2m11');
    expect(session.capability('lwm2m.bootstrap').present).toBe(true);
  });

  it('a client registering under another name: the reason names the endpoints that did register', async () => {
    const target = lwm2mTarget('1.1', { lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'expected-dev', registrationTimeoutMs: 3000 } });
    const other: StartDevice = (_t, listening) => startLwm2mSimulatorDevice({ server: listening.lwm2m ?? '', endpoint: 'someone-else', version: '1.1', lifetimeS: 30, faults: [] });
    const session = await Session.open(target, { startDevice: other });
    open.push(session);
    expect(session.lwm2m?.unreachable).toBe('no registration from expected-dev within 3 s (Register requests came from: someone-else)');
  });
});
