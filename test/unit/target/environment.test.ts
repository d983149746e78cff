import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireSession, SESSION_PROVIDER_KEY } from '../../../src/conformance/session-port.ts';
import { TransportError } from '../../../src/errors.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { conformanceEnvironment, installConformanceSessions } from '../../../src/target/conformance-environment.ts';
import type { Session } from '../../../src/target/session.ts';
import { closeAllSessions, getSession, sessionCount } from '../../../src/target/session-registry.ts';
import { testTarget } from '../conformance/helpers/run-case.ts';

let sim: RunningSimulator;
let saved: string | undefined;

beforeAll(async () => {
  sim = await startSimulator({ udp: { port: 0 }, udp6: false, serial: false });
  saved = process.env['MGMT_TARGET'];
  process.env['MGMT_TARGET'] = JSON.stringify({ name: 'env-sim', kind: 'sim', smp: `udp://127.0.0.1:${sim.udp?.port ?? 0}`, timeoutMs: 500 });
});

afterAll(async () => {
  if (saved === undefined) delete process.env['MGMT_TARGET'];
  else process.env['MGMT_TARGET'] = saved;
  await closeAllSessions();
  await sim.stop();
});

describe('conformance environment and session registry', () => {
  it('installs the provider in the slot the kit reads', async () => {
    const teardown = installConformanceSessions();
    try {
      expect(typeof (globalThis as Record<symbol, unknown>)[SESSION_PROVIDER_KEY]).toBe('function');
    } finally {
      await teardown();
    }
    expect((globalThis as Record<symbol, unknown>)[SESSION_PROVIDER_KEY]).toBeUndefined();
  });

  it('provides one shared session from MGMT_TARGET and closes it at teardown', async () => {
    const env = await conformanceEnvironment.setup(globalThis, {});
    const first = (await acquireSession()) as unknown as Session;
    const second = (await acquireSession()) as unknown as Session;
    expect(second).toBe(first);
    expect(first.targetName).toBe('env-sim');
    expect(sessionCount()).toBe(1);
    await env.teardown(globalThis);
    expect(first.isClosed).toBe(true);
    expect(sessionCount()).toBe(0);
    expect((globalThis as Record<symbol, unknown>)[SESSION_PROVIDER_KEY]).toBeUndefined();
    await expect(acquireSession()).rejects.toThrow(/no target session/);
  });

  it('keeps a failed open failed: every later case is broken at once, none hangs', async () => {
    const teardown = installConformanceSessions();
    try {
      const target = testTarget({ name: 'nowhere', smp: 'udp://127.0.0.1:9', readyTimeoutMs: 300, timeoutMs: 100 });
      const a = getSession(target);
      expect(getSession(target)).toBe(a);
      await expect(a).rejects.toBeInstanceOf(TransportError);
      expect(getSession(target)).toBe(a);
    } finally {
      await teardown();
    }
  });

  it('opens the simulator\'s pseudo-terminal for a serial sim target', async () => {
    const session = await getSession(testTarget({ name: 'pty-sim', kind: 'sim', smp: undefined, transport: 'serial', timeoutMs: 1000 }));
    try {
      expect(session.transportKind).toBe('serial');
      expect(session.connection).toMatch(/^serial:\/\//);
      expect(session.capability('smp.transport.serial').present).toBe(true);
      expect(session.capability('smp.os.echo').present).toBe(true);
    } finally {
      await closeAllSessions();
    }
    expect(session.isClosed).toBe(true);
  });
});
