/**
 * The captured Register, Update and De-register datagrams of four real clients (Zephyr 1.0 and
 * 1.1, Wakaama, Anjay; golden vectors from captures/lwm2m-registrations.jsonl and
 * lwm2m-operations.jsonl) sent byte for byte to the server over loopback UDP: with the capture
 * server's registration ids, its answers equal the captured answers byte for byte, and the
 * registration records hold what each client announced.
 */
import { readFileSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { Lwm2mServer } from '../../../src/client/lwm2m-server.ts';

interface Vector {
  name: string;
  hex: string;
  source: string;
}

const vectors = new Map(
  readFileSync(new URL('../../fixtures/vectors/coap.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Vector)
    .map((v) => [v.name, v] as const),
);
const hexOf = (name: string): string => {
  const v = vectors.get(name);
  if (!v) throw new Error(`no vector ${name}`);
  return v.hex;
};

/** The capture server's ids, by endpoint (Location-Path rd/1 … rd/4 in the captured 2.01s). */
const CAPTURED_IDS: Record<string, string> = { native_sim: '1', native_sim_lwm2m11: '2', 'wakaama-capture': '3', 'anjay-capture': '4' };

let server: Lwm2mServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await server?.close();
});

async function exchange(s: Lwm2mServer, requestHex: string): Promise<string> {
  socket ??= await new Promise<Socket>((resolve) => {
    const u = createSocket('udp4');
    u.bind(0, '127.0.0.1', () => resolve(u));
  });
  const u = socket;
  return new Promise((resolve) => {
    u.once('message', (msg) => resolve(toHex(new Uint8Array(msg))));
    u.send(fromHex(requestHex), s.address().port, '127.0.0.1');
  });
}

describe('Lwm2mServer against captured registration traffic', () => {
  it('answers each client Register as the capture server did and records what it announced', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, { registrationId: (ep) => CAPTURED_IDS[ep] ?? 'x' });
    for (const client of ['zephyr-lwm2m', 'zephyr-lwm2m11', 'wakaama-lwm2m', 'anjay-lwm2m']) {
      expect(await exchange(server, hexOf(`${client}-register-request`)), client).toBe(hexOf(`${client}-register-response`));
    }
    expect(server.findings).toEqual([]);
    const zephyr10 = server.registration('native_sim')!;
    expect(zephyr10).toMatchObject({ lifetimeS: 30, lwm2mVersion: '1.0', binding: undefined, queueMode: false });
    expect(zephyr10.content.objects.map((o) => o.objectId)).toEqual([3, 5, 1, 3311, 3303, 3340]);
    const zephyr11 = server.registration('native_sim_lwm2m11')!;
    expect(zephyr11.content.contentFormats).toEqual([112]);
    expect(zephyr11.content.objects.find((o) => o.objectId === 3)).toEqual({ objectId: 3, version: '1.0', instances: [0] });
    const wakaama = server.registration('wakaama-capture')!;
    expect(wakaama).toMatchObject({ lifetimeS: 300, lwm2mVersion: '1.1', binding: 'U' });
    expect(wakaama.content.rootPath).toBe('/');
    expect(wakaama.content.contentFormats).toEqual([110]);
    const anjay = server.registration('anjay-capture')!;
    expect(anjay).toMatchObject({ lifetimeS: 60, lwm2mVersion: '1.1' });
    expect(anjay.content.objects.find((o) => o.objectId === 10)?.version).toBe('1.1');
  });

  it('answers the captured Updates and De-registers byte for byte', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, { registrationId: (ep) => CAPTURED_IDS[ep] ?? 'x' });
    await exchange(server, hexOf('zephyr-lwm2m-register-request'));
    await exchange(server, hexOf('anjay-lwm2m-register-request'));
    expect(await exchange(server, hexOf('zephyr-lwm2m-update-request'))).toBe(hexOf('zephyr-lwm2m-update-response'));
    expect(await exchange(server, hexOf('zephyr-lwm2m-update-2-request'))).toBe(hexOf('zephyr-lwm2m-update-2-response'));
    expect(server.registration('native_sim')).toMatchObject({ lifetimeS: 120, updates: 2 });
    expect(await exchange(server, hexOf('zephyr-lwm2m-deregister-request'))).toBe(hexOf('zephyr-lwm2m-deregister-response'));
    expect(await exchange(server, hexOf('anjay-lwm2m-deregister-request'))).toBe(hexOf('anjay-lwm2m-deregister-response'));
    expect(server.history.map((h) => `${h.endpoint} ${h.kind} ${h.answered}`)).toEqual([
      'native_sim register 2.01', 'anjay-capture register 2.01', 'native_sim update 2.04', 'native_sim update 2.04',
      'native_sim deregister 2.02', 'anjay-capture deregister 2.02',
    ]);
    // The same Update again: its registration is gone, so 4.04 (a new MID, not a duplicate).
    const again = hexOf('zephyr-lwm2m-update-request').replace(/^480292e4/, '480292f0');
    expect((await exchange(server, again)).slice(0, 4)).toBe('6884');
  });
});
