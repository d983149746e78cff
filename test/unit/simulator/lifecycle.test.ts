/**
 * startSimulator / RunningSimulator lifecycle: endpoints reported, stop is clean and idempotent,
 * bad options refused, a failed start leaves nothing open.
 */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.ts';
import { body, req, SimLink } from './sim-link.ts';

/** True when a UDP port on 127.0.0.1 can be bound (nobody holds it). */
function isPortFree(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('simulator lifecycle', () => {
  it('reports its endpoints; stop() frees them and can be called twice', async () => {
    const sim = await startSimulator({ udp: { port: 0 }, serial: true, faults: ['wrong-seq'] });
    expect(sim.udp).toMatchObject({ host: '127.0.0.1', port: expect.any(Number) });
    expect(sim.udp6).toBeUndefined();
    expect(sim.serialPath).toMatch(/^\/dev\//);
    expect(sim.faults).toEqual(['wrong-seq']);
    const link = await SimLink.udp(sim);
    expect(body(await link.ask(req(2, 0, 0, { d: 'x' })))).toEqual({ r: 'x' });
    await link.close();
    await sim.stop();
    await sim.stop();
    expect(await isPortFree(sim.udp!.port)).toBe(true);
  });

  it('a busy port makes start fail and leaves no endpoint open', async () => {
    const first = await startSimulator({ udp: { port: 0 } });
    try {
      await expect(startSimulator({ udp: { port: first.udp!.port } })).rejects.toThrow();
    } finally {
      await first.stop();
    }
  });

  it.each([{ bufSize: 10 }, { bufCount: 0 }, { bufSize: 1.5 }])('refuses %j', async (options) => {
    await expect(startSimulator({ udp: false, ...options })).rejects.toThrow(/must be an integer/);
  });

  it('the reset reply keeps the endpoints running (the device reboots behind them)', async () => {
    const sim = await startSimulator({ udp: { port: 0 } });
    const link = await SimLink.udp(sim);
    try {
      expect(body(await link.ask(req(2, 0, 5)))).toEqual({});
      await new Promise((r) => setTimeout(r, 350));
      expect(body(await link.ask(req(2, 0, 0, { d: 'back' })))).toEqual({ r: 'back' });
    } finally {
      await link.close();
      await sim.stop();
    }
  });
});
