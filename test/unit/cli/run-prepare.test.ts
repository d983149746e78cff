/**
 * The start of a target run: listeners are bound before the device starts, the device gets their
 * bound addresses, the worker's target carries both, and nothing stays open when a phase fails.
 */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { listenWith, startTargetRun, type ListenerBinder } from '../../../src/cli/run-prepare.ts';
import type { TargetRunPlan } from '../../../src/cli/run-targets.ts';
import { builtInTargets, parseListenAddress } from '../../../src/config/index.ts';

/** A binder holding a real UDP socket on loopback (port 0 resolved to the bound one). */
function udpBinder(events: string[]): ListenerBinder {
  return {
    protocol: 'lwm2m',
    addressOf: (target) => target.lwm2m?.listen,
    bind: async (address) => {
      const where = parseListenAddress(address);
      if (typeof where === 'string') throw new Error(where);
      const socket = createSocket('udp4');
      await new Promise<void>((done) => socket.bind(where.port, where.host, done));
      events.push('listen');
      return {
        address: `coap://${where.host}:${socket.address().port}`,
        close: async () => {
          events.push('close listener');
          await new Promise<void>((done) => socket.close(() => done()));
        },
      };
    },
  };
}

function plan(withLwm2m: boolean): TargetRunPlan {
  const sim = builtInTargets().targets['sim']!;
  const target = withLwm2m ? { ...sim, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'dev', registrationTimeoutMs: 1000 } } : sim;
  return { key: 'sim-udp', target, transport: 'udp', faults: [], isStrict: false, seed: 5, protocols: ['smp'] };
}

describe('starting a target run', () => {
  it('binds listeners first, hands their bound addresses to the device start and to the worker', async () => {
    const events: string[] = [];
    let given: string | undefined;
    const started = await startTargetRun(plan(true), {
      listen: listenWith([udpBinder(events)]),
      prepare: async (_plan, listening) => {
        events.push('start device');
        given = listening.lwm2m;
        return { smp: 'udp://127.0.0.1:1337', stop: async () => void events.push('stop device') };
      },
    });
    expect(events).toEqual(['listen', 'start device']);
    expect(given).toMatch(/^coap:\/\/127\.0\.0\.1:\d+$/);
    expect(given).not.toBe('coap://127.0.0.1:0');
    expect(started.target.listening).toEqual({ lwm2m: given });
    expect(started.target.smp).toBe('udp://127.0.0.1:1337');
    await started.stop();
    expect(events).toEqual(['listen', 'start device', 'stop device', 'close listener']);
  });

  it('binds nothing for a target without a listener', async () => {
    const events: string[] = [];
    const started = await startTargetRun(plan(false), { listen: listenWith([udpBinder(events)]), prepare: async () => ({ smp: 'udp://127.0.0.1:1', stop: async () => undefined }) });
    expect(events).toEqual([]);
    expect(started.target.listening).toEqual({});
  });

  it('closes the listeners when the device does not start', async () => {
    const events: string[] = [];
    const failing = startTargetRun(plan(true), {
      listen: listenWith([udpBinder(events)]),
      prepare: async () => {
        throw new Error('no such program');
      },
    });
    await expect(failing).rejects.toThrow('no such program');
    expect(events).toEqual(['listen', 'close listener']);
  });
});
