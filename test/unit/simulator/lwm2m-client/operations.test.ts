/**
 * Device management over real loopback UDP: the error codes of docs/spec/lwm2m.md §5, writes
 * in every format of each build read back, the firmware state machine through a Block1 push
 * and Execute Update, Create/Delete, composite operations and Send (1.1), duplicate CONs
 * answered once, NON requests answered with NON.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blockOption, uriPath } from '../../../../src/codec/coap/access.ts';
import { decodeCoap } from '../../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { encodeBlockValue } from '../../../../src/codec/coap/values.ts';
import { decodeSenmlCbor, encodeSenmlCbor } from '../../../../src/codec/lwm2m/senml-cbor.ts';
import { encodeSenmlJson } from '../../../../src/codec/lwm2m/senml-json.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { hex, TestServer, uintOption } from './test-server.ts';

let sim: RunningLwm2mClient | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await sim?.stop();
  await server?.close();
});

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
const cf = (f: number) => uintOption(CoapOption.CONTENT_FORMAT, f);
const accept = (f: number) => uintOption(CoapOption.ACCEPT, f);

async function setup(version: '1.0' | '1.1', options: { reboot?: 'log' | 'restart' } = {}): Promise<TestServer> {
  server = await TestServer.open();
  sim = await startLwm2mClientSimulator({ server: server.uri, version, updateDelayMs: 20, ...options });
  await sim.waitFor('registered');
  return server;
}

const codeOf = async (p: Promise<{ message: { code: string } | undefined }>): Promise<string | undefined> => (await p).message?.code;

describe('LwM2M client device management', () => {
  it.each(['1.0', '1.1'] as const)('answers the §5 error codes (%s)', async (version) => {
    const s = await setup(version);
    expect(await codeOf(s.request('0.01', '/0/0'))).toBe('4.01');
    expect(await codeOf(s.request('0.01', '/9999/0'))).toBe('4.04');
    expect(await codeOf(s.request('0.01', '/3/7'))).toBe('4.04');
    expect(await codeOf(s.request('0.01', '/3/0/99'))).toBe('4.04');
    expect(await codeOf(s.request('0.01', '/3/0/4'))).toBe('4.05');
    expect(await codeOf(s.request('0.03', '/1/0/0', { options: [cf(0)], payload: enc('5') }))).toBe('4.05');
    expect(await codeOf(s.request('0.02', '/3/0/0'))).toBe('4.05');
    expect(await codeOf(s.request('0.01', '/3/0', { options: [accept(11544)] }))).toBe('4.06');
    expect(await codeOf(s.request('0.01', '/3/0', { options: [accept(0)] }))).toBe('4.06');
    expect(await codeOf(s.request('0.03', '/1/0/1', { options: [cf(11544)], payload: Uint8Array.of(0) }))).toBe('4.15');
    expect(await codeOf(s.request('0.03', '/1/0/1', { options: [cf(0)], payload: enc('abc') }))).toBe('4.00');
    expect(await codeOf(s.request('0.01', '/3/0/0', { options: [{ number: CoapOption.IF_NONE_MATCH, value: new Uint8Array(0) }] }))).toBe('4.02');
    expect(await codeOf(s.request('0.04', '/3/0'))).toBe('4.05');
    expect(await codeOf(s.request('0.01', '/3/0/9', { token: new Uint8Array(0), options: [uintOption(CoapOption.OBSERVE, 0)] }))).toBe('4.00');
    expect(await codeOf(s.request('0.03', '/3/0/0', { options: [{ number: CoapOption.URI_QUERY, value: enc('gt=1') }] }))).toBe('4.00');
    expect(await codeOf(s.request('0.03', '/3/0/9', { options: [{ number: CoapOption.URI_QUERY, value: enc('gt=1') }] }))).toBe('2.04');
    // Nothing was changed by the refused write.
    expect(text((await s.request('0.01', '/1/0/0', { options: [accept(0)] })).message!.payload)).toBe('1');
  });

  it('writes /1/0 in TLV (1.0) and reads the values back', async () => {
    const s = await setup('1.0');
    expect(await codeOf(s.request('0.02', '/1/0', { options: [cf(11542)], payload: Uint8Array.from(Buffer.from('c10178c10601', 'hex')) }))).toBe('2.04');
    expect(text((await s.request('0.01', '/1/0/1', { options: [accept(0)] })).message!.payload)).toBe('120');
    expect(text((await s.request('0.01', '/1/0/6', { options: [accept(0)] })).message!.payload)).toBe('1');
    expect(await codeOf(s.request('0.03', '/1/0/1', { options: [cf(0)], payload: enc('300') }))).toBe('2.04');
    expect(hex((await s.request('0.01', '/1/0/1', { options: [accept(11542)] })).message!.payload)).toBe('c201012c');
  });

  it('writes in SenML JSON, SenML CBOR and CBOR (1.1) and reads the values back', async () => {
    const s = await setup('1.1');
    expect(await codeOf(s.request('0.02', '/1/0', { options: [cf(110)], payload: encodeSenmlJson([{ bn: '/1/0/', n: '2', v: 5 }, { n: '3', v: 50 }]) }))).toBe('2.04');
    expect(await codeOf(s.request('0.03', '/1/0/5', { options: [cf(112)], payload: encodeSenmlCbor([{ n: '/1/0/5', v: 600 }]) }))).toBe('2.04');
    expect(await codeOf(s.request('0.03', '/1/0/6', { options: [cf(60)], payload: Uint8Array.of(0xf5) }))).toBe('2.04');
    const read = await s.request('0.01', '/1/0', { options: [accept(112)] });
    const records = decodeSenmlCbor(read.message!.payload);
    if (!records.ok) throw new Error(records.error.message);
    expect(records.value.filter((r) => ['2', '3', '5', '6'].includes(r.n ?? '')).map((r) => r.v ?? r.vb)).toEqual([5, 50, 600, true]);
  });

  it('takes a Block1 firmware push, refuses Update in Idle, then updates from Downloaded', async () => {
    const s = await setup('1.1');
    expect(await codeOf(s.request('0.02', '/5/0/2'))).toBe('4.05');
    const token = s.nextToken();
    const codes: string[] = [];
    for (let num = 0; num < 4; num++) {
      const options = [cf(42), { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more: num < 3, szx: 0 }) }];
      codes.push((await s.request('0.03', '/5/0/0', { token, options, payload: new Uint8Array(16).fill(num) })).message!.code);
    }
    expect(codes).toEqual(['2.31', '2.31', '2.31', '2.04']);
    expect(sim!.client.firmware.image?.length).toBe(64);
    expect(text((await s.request('0.01', '/5/0/3', { options: [accept(0)] })).message!.payload)).toBe('2');
    expect(await codeOf(s.request('0.03', '/5/0/0', { options: [cf(42)], payload: Uint8Array.of(1, 2) }))).toBe('4.05');
    expect(await codeOf(s.request('0.02', '/5/0/2'))).toBe('2.04');
    await new Promise((r) => setTimeout(r, 200));
    expect(text((await s.request('0.01', '/5/0/3', { options: [accept(0)] })).message!.payload)).toBe('0');
    expect(text((await s.request('0.01', '/5/0/5', { options: [accept(0)] })).message!.payload)).toBe('1');
  });

  it('pulls a package from a coap:// Package URI block by block (Block2), and refuses other schemes with Result 9', async () => {
    const s = await setup('1.0');
    const blob = Uint8Array.from({ length: 2500 }, (_, i) => i & 0xff);
    s.reply = (m) => {
      if (uriPath(m).join('/') !== 'fw/pkg') return undefined;
      const asked = blockOption(m, CoapOption.BLOCK2);
      const { num, szx } = asked?.ok === true ? asked.value : { num: 0, szx: 6 };
      const size = 16 << szx;
      const more = (num + 1) * size < blob.length;
      return { code: '2.05', options: [{ number: CoapOption.BLOCK2, value: encodeBlockValue({ num, more, szx }) }], payload: blob.subarray(num * size, (num + 1) * size) };
    };
    expect(await codeOf(s.request('0.03', '/5/0/1', { options: [cf(0)], payload: enc(`coap://127.0.0.1:${s.port}/fw/pkg`) }))).toBe('2.04');
    for (let i = 0; i < 50 && sim!.client.firmware.state !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim!.client.firmware.state).toBe(2);
    expect(hex(sim!.client.firmware.image!)).toBe(hex(blob));
    expect(s.received.filter((r) => r.message !== undefined && uriPath(r.message).join('/') === 'fw/pkg').length).toBe(3);
    await s.request('0.03', '/5/0/1', { options: [cf(0)], payload: new Uint8Array(0) });
    expect(await codeOf(s.request('0.03', '/5/0/1', { options: [cf(0)], payload: enc('http://127.0.0.1/fw') }))).toBe('2.04');
    expect(text((await s.request('0.01', '/5/0/5', { options: [accept(0)] })).message!.payload)).toBe('9');
    expect(text((await s.request('0.01', '/5/0/3', { options: [accept(0)] })).message!.payload)).toBe('0');
  });

  it('refuses a Block1 transfer that starts past block 0 with 4.08', async () => {
    const s = await setup('1.0');
    const options = [cf(42), { number: CoapOption.BLOCK1, value: encodeBlockValue({ num: 2, more: true, szx: 0 }) }];
    expect(await codeOf(s.request('0.03', '/5/0/0', { options, payload: new Uint8Array(16) }))).toBe('4.08');
  });

  it('creates an instance with a chosen id (Location-Path) and deletes it', async () => {
    const s = await setup('1.1');
    const created = await s.request('0.02', '/3300', { options: [cf(112)], payload: encodeSenmlCbor([{ bn: '/3300/', n: '5/5750', vs: 'x' }]) });
    expect(created.message!.code).toBe('2.01');
    expect(await codeOf(s.request('0.01', '/3300/5/5750', { options: [accept(0)] }))).toBe('2.05');
    expect(await codeOf(s.request('0.04', '/3300/5'))).toBe('2.02');
    expect(await codeOf(s.request('0.04', '/3300/5'))).toBe('4.04');
    const chosen = await s.request('0.02', '/3300', { options: [cf(112)], payload: encodeSenmlCbor([]) });
    expect(chosen.message!.code).toBe('2.01');
    expect(chosen.message!.options.filter((o) => o.number === CoapOption.LOCATION_PATH).map((o) => text(o.value))).toEqual(['3300', '0']);
  });

  it('answers Read-Composite and Write-Composite (1.1), leaving out absent paths', async () => {
    const s = await setup('1.1');
    const asked = encodeSenmlCbor([{ n: '/1/0/1' }, { n: '/3/0/0' }, { n: '/3339/0/5522' }]);
    const fetched = await s.request('0.05', '', { options: [cf(112), accept(112)], payload: asked });
    expect(fetched.message!.code).toBe('2.05');
    const got = decodeSenmlCbor(fetched.message!.payload);
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.map((r) => [r.n, r.v ?? r.vs])).toEqual([['/1/0/1', 30], ['/3/0/0', 'Zephyr']]);
    const write = encodeSenmlCbor([{ n: '/1/0/2', v: 3 }, { n: '/3/0/13', v: 1000 }]);
    expect(await codeOf(s.request('0.07', '', { options: [cf(112)], payload: write }))).toBe('2.04');
    expect(text((await s.request('0.01', '/1/0/2', { options: [accept(0)] })).message!.payload)).toBe('3');
    expect(await codeOf(s.request('0.07', '', { options: [cf(112)], payload: encodeSenmlCbor([{ n: '/1/0/0', v: 3 }]) }))).toBe('4.05');
  });

  it('sends values to /dp (1.1) and stays quiet when Mute Send is on', async () => {
    const s = await setup('1.1');
    expect(await sim!.send(['/3/0/0'])).toBe('2.04');
    const dp = await s.waitFor((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'dp');
    const records = decodeSenmlCbor(dp.message!.payload);
    expect(records.ok && records.value[0]).toEqual({ n: '/3/0/0', vs: 'Zephyr' });
    await s.request('0.03', '/1/0/23', { options: [cf(0)], payload: enc('1') });
    expect(await sim!.send(['/3/0/0'])).toBe('muted');
  });

  it('answers a duplicate CON once: same bytes, no second execution', async () => {
    const s = await setup('1.0');
    await s.request('0.04', '/3303/0');
    const create = s.build('0.02', '/3303', { options: [cf(11542)], payload: Uint8Array.of(0, 0) });
    const first = await s.exchange(create);
    const again = await s.exchange(create);
    expect(first.message!.code).toBe('2.01');
    expect(hex(again.bytes)).toBe(hex(first.bytes));
  });

  it('answers a NON request with a NON response carrying the token', async () => {
    const s = await setup('1.1');
    const con = decodeCoap(s.build('0.01', '/3/0/0', { options: [accept(0)] }));
    if (!con.ok) throw new Error('build');
    const token = con.value.token;
    const non = Uint8Array.from(s.build('0.01', '/3/0/0', { options: [accept(0)], token }));
    non[0] = (non[0]! & 0xcf) | 0x10;
    s.sendRaw(non);
    const rsp = await s.waitFor((r) => r.message?.type === 'NON' && hex(r.message.token) === hex(token));
    expect(rsp.message!.code).toBe('2.05');
  });

  it('registers again after Execute Reboot (restart mode)', async () => {
    const s = await setup('1.1', { reboot: 'restart' });
    const before = sim!.events.length;
    expect(await codeOf(s.request('0.02', '/3/0/4'))).toBe('2.04');
    await sim!.waitFor('registered', 2000, before);
    expect(s.received.filter((r) => r.message?.code === '0.02' && uriPath(r.message).join('/') === 'rd').length).toBe(2);
  });
});
