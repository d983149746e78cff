import { afterEach, describe, expect, it } from 'vitest';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { fsCommands } from '../../../src/codec/smp/groups/index.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';

let sim: RunningSimulator | undefined;
let client: SmpClient | undefined;

afterEach(async () => {
  await client?.close();
  await sim?.stop();
});

/** Upload `bytes` to `name` in 1 KiB chunks; 'ok', or the first error body as JSON. */
async function upload(c: SmpClient, name: string, bytes: number): Promise<string> {
  for (let off = 0; off < bytes; off += 1024) {
    const data = new Uint8Array(Math.min(1024, bytes - off)).fill(off & 0xff);
    const reply = await c.request(smpRequest(fsCommands.upload, off === 0 ? { off, data, name, len: bytes } : { off, data, name }));
    if (reply.body.kind !== 'ok') return JSON.stringify(reply.body);
  }
  return 'ok';
}

describe('simulated file system of 16 KiB', () => {
  it('fills up with new files, but one scratch file rewritten from offset 0 never does', async () => {
    sim = await startSimulator({ udp: { port: 0 } });
    client = new SmpClient(await UdpTransport.open({ host: sim.udp!.host, port: sim.udp!.port }));
    for (let i = 0; i < 10; i++) expect(await upload(client, '/lfs1/mc-scratch.bin', 6000), `rewrite ${i}`).toBe('ok');
    const fresh: string[] = [];
    for (let i = 0; i < 4; i++) fresh.push(await upload(client, `/lfs1/new-${i}.bin`, 6000));
    expect(fresh[0], JSON.stringify(fresh)).toBe('ok');
    expect(fresh.at(-1), JSON.stringify(fresh)).toMatch(/"group":8.*"rc":10|"rc":10.*"group":8/);
  });

  it('takes a bigger file system when asked', async () => {
    sim = await startSimulator({ udp: { port: 0 }, fsBytes: 64 * 1024 });
    client = new SmpClient(await UdpTransport.open({ host: sim.udp!.host, port: sim.udp!.port }));
    for (let i = 0; i < 4; i++) expect(await upload(client, `/lfs1/new-${i}.bin`, 6000)).toBe('ok');
  });
});
