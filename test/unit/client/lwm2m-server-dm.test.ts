/**
 * The LwM2M server against the simulated Zephyr client over real loopback UDP, LwM2M 1.0 and
 * 1.1: register, read /3/0 in each format the client answers, write and read back, discover,
 * write-attributes, observe/notify/cancel both ways, execute, create/delete, composite
 * operations and Send (1.1), de-register.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContentFormat } from '../../../src/codec/coap/content-format.ts';
import { formatPath } from '../../../src/codec/lwm2m/path.ts';
import type { Lwm2mRecord } from '../../../src/codec/lwm2m/types.ts';
import { Lwm2mServer, type Lwm2mResponse } from '../../../src/client/lwm2m-server.ts';
import { NotRegisteredError } from '../../../src/errors.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../../../src/simulator/lwm2m-client/index.ts';

let server: Lwm2mServer | undefined;
let sim: RunningLwm2mClient | undefined;
afterEach(async () => {
  await sim?.stop();
  await server?.close();
  sim = undefined;
  server = undefined;
});

async function setup(version: '1.0' | '1.1'): Promise<{ s: Lwm2mServer; ep: string }> {
  server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  const { port } = server.address();
  sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port }, version, updateDelayMs: 20, endpoint: `dm-${version}` });
  await server.waitForRegistration(`dm-${version}`, 5000);
  // The server has answered; the client takes its 2.01 a moment later.
  if (!sim.events.some((e) => e.kind === 'registered')) await sim.waitFor('registered', 2000);
  return { s: server, ep: `dm-${version}` };
}

function values(r: Lwm2mResponse<Lwm2mRecord[]>): Map<string, unknown> {
  if (!r.decoded?.ok) throw new Error(`not decoded: ${JSON.stringify(r.decoded)}`);
  return new Map(r.decoded.value.map((rec) => [formatPath(rec.path), rec.value.value]));
}

const FORMATS = { '1.0': [ContentFormat.LWM2M_TLV, ContentFormat.LWM2M_TLV_LEGACY], '1.1': [ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON] } as const;

describe.each(['1.0', '1.1'] as const)('Lwm2mServer device management (%s)', (version) => {
  it('sees the registration: version, objects, announced formats', async () => {
    const { s, ep } = await setup(version);
    const r = s.registration(ep)!;
    expect(r.lwm2mVersion).toBe(version);
    expect(r.location).toEqual(['rd', r.id]);
    expect(r.content.objects.map((o) => o.objectId)).toEqual(expect.arrayContaining([1, 3, 5, 3303]));
    expect(r.content.objects.some((o) => o.objectId === 0)).toBe(false);
    expect(r.content.contentFormats).toEqual(version === '1.1' ? [112] : []);
    expect(r.peer).toMatchObject({ address: '127.0.0.1', port: sim!.localAddress.port });
    expect(s.history.map((h) => [h.kind, h.answered])).toEqual([['register', '2.01']]);
  });

  it('reads /3/0 in each format, without Accept, and a single resource as text', async () => {
    const { s, ep } = await setup(version);
    for (const accept of FORMATS[version]) {
      const read = await s.read(ep, '/3/0', { accept });
      expect(read.code).toBe('2.05');
      expect(read.contentFormat).toBe(accept);
      expect(values(read).get('/3/0/0')).toBe('Zephyr');
    }
    const plain = await s.read(ep, [3, 0]);
    expect(plain.contentFormat).toBe(version === '1.1' ? ContentFormat.SENML_CBOR : ContentFormat.LWM2M_TLV);
    const text = await s.read(ep, '/3/0/9', { accept: ContentFormat.TEXT_PLAIN });
    expect(new TextDecoder().decode(text.payload)).toBe('95');
    expect(values(text).get('/3/0/9')).toBe(95n);
  });

  it('answers refusals with their exact codes and no decode', async () => {
    const { s, ep } = await setup(version);
    expect((await s.read(ep, '/9999/0')).code).toBe('4.04');
    expect((await s.read(ep, '/3/0', { accept: 11544 })).code).toBe('4.06');
    const exec = await s.execute(ep, '/3/0/0');
    expect(exec.code).toBe('4.05');
    expect(exec.decoded).toBeUndefined();
    expect((await s.write(ep, '/1/0/1', { format: 11544, payload: Uint8Array.of(0) })).code).toBe('4.15');
  });

  it('writes (replace and partial) and reads the values back', async () => {
    const { s, ep } = await setup(version);
    const format = FORMATS[version][0];
    const replace = await s.write(ep, '/3/0/15', { format, records: [{ path: [3, 0, 15], value: { type: 'string', value: 'Europe/Berlin' } }] });
    expect(replace.code).toBe('2.04');
    expect(replace.exchanges[0]!.request.code).toBe('0.03');
    const partial = await s.write(ep, '/3/0', { format, records: [{ path: [3, 0, 14], value: { type: 'string', value: '+01' } }] }, { partial: true });
    expect(partial.code).toBe('2.04');
    expect(partial.exchanges[0]!.request.code).toBe('0.02');
    const back = values(await s.read(ep, '/3/0', { accept: format }));
    expect(back.get('/3/0/15')).toBe('Europe/Berlin');
    expect(back.get('/3/0/14')).toBe('+01');
  });

  it('writes with Block1 in 16-byte blocks', async () => {
    const { s, ep } = await setup(version);
    const value = 'a timezone name longer than one block';
    const res = await s.write(ep, '/3/0/15', { format: ContentFormat.TEXT_PLAIN, records: [{ path: [3, 0, 15], value: { type: 'string', value } }] }, { blockSzx: 0 });
    expect(res.code).toBe('2.04');
    expect(res.exchanges.length).toBe(3);
    expect(values(await s.read(ep, '/3/0/15', { accept: 0 })).get('/3/0/15')).toBe(value);
  });

  it('discovers /3/0 with the attributes Write-Attributes set', async () => {
    const { s, ep } = await setup(version);
    expect((await s.writeAttributes(ep, '/3/0/9', [{ name: 'pmin', value: 2 }, { name: 'pmax', value: 30 }])).code).toBe('2.04');
    const d = await s.discover(ep, '/3/0');
    expect(d.code).toBe('2.05');
    expect(d.contentFormat).toBe(40);
    if (!d.decoded?.ok) throw new Error('discover not decoded');
    const battery = d.decoded.value.find((l) => l.link.target === '/3/0/9');
    expect(battery?.attributes).toMatchObject({ pmin: 2, pmax: 30 });
    expect(d.decoded.value.some((l) => l.link.target === '/3/0/0')).toBe(true);
  });

  it('observes, receives notifications, cancels actively and passively', async () => {
    const { s, ep } = await setup(version);
    const o = await s.observe(ep, '/3/0/15', { accept: ContentFormat.TEXT_PLAIN });
    expect(o.first.code).toBe('2.05');
    expect(o.isActive).toBe(true);
    await s.write(ep, '/3/0/15', { format: 0, records: [{ path: [3, 0, 15], value: { type: 'string', value: 'UTC' } }] });
    const n = await o.next(3000);
    expect(n.code).toBe('2.05');
    expect(n.decoded).toEqual({ ok: true, value: [{ path: [3, 0, 15], value: { type: 'string', value: 'UTC' } }] });
    expect(n.sequence).toBeGreaterThan(0);
    const cancel = await o.cancel('deregister');
    expect(cancel?.code).toBe('2.05');
    expect(o.isActive).toBe(false);

    const passive = await s.observe(ep, '/3/0/14', { accept: ContentFormat.TEXT_PLAIN });
    await passive.cancel('reset');
    const mark = s.trace.mark();
    await s.write(ep, '/3/0/14', { format: 0, records: [{ path: [3, 0, 14], value: { type: 'string', value: '+02' } }] });
    const sawReset = (): boolean => s.trace.since(mark).some((e) => e.direction === 'out' && e.note?.startsWith('RST (unknown token)') === true);
    for (let waited = 0; !sawReset() && waited < 3000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(sawReset()).toBe(true);
    expect(passive.notifications.length).toBe(0);
  });

  it('executes, creates and deletes an instance (the client sends an Update)', async () => {
    const { s, ep } = await setup(version);
    expect((await s.execute(ep, '/1/0/8')).code).toBe('2.04');
    await s.waitForEvent((e): e is Extract<typeof e, { kind: 'updated' }> => e.kind === 'updated', 3000, ep, 'update');
    if (version === '1.0') {
      expect((await s.delete(ep, '/3303/0')).code).toBe('2.02');
      // An empty TLV names no instance: the client picks one and returns its Location-Path.
      const chosen = await s.create(ep, '/3303', { format: ContentFormat.LWM2M_TLV, payload: new Uint8Array(0) });
      expect(chosen.code).toBe('2.01');
      expect(chosen.decoded).toEqual({ ok: true, value: [3303, 0] });
      expect((await s.read(ep, '/3303/0/5700', { accept: 0 })).code).toBe('2.05');
    } else {
      const named = await s.create(ep, '/3300', { format: ContentFormat.SENML_CBOR, records: [{ path: [3300, 5, 5750], value: { type: 'string', value: 'boiler' } }] });
      expect(named.code).toBe('2.01');
      expect(named.decoded).toBeUndefined();
      expect((await s.read(ep, '/3300/5/5750', { accept: 0 })).payload).toEqual(new TextEncoder().encode('boiler'));
      expect((await s.delete(ep, '/3300/5')).code).toBe('2.02');
      const chosen = await s.create(ep, '/3300', { format: ContentFormat.SENML_CBOR, records: [] });
      expect(chosen.decoded?.ok && chosen.decoded.value[0]).toBe(3300);
    }
    const update = s.waitForEvent((e): e is Extract<typeof e, { kind: 'updated' }> => e.kind === 'updated', 3000, ep, 'update');
    expect((await s.delete(ep, version === '1.0' ? '/3303/0' : '/3300/0')).code).toBe('2.02');
    expect((await s.delete(ep, '/3303/7')).code).toBe('4.04');
    // The object list changed: the client announces it in an Update, and the record follows.
    await update;
    expect(s.registration(ep)!.content.objects.find((o) => o.objectId === (version === '1.0' ? 3303 : 3300))?.instances).toEqual([]);
  });

  it('de-registers: 2.02, then operations name the missing registration', async () => {
    const { s, ep } = await setup(version);
    const gone = s.waitForEvent((e): e is Extract<typeof e, { kind: 'deregistered' }> => e.kind === 'deregistered', 3000, ep, 'de-register');
    await sim!.stop();
    expect((await gone).registration.ended).toBe('deregistered');
    expect(s.history.at(-1)).toMatchObject({ kind: 'deregister', answered: '2.02', endpoint: ep });
    expect(() => s.target(ep)).toThrow(NotRegisteredError);
    await expect(s.read(ep, '/3/0').catch((e: unknown) => e)).resolves.toBeInstanceOf(NotRegisteredError);
  });
});

describe('Lwm2mServer LwM2M 1.1 operations', () => {
  it('reads and writes composite, and records a Send', async () => {
    const { s, ep } = await setup('1.1');
    const read = await s.readComposite(ep, [[3, 0, 0], [3, 0, 9], [3, 0, 999]]);
    expect(read.code).toBe('2.05');
    expect([...values(read).keys()].sort()).toEqual(['/3/0/0', '/3/0/9']);
    const write = await s.writeComposite(ep, { format: ContentFormat.SENML_CBOR, records: [{ path: [3, 0, 14], value: { type: 'string', value: '+03' } }, { path: [3, 0, 15], value: { type: 'string', value: 'X' } }] });
    expect(write.code).toBe('2.04');
    expect(values(await s.read(ep, '/3/0/14', { accept: 0 })).get('/3/0/14')).toBe('+03');
    await s.write(ep, '/1/0/23', { format: 0, records: [{ path: [1, 0, 23], value: { type: 'boolean', value: false } }] });
    expect(await sim!.send(['/3/0/0'])).toBe('2.04');
    expect(s.sends).toHaveLength(1);
    expect(s.sends[0]).toMatchObject({ endpoint: ep, answered: '2.04', records: { ok: true, value: [{ path: [3, 0, 0], value: { type: 'string', value: 'Zephyr' } }] } });
  });

  it('reports a payload without Content-Format as a decode problem, keeping the bytes', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, version: '1.1', endpoint: 'no-cf', faults: ['lwm2m-no-content-format'] });
    await server.waitForRegistration('no-cf', 5000);
    const read = await server.read('no-cf', '/3/0/0', { accept: 0 });
    expect(read.code).toBe('2.05');
    expect(read.contentFormat).toBeUndefined();
    expect(new TextDecoder().decode(read.payload)).toBe('Zephyr');
    expect(read.decoded).toEqual({ ok: false, error: { kind: 'no-content-format', message: 'response carries a payload but no Content-Format' } });
  });

  it('decodes a malformed payload as a value (TLV length off by one)', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, version: '1.0', endpoint: 'bad-tlv', faults: ['lwm2m-tlv-length-off-by-one'] });
    await server.waitForRegistration('bad-tlv', 5000);
    const read = await server.read('bad-tlv', '/3/0', { accept: ContentFormat.LWM2M_TLV });
    expect(read.code).toBe('2.05');
    expect(read.decoded?.ok).toBe(false);
    expect(read.decoded?.ok === false && read.decoded.error.kind).toBe('undecodable');
    expect(read.payload.length).toBeGreaterThan(0);
  });

  it('reads a response larger than the client block size through Block2', async () => {
    server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
    sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, version: '1.1', endpoint: 'small-blocks', blockSizeBytes: 64 });
    await server.waitForRegistration('small-blocks', 5000);
    const read = await server.read('small-blocks', '/3/0', { accept: ContentFormat.SENML_JSON });
    expect(read.code).toBe('2.05');
    expect(read.exchanges.length).toBeGreaterThan(2);
    expect(read.payload.length).toBeGreaterThan(64 * 2);
    expect(values(read).get('/3/0/0')).toBe('Zephyr');
  });

  it('observes a composite and cancels it with FETCH Observe 1', async () => {
    const { s, ep } = await setup('1.1');
    const o = await s.observeComposite(ep, [[3, 0, 14], [3, 0, 15]], { format: ContentFormat.SENML_JSON });
    expect(o.first.code).toBe('2.05');
    expect(o.first.exchanges[0]!.request.code).toBe('0.05');
    await s.write(ep, '/3/0/15', { format: 0, records: [{ path: [3, 0, 15], value: { type: 'string', value: 'Asia/Tokyo' } }] });
    const n = await o.next(3000);
    expect(n.contentFormat).toBe(ContentFormat.SENML_JSON);
    expect(n.decoded?.ok && n.decoded.value.map((r) => formatPath(r.path)).sort()).toEqual(['/3/0/14', '/3/0/15']);
    const cancel = await o.cancel('deregister');
    expect(cancel?.exchanges[0]!.request.code).toBe('0.05');
    expect(cancel?.code).toBe('2.05');
  });
});

