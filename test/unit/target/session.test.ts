import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { osCommands } from '../../../src/codec/smp/groups/os.ts';
import type { CaseSession } from '../../../src/conformance/session-port.ts';
import { elapsedMs, nowNs } from '../../../src/core/clock.ts';
import { ResponseTimeoutError, TransportClosedError, TransportError } from '../../../src/errors.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { Session } from '../../../src/target/session.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';
import { testTarget } from '../conformance/helpers/run-case.ts';

let sim: RunningSimulator;
let smp: string;

beforeAll(async () => {
  sim = await startSimulator({ udp: { port: 0 }, udp6: false, serial: false });
  smp = `udp://127.0.0.1:${sim.udp?.port ?? 0}`;
});

afterAll(async () => {
  await sim.stop();
});

/** A UDP port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Session against the simulator', () => {
  it('discovers capabilities, parameters and SMP versions, and fits the kit\'s CaseSession', async () => {
    const session = await Session.open(testTarget({ smp, capabilities: ['smp.os.reset', 'smp.bogus.thing'] }));
    const asKit: CaseSession = session;
    try {
      expect(asKit.transportKind).toBe('udp');
      expect(session.params).toEqual({ bufSize: 2048, bufCount: 2 });
      expect(session.smpVersions).toEqual({ v1: true, v2: true });
      expect(session.capability('smp.os.echo')).toMatchObject({ present: true, declared: false, reason: 'os echo answered success' });
      expect(session.capability('smp.os.mpstat')).toMatchObject({ present: false, reason: 'os mpstat answered rc 8 (MGMT_ERR_ENOTSUP)' });
      expect(session.capability('smp.os.reset')).toMatchObject({ present: true, declared: true });
      expect(session.capability('smp.zephyr.storage-erase').present).toBe(false);
      expect(session.capability('smp.bogus.thing')).toMatchObject({ present: false, declared: true, reason: 'not a capability name the harness knows' });
      expect(session.capability('smp.not.listed')).toMatchObject({ present: false, declared: false });
      expect(session.capabilities().filter((c) => c.declared).map((c) => c.name)).toEqual(['smp.os.reset', 'smp.bogus.thing']);
      expect(String(session.identity['osInfo'])).toContain('Zephyr');
    } finally {
      await session.close();
    }
  });

  it('recognises a pre-3.4 server that ignores the version bits (no SMP v2)', async () => {
    const old = await startSimulator({ udp: { port: 0 }, udp6: false, serial: false, errorForm: 'v1' });
    const session = await Session.open(testTarget({ smp: `udp://127.0.0.1:${old.udp?.port ?? 0}` }));
    try {
      expect(session.smpVersions).toEqual({ v1: true, v2: false });
      expect(session.capability('smp.v2')).toMatchObject({ present: false, reason: 'v2 request answered with version bits 0' });
    } finally {
      await session.close();
      await old.stop();
    }
  });

  it('closes for real: the client refuses requests and a second close is harmless', async () => {
    const session = await Session.open(testTarget({ smp }));
    await session.close();
    expect(session.isClosed).toBe(true);
    await expect(session.smp!.request(smpRequest(osCommands.echo, { d: 'x' }))).rejects.toBeInstanceOf(TransportClosedError);
    await expect(session.close()).resolves.toBeUndefined();
  });

  it('an unreachable target fails within the ready timeout, with the endpoint in the message', async () => {
    const port = await deadPort();
    const start = nowNs();
    const opening = Session.open(testTarget({ smp: `udp://127.0.0.1:${port}`, readyTimeoutMs: 700, timeoutMs: 200 }));
    await expect(opening).rejects.toBeInstanceOf(TransportError);
    await expect(opening).rejects.toThrow(`no answer from udp://127.0.0.1:${port} within 700 ms`);
    expect(elapsedMs(start)).toBeLessThan(3000);
  });

  it('waits for the device after a reset, and reopens a link that closed', async () => {
    const session = await Session.open(testTarget({ smp, timeoutMs: 500 }));
    try {
      const reset = await session.smp!.request(smpRequest(osCommands.reset, {}));
      expect(reset.body.kind).toBe('ok');
      expect(await session.awaitReady({ timeoutMs: 3000 })).toBeLessThan(3000);
      const before = session.smp!;
      await before.close();
      await session.awaitReady({ timeoutMs: 3000 });
      expect(session.smp).not.toBe(before);
      const echo = await session.smp!.request(smpRequest(osCommands.echo, { d: 'back' }));
      expect(echo.body).toMatchObject({ kind: 'ok', rsp: { r: 'back' } });
      expect(session.trace.entries.some((e) => e.note === 'mark' || e.direction === 'in')).toBe(true);
    } finally {
      await session.close();
    }
    await expect(session.awaitReady()).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('starts its own simulator for a sim target without an endpoint, and stops it on close', async () => {
    const session = await Session.open(testTarget({ kind: 'sim', smp: undefined, name: 'own-sim' }));
    expect(session.connection).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(session.capability('smp.os.reset')).toMatchObject({ present: true, reason: 'the built-in simulator implements it (smp_svr behaviour)' });
    const port = Number(session.connection.split(':').pop());
    await session.close();
    const probe = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port }), { timeoutMs: 300 });
    try {
      await expect(probe.request(smpRequest(osCommands.echo, { d: 'gone?' }))).rejects.toBeInstanceOf(ResponseTimeoutError);
    } finally {
      await probe.close();
    }
  });
});
