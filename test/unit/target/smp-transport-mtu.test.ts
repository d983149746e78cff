import { afterEach, describe, expect, it } from 'vitest';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { echoPacketBytes, echoTextFor, measureTransportMtu } from '../../../src/target/smp/transport-mtu.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { osCommands } from '../../../src/codec/smp/groups/index.ts';
import { ResponseTimeoutError } from '../../../src/errors.ts';

let sim: RunningSimulator | undefined;
let client: SmpClient | undefined;

afterEach(async () => {
  await client?.close();
  await sim?.stop();
  client = undefined;
  sim = undefined;
});

async function serialClient(options: { mtu?: number; faults?: string[] }): Promise<SmpClient> {
  sim = await startSimulator({ serial: { ...(options.mtu === undefined ? {} : { mtu: options.mtu }) }, consoleText: false, faults: options.faults ?? [] });
  client = new SmpClient(await SerialTransport.open({ path: sim.serialPath!, baudRate: 115200, lineGapMs: 0 }), { timeoutMs: 1500 });
  return client;
}

describe('echo packet sizing', () => {
  it('finds the longest echo text for a packet size, across CBOR head widths', () => {
    for (const size of [40, 255, 256, 257, 300, 2044]) {
      const n = echoTextFor(size);
      expect(echoPacketBytes(n)).toBeLessThanOrEqual(size);
      expect(echoPacketBytes(n + 1)).toBeGreaterThan(size);
    }
  });
});

describe('serial transport MTU discovery', () => {
  it('measures 256 on a device that silently drops frames over 256 bytes (buf_size 2048)', async () => {
    const c = await serialClient({ mtu: 256 });
    const mtu = await measureTransportMtu(c, { ceilingBytes: 2044, timeoutMs: 800 });
    expect(mtu.source).toBe('measured');
    expect(mtu.bytes).toBeGreaterThan(256 - 8);
    expect(mtu.bytes).toBeLessThanOrEqual(256);
    expect(mtu.probes?.[0]).toMatchObject({ seen: 'silent' });
    expect(mtu.probes?.some((p) => p.seen === 'answered' && p.packetBytes === mtu.bytes)).toBe(true);
  }, 30_000);

  it('finds Zephyr\'s default 256 with two dropped probes (the ceiling and 257), not a whole binary search', async () => {
    const c = await serialClient({ mtu: 256 });
    const mtu = await measureTransportMtu(c, { ceilingBytes: 2044, timeoutMs: 800 });
    expect(mtu.bytes).toBe(256);
    expect(mtu.probes?.filter((p) => p.seen === 'silent').map((p) => p.packetBytes)).toEqual([2044, 257]);
  }, 30_000);

  it('finds an MTU that is not a common size by binary search after the guesses', async () => {
    const c = await serialClient({ mtu: 300 });
    const mtu = await measureTransportMtu(c, { ceilingBytes: 2044, timeoutMs: 800 });
    expect(mtu.bytes).toBeGreaterThan(300 - 8);
    expect(mtu.bytes).toBeLessThanOrEqual(300);
  }, 60_000);

  it('measures Zephyr\'s default 256 on the simulator as started without options (a real pty)', async () => {
    const c = await serialClient({});
    const mtu = await measureTransportMtu(c, { ceilingBytes: 2044, timeoutMs: 800 });
    expect(mtu.bytes).toBeGreaterThan(256 - 8);
    expect(mtu.bytes).toBeLessThanOrEqual(256);
    // Silence over the MTU, an answer at it: the frame is dropped, not refused.
    await expect(c.request(smpRequest(osCommands.echo, { d: 'm'.repeat(echoTextFor(257)) }), { timeoutMs: 800 })).rejects.toThrow(ResponseTimeoutError);
    expect((await c.request(smpRequest(osCommands.echo, { d: 'm'.repeat(echoTextFor(256)) }))).body.kind).toBe('ok');
  }, 30_000);

  it('takes the ceiling in one probe when the device answers it', async () => {
    const c = await serialClient({ mtu: 2044 });
    const mtu = await measureTransportMtu(c, { ceilingBytes: 1000, timeoutMs: 1500 });
    expect(mtu.bytes).toBe(echoPacketBytes(echoTextFor(1000)));
    expect(mtu.probes).toHaveLength(1);
  }, 30_000);

  it('counts an error reply as a frame that got through, not as silence', async () => {
    const c = await serialClient({ faults: ['serial-mtu-overflow-processed'] });
    const mtu = await measureTransportMtu(c, { ceilingBytes: 1000, timeoutMs: 1500 });
    expect(mtu.probes?.[0]?.seen).toBe('error');
    expect(mtu.bytes).toBe(echoPacketBytes(echoTextFor(1000)));
  }, 30_000);
});
