/**
 * Firmware pull end to end over loopback: the harness's LwM2M server serves a package at a
 * `coap://` Package URI (Block2), the simulated client downloads it block by block and reaches
 * Downloaded, then Update runs to Update Result 1; also with the server's blocks smaller than
 * the client asks for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blockOption, CoapOption, optionValue } from '../../../src/codec/coap/index.ts';
import { toHex } from '../../../src/core/bytes.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../src/simulator/lwm2m-client/index.ts';

let server: Lwm2mServer | undefined;
let sim: RunningLwm2mClient | undefined;
afterEach(async () => {
  await sim?.stop();
  await server?.close();
  sim = undefined;
  server = undefined;
});

const image = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 0xff);
const text = (s: string) => ({ format: 0 as const, records: [{ path: [5, 0, 1], value: { type: 'string' as const, value: s } }] });

async function readInt(path: string): Promise<number> {
  const r = await server!.read('pull-client', path, { accept: 0 });
  return Number(new TextDecoder().decode(r.payload));
}

async function waitForState(state: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await readInt('/5/0/3')) !== state) {
    if (Date.now() > deadline) throw new Error(`firmware state ${state} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each([undefined, 4])('simulated client pulls a served package (server max SZX %s)', (maxBlockSzx) => {
  it('downloads block-wise from the Package URI, reaches Downloaded with the same bytes, then updates', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, maxBlockSzx === undefined ? {} : { maxBlockSzx });
    sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, endpoint: 'pull-client', version: '1.1' });
    await server.waitForRegistration('pull-client', 3000);
    const served = server.coap.serveResource('/fw/image.bin', image, { contentFormat: 42 });
    expect((await server.write('pull-client', '/5/0/1', text(served.uri))).code).toBe('2.04');
    await waitForState(2, 5000);
    expect(toHex(sim.client.firmware.image!)).toBe(toHex(image));
    const blockBytes = maxBlockSzx === undefined ? 1024 : 256;
    expect(served.requests).toHaveLength(Math.ceil(image.length / blockBytes));
    // Zephyr's pull asks for 1024-byte blocks with Size2 on the first request (docs/spec/lwm2m.md §4.6).
    const first = served.requests[0]!.message;
    expect(blockOption(first, CoapOption.BLOCK2)).toEqual({ ok: true, value: { num: 0, more: false, szx: 6 } });
    expect(optionValue(first, CoapOption.SIZE2)).toBeDefined();
    expect(new Set(served.requests.map((r) => r.peer.port)).size).toBe(1);
    expect(served.requests[0]!.peer.port).not.toBe(sim.localAddress.port);
    expect((await server.execute('pull-client', '/5/0/2')).code).toBe('2.04');
    await waitForState(0, 3000);
    expect(await readInt('/5/0/5')).toBe(1);
  });
});

describe('pull failure', () => {
  it('ends in Idle with Update Result 4 when the served resource is gone', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, endpoint: 'pull-client', version: '1.1' });
    await server.waitForRegistration('pull-client', 3000);
    const served = server.coap.serveResource('/fw/image.bin', image);
    served.stop();
    expect((await server.write('pull-client', '/5/0/1', text(served.uri))).code).toBe('2.04');
    const deadline = Date.now() + 3000;
    while ((await readInt('/5/0/5')) !== 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect([await readInt('/5/0/3'), await readInt('/5/0/5')]).toEqual([0, 4]);
  });
});
