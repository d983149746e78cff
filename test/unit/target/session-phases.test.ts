/**
 * The Session opens its protocol drivers in phase order: every driver listens, then the device is
 * started with the bound addresses, then each driver opens, waits until ready and discovers; the
 * device is stopped before the drivers close (a client de-registers with a server still there).
 * Capabilities and liveness come from the drivers.
 */
import { describe, expect, it } from 'vitest';
import { TraceLog } from '../../../src/core/trace.ts';
import { TransportError } from '../../../src/errors.ts';
import type { ProtocolDriver } from '../../../src/target/protocol-driver.ts';
import { Session } from '../../../src/target/session.ts';
import { testTarget } from '../conformance/helpers/run-case.ts';

function recordingDriver(events: string[], options: { failOpen?: boolean } = {}): ProtocolDriver {
  return {
    name: 'lwm2m',
    trace: new TraceLog(),
    listen: async () => {
      events.push('listen');
      return { lwm2m: 'coap://127.0.0.1:40123' };
    },
    open: async (ctx) => {
      events.push(`open ${ctx.listening.lwm2m ?? '-'} ${ctx.smp ?? '-'}`);
      if (options.failOpen) throw new TransportError('cannot open');
    },
    waitReady: async () => {
      events.push('ready');
      return { waitedMs: 1 };
    },
    discover: async () => {
      events.push('discover');
      return { statuses: new Map([['lwm2m.register', { name: 'lwm2m.register', present: true, declared: false, reason: 'registered' }]]), identity: { endpoint: 'dev' } };
    },
    alive: async () => ({ kind: 'dead', expected: 'an update', actual: 'nothing' }),
    close: async () => void events.push('close'),
  };
}

describe('Session phases', () => {
  it('listens, starts the device with the bound address, then opens, waits and discovers', async () => {
    const events: string[] = [];
    const session = await Session.open(testTarget({ smp: undefined }), {
      drivers: [recordingDriver(events)],
      startDevice: async (_target, listening) => {
        events.push(`start ${listening.lwm2m ?? '-'}`);
        return { smp: 'udp://127.0.0.1:9', stop: async () => void events.push('stop device') };
      },
    });
    expect(events).toEqual(['listen', 'start coap://127.0.0.1:40123', 'open coap://127.0.0.1:40123 udp://127.0.0.1:9', 'ready', 'discover']);
    expect(session.capability('lwm2m.register').present).toBe(true);
    expect(session.identity).toEqual({ endpoint: 'dev' });
    // Only the LwM2M driver itself is the case kit's LwM2M side; a stand-in speaking 'lwm2m' is not.
    expect(session.lwm2m).toBeUndefined();
    expect(session.smp).toBeUndefined();
    expect(await session.alive()).toEqual({ kind: 'dead', expected: 'an update', actual: 'nothing' });
    await session.close();
    expect(events.slice(-2)).toEqual(['stop device', 'close']);
  });

  it('closes the drivers and stops the device when a driver cannot open', async () => {
    const events: string[] = [];
    const opening = Session.open(testTarget(), {
      drivers: [recordingDriver(events, { failOpen: true })],
      startDevice: async () => ({ smp: 'udp://127.0.0.1:9', stop: async () => void events.push('stop device') }),
    });
    await expect(opening).rejects.toBeInstanceOf(TransportError);
    expect(events.slice(-2)).toEqual(['stop device', 'close']);
  });
});
