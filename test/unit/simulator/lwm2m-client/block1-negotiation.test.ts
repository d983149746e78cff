/**
 * Block1 size negotiation and the blob package check of the simulated client, on the wire: a
 * client in 2.31 mode takes a larger first block whole and names its own size in 2.31 Continue;
 * in 4.13 mode it refuses the block naming its size; a blob-only client checks the package
 * length against the Size1 of the first block. Real loopback UDP against the test server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blockOption } from '../../../../src/codec/coap/access.ts';
import type { CoapMessage } from '../../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeBlockValue } from '../../../../src/codec/coap/values.ts';
import { startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { TestServer, uintOption } from './test-server.ts';

const cf42 = uintOption(CoapOption.CONTENT_FORMAT, 42);
const block1 = (num: number, more: boolean, szx: number) => ({ number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more, szx }) });
const ackOf = (m: CoapMessage | undefined): string => {
  const b = m === undefined ? undefined : blockOption(m, CoapOption.BLOCK1);
  return `${m?.code ?? 'none'} ${b?.ok === true ? `${b.value.num}/${b.value.szx}` : '-'}`;
};

let server: TestServer | undefined;
let sim: RunningLwm2mClient | undefined;
afterEach(async () => {
  await sim?.stop();
  await server?.close();
});

async function client(options: Partial<Lwm2mClientSimulatorOptions>): Promise<TestServer> {
  server = await TestServer.open();
  sim = await startLwm2mClientSimulator({ server: server.uri, registerRetryMs: 200, ...options });
  await server.waitFor((r) => r.message?.code === '0.02');
  return server;
}

const state = async (s: TestServer): Promise<string> => new TextDecoder().decode((await s.request('0.01', '/5/0/3', { options: [uintOption(CoapOption.ACCEPT, 0)] })).message!.payload);
const result = async (s: TestServer): Promise<string> => new TextDecoder().decode((await s.request('0.01', '/5/0/5', { options: [uintOption(CoapOption.ACCEPT, 0)] })).message!.payload);

describe('Block1 negotiation of the simulated client', () => {
  it('2.31 mode: takes a 1024-byte first block, asks for 256-byte blocks, and assembles the package', async () => {
    const s = await client({ block1SizeBytes: 256, block1Negotiation: '2.31', packageCheck: 'none' });
    const token = s.nextToken();
    const answers = [ackOf((await s.request('0.03', '/5/0/0', { token, options: [cf42, block1(0, true, 6)], payload: new Uint8Array(1024) })).message)];
    answers.push(ackOf((await s.request('0.03', '/5/0/0', { token, options: [cf42, block1(4, true, 4)], payload: new Uint8Array(256) })).message));
    answers.push(ackOf((await s.request('0.03', '/5/0/0', { token, options: [cf42, block1(5, false, 4)], payload: new Uint8Array(100) })).message));
    expect(answers).toEqual(['2.31 0/4', '2.31 4/4', '2.04 5/4']);
    expect(await state(s)).toBe('2');
    expect(sim!.client.firmware.receivedBytes).toBe(1024 + 256 + 100);
  });

  it('2.31 mode: a later block larger than the size it asked for is refused with 4.13 naming it', async () => {
    const s = await client({ block1SizeBytes: 256, block1Negotiation: '2.31' });
    const token = s.nextToken();
    await s.request('0.03', '/5/0/0', { token, options: [cf42, block1(0, true, 6)], payload: new Uint8Array(1024) });
    expect(ackOf((await s.request('0.03', '/5/0/0', { token, options: [cf42, block1(1, true, 6)], payload: new Uint8Array(1024) })).message)).toBe('4.13 0/4');
  });

  it('4.13 mode: refuses a larger first block naming its own size', async () => {
    const s = await client({ block1SizeBytes: 512 });
    expect(ackOf((await s.request('0.03', '/5/0/0', { options: [cf42, block1(0, true, 6)], payload: new Uint8Array(1024) })).message)).toBe('4.13 0/5');
    expect(await state(s)).toBe('0');
  });
});

describe('blob package check', () => {
  it('a package shorter than its Size1 ends Idle with Update Result 5; one as long as announced is Downloaded', async () => {
    const s = await client({ packageCheck: 'blob' });
    await s.request('0.03', '/5/0/0', { options: [cf42, block1(0, false, 2), uintOption(CoapOption.SIZE1, 100)], payload: new Uint8Array(64) });
    expect([await state(s), await result(s)]).toEqual(['0', '5']);
    await s.request('0.03', '/5/0/0', { options: [cf42, block1(0, false, 2), uintOption(CoapOption.SIZE1, 64)], payload: new Uint8Array(64) });
    expect([await state(s), await result(s)]).toEqual(['2', '0']);
  });
});
