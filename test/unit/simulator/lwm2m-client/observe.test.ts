/**
 * Observe over real loopback UDP, against the timing Zephyr showed in lwm2m-operations.jsonl:
 * CON notifications with Observe 1, 2, ... at pmax when nothing changes, a change notified no
 * sooner than pmin, cancel by GET Observe=1 (2.05 without Observe) and by RST.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { observeOption } from '../../../../src/codec/coap/access.ts';
import { decodeCoap, type CoapMessage } from '../../../../src/codec/coap/message.ts';
import { CoapOption } from '../../../../src/codec/coap/options.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../../src/simulator/lwm2m-client/index.ts';
import { hex, stringOption, TestServer, uintOption, type Received } from './test-server.ts';

let sim: RunningLwm2mClient | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await sim?.stop();
  await server?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const notificationsOf = (s: TestServer, token: Uint8Array): Received[] => s.received.filter((r) => r.message?.code === '2.05' && r.message.type === 'CON' && hex(r.message.token) === hex(token));
const seqOf = (m: CoapMessage | undefined): number | undefined => { const o = m === undefined ? undefined : observeOption(m); return o?.ok ? o.value : undefined; };

async function setup(version: '1.0' | '1.1' = '1.1', faults: string[] = []): Promise<TestServer> {
  server = await TestServer.open();
  sim = await startLwm2mClientSimulator({ server: server.uri, version, faults });
  await sim.waitFor('registered');
  return server;
}

interface CaptureRow { client: string; name: string; request_hex: string; response_hex: string | null }
const captured = (client: string, name: string): CaptureRow => readFileSync('test/fixtures/captures/lwm2m-operations.jsonl', 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as CaptureRow).find((r) => r.client === client && r.name === name)!;
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('LwM2M client observe', () => {
  it.each([
    { client: 'zephyr-lwm2m', version: '1.0' as const },
    { client: 'zephyr-lwm2m11', version: '1.1' as const },
  ])('answers the captured Observe of /3/0/13 as $client did, then notifies at pmax 3 s with CON, Observe 1', async ({ client, version }) => {
    const s = await setup(version);
    expect(hex((await s.exchange(bytes(captured(client, 'write-attr-3-0-13').request_hex))).bytes)).toBe(captured(client, 'write-attr-3-0-13').response_hex);
    const observe = captured(client, 'observe-3-0-13');
    const first = await s.exchange(bytes(observe.request_hex));
    // The last byte is /3/0/13 Current Time (seconds since start): 1 in the capture and here.
    expect(hex(first.bytes)).toBe(observe.response_hex);
    const note = await s.waitFor((r) => r.message?.type === 'CON' && r.message.code === '2.05', 4000);
    const zephyr = decodeCoap(bytes(captured(client, 'notify-3-0-13-1').request_hex));
    if (!zephyr.ok) throw new Error('capture notification does not decode');
    expect(note.atMs - first.atMs).toBeGreaterThan(2900);
    expect(note.atMs - first.atMs).toBeLessThan(3700);
    expect(hex(note.message!.token)).toBe(hex(zephyr.value.token));
    expect(note.message!.options.map((o) => [o.number, hex(o.value)])).toEqual(zephyr.value.options.map((o) => [o.number, hex(o.value)]));
  }, 10_000);

  it('notifies at pmax with CON and rising Observe values, then stops after Observe=1', async () => {
    const s = await setup('1.0');
    expect((await s.request('0.03', '/3/0/13', { options: [stringOption(CoapOption.URI_QUERY, 'pmin=0'), stringOption(CoapOption.URI_QUERY, 'pmax=1')] })).message!.code).toBe('2.04');
    const token = s.nextToken();
    const first = await s.request('0.01', '/3/0/13', { token, options: [uintOption(CoapOption.OBSERVE, 0), uintOption(CoapOption.ACCEPT, 0)] });
    expect(first.message!.code).toBe('2.05');
    expect(seqOf(first.message)).toBe(0);
    await sleep(2300);
    const notes = notificationsOf(s, token);
    expect(notes.map((n) => seqOf(n.message))).toEqual([1, 2]);
    expect(notes[0]!.atMs - first.atMs).toBeGreaterThan(900);
    expect(notes[0]!.atMs - first.atMs).toBeLessThan(1600);
    const cancel = await s.request('0.01', '/3/0/13', { token, options: [uintOption(CoapOption.OBSERVE, 1), uintOption(CoapOption.ACCEPT, 0)] });
    expect(cancel.message!.code).toBe('2.05');
    expect(seqOf(cancel.message)).toBeUndefined();
    const count = notificationsOf(s, token).length;
    await sleep(1300);
    expect(notificationsOf(s, token).length).toBe(count);
  }, 10_000);

  it('ends the observation when a notification is answered with RST', async () => {
    const s = await setup('1.1');
    await s.request('0.03', '/3/0', { options: [stringOption(CoapOption.URI_QUERY, 'pmax=1')] });
    const token = s.nextToken();
    const first = await s.request('0.01', '/3/0', { token, options: [uintOption(CoapOption.OBSERVE, 0)] });
    expect(first.message!.options.find((o) => o.number === CoapOption.CONTENT_FORMAT)?.value).toEqual(Uint8Array.of(112));
    s.resetNotifications = true;
    await s.waitFor((r) => notificationsOf(s, token).includes(r), 2000);
    await sleep(1500);
    expect(notificationsOf(s, token).length).toBe(1);
  }, 10_000);

  it('notifies a written value no sooner than pmin after the previous notification', async () => {
    const s = await setup('1.1');
    await s.request('0.03', '/1/0/3', { options: [stringOption(CoapOption.URI_QUERY, 'pmin=1'), stringOption(CoapOption.URI_QUERY, 'pmax=30')] });
    const token = s.nextToken();
    const first = await s.request('0.01', '/1/0/3', { token, options: [uintOption(CoapOption.OBSERVE, 0), uintOption(CoapOption.ACCEPT, 0)] });
    await s.request('0.03', '/1/0/3', { options: [uintOption(CoapOption.CONTENT_FORMAT, 0)], payload: new TextEncoder().encode('7') });
    const note = await s.waitFor((r) => notificationsOf(s, token).includes(r), 2000);
    expect(note.atMs - first.atMs).toBeGreaterThanOrEqual(950);
    expect(new TextDecoder().decode(note.message!.payload)).toBe('7');
  }, 10_000);
});
