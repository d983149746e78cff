/**
 * Cross-check with the harness side: the SmpClient and the typed group codecs
 * talk to the simulator over the real UDP socket and the real pty. Every success response
 * must decode without field problems (a mismatch is a bug on one of the two sides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smpRequest, type SmpCommand } from '../../../src/codec/smp/command.ts';
import { enumCommands, fsCommands, imgCommands, osCommands, settingsCommands, shellCommands, statCommands, zephyrCommands } from '../../../src/codec/smp/groups/index.ts';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';

/** Commands in an order that leaves the device usable, with request values. */
const SCRIPT: [string, SmpCommand<unknown, unknown>, unknown][] = [
  ['os.echo', osCommands.echo, { d: 'typed' }],
  ['os.taskstat', osCommands.taskstat, {}],
  ['os.datetimeSet', osCommands.datetimeSet, { datetime: '2026-11-28T12:00:00' }],
  ['os.datetimeGet', osCommands.datetimeGet, {}],
  ['os.mcumgrParams', osCommands.mcumgrParams, {}],
  ['os.info', osCommands.info, { format: 'a' }],
  ['os.bootloaderInfo', osCommands.bootloaderInfo, {}],
  ['img.state', imgCommands.state, {}],
  ['img.slotInfo', imgCommands.slotInfo, {}],
  ['img.erase', imgCommands.erase, {}],
  ['stat.list', statCommands.list, {}],
  ['stat.show', statCommands.show, { name: 'smp_svr_stats' }],
  ['settings.write', settingsCommands.write, { name: 'test/a', val: Uint8Array.of(1) }],
  ['settings.read', settingsCommands.read, { name: 'test/a' }],
  ['settings.save', settingsCommands.save, {}],
  ['fs.upload', fsCommands.upload, { off: 0, data: Uint8Array.of(1, 2, 3), name: '/lfs1/t', len: 3 }],
  ['fs.status', fsCommands.status, { name: '/lfs1/t' }],
  ['fs.download', fsCommands.download, { off: 0, name: '/lfs1/t' }],
  ['fs.hash', fsCommands.hash, { name: '/lfs1/t', type: 'sha256' }],
  ['fs.supportedHashes', fsCommands.supportedHashes, {}],
  ['fs.close', fsCommands.close, {}],
  ['shell.exec', shellCommands.exec, { argv: ['kernel', 'version'] }],
  ['enum.count', enumCommands.count, {}],
  ['enum.list', enumCommands.list, {}],
  ['enum.single', enumCommands.single, { index: 7 }],
  ['enum.details', enumCommands.details, {}],
  ['zephyr.storageErase', zephyrCommands.storageErase, {}],
];

async function runScript(client: SmpClient): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, command, value] of SCRIPT) {
    const reply = await client.request(smpRequest(command, value));
    if (reply.body.kind !== 'ok') problems.push(`${name}: ${reply.body.kind} ${JSON.stringify(reply.body)}`);
    else if (!reply.decoded?.ok) problems.push(`${name}: ${JSON.stringify(reply.decoded?.error)}`);
  }
  return problems;
}

describe('typed client against the simulator (cross-check of both sides)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ udp: { port: 0 }, serial: true, consoleText: true });
  });
  afterAll(() => sim.stop());

  it('over UDP: every command decodes as a success without field problems', async () => {
    const client = new SmpClient(await UdpTransport.open({ host: sim.udp!.host, port: sim.udp!.port }));
    try {
      expect(await runScript(client)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('over the pty (with console log lines on): every command decodes as a success', async () => {
    const client = new SmpClient(await SerialTransport.open({ path: sim.serialPath!, baudRate: 115200 }), { timeoutMs: 3000 });
    try {
      expect(await runScript(client)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
