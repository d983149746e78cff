/** SmpClient unit cases over the in-memory transport pair: matching rules, window, trace, failures. */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { decodeSmpPacket } from '../../../src/codec/smp/message.ts';
import { decodeCbor, isCborMap } from '../../../src/codec/cbor/cbor.ts';
import type { SmpHeader } from '../../../src/codec/smp/header.ts';
import type { LinkEvent, Transport } from '../../../src/core/transport.ts';
import { createMemoryTransportPair } from '../../../src/transport/memory.ts';
import { ResponseTimeoutError, TransportClosedError } from '../../../src/errors.ts';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { echoCommand, responseFor } from './fixtures.ts';

const clients: SmpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

/** A client and the device end of a memory pair; `answer` decides each reply (undefined = silence). */
function pair(answer: (h: SmpHeader) => Uint8Array | undefined = (h) => responseFor(h, { r: 'ok' }), options: ConstructorParameters<typeof SmpClient>[1] = {}) {
  const [near, device] = createMemoryTransportPair();
  const seen: SmpHeader[] = [];
  device.onPacket((bytes) => {
    const p = decodeSmpPacket(bytes);
    if (!p.ok) return;
    seen.push(p.value.header);
    const reply = answer(p.value.header);
    if (reply) void device.send(reply);
  });
  const client = new SmpClient(near, { timeoutMs: 500, ...options });
  clients.push(client);
  return { client, device, seen, near };
}

const echo = (d = 'x') => smpRequest(echoCommand, { d });

describe('SmpClient (memory transport)', () => {
  it('accepts a v1 reply to a v2 request (old servers ignore the version bits)', async () => {
    const { client } = pair((h) => responseFor({ ...h, version: 0 }, { r: 'old' }));
    const reply = await client.request(echo());
    expect(reply.requestHeader.version).toBe(1);
    expect(reply.header.version).toBe(0);
  });

  it('skips a seq that is still pending for the same command', async () => {
    const { client, seen } = pair((h) => (h.seq === 0 ? undefined : responseFor(h, { r: 'ok' })), { window: 2 });
    const stuck = client.request(echo(), { seq: 0, timeoutMs: 300 }).catch((e: unknown) => e);
    const reply = await client.request(echo());
    expect(reply.requestHeader.seq).toBe(1);
    expect(seen.map((h) => h.seq)).toEqual([0, 1]);
    expect(await stuck).toBeInstanceOf(ResponseTimeoutError);
  });

  it('a shorter timeout behind a longer one still fires on time, and none fires early', async () => {
    const { client } = pair(() => undefined, { window: 2 });
    const started = performance.now();
    const long = client.request(echo(), { timeoutMs: 400 }).catch((e: unknown) => [e, performance.now() - started] as const);
    const short = client.request(echo(), { timeoutMs: 40 }).catch((e: unknown) => [e, performance.now() - started] as const);
    const [shortError, shortMs] = (await short) as readonly [unknown, number];
    expect(shortError).toBeInstanceOf(ResponseTimeoutError);
    expect(shortMs).toBeGreaterThanOrEqual(39);
    expect(shortMs).toBeLessThan(300);
    const [longError, longMs] = (await long) as readonly [unknown, number];
    expect(longError).toBeInstanceOf(ResponseTimeoutError);
    expect(longMs).toBeGreaterThanOrEqual(399);
  });

  it("matches and decodes Zephyr v4.0's own reply bytes (indefinite-length map)", async () => {
    // source: test/fixtures/captures/zephyr-v4.0-smp-udp.jsonl, exchange "os-echo-v2" (seq 1)
    const zephyrReply = fromHex('0b00000a00000100bf61726568656c6c6fff');
    const { client } = pair(() => zephyrReply);
    const reply = await client.request(echo('hello'), { seq: 1 });
    expect(reply.decoded?.ok && reply.decoded.value.value.r).toBe('hello');
    expect(client.trace.entries[1]).toMatchObject({ direction: 'in', hex: toHex(zephyrReply), decoded: { diag: '{_ "r": "hello"}' } });
    expect(client.trace.entries[1]?.note).toBeUndefined();
  });

  it('does not give a request the seq of a raw packet whose reply may still come', async () => {
    // The device answers every packet after 20 ms: the raw packet's reply arrives after the request went out.
    const [near, device] = createMemoryTransportPair();
    device.onPacket((bytes) => {
      const p = decodeSmpPacket(bytes);
      const body = p.ok ? decodeCbor(p.value.payload) : undefined;
      const d = body?.ok && isCborMap(body.value) ? body.value['d'] : undefined;
      if (p.ok) setTimeout(() => void device.send(responseFor(p.value.header, { r: d ?? 'raw' })), 20);
    });
    const client = new SmpClient(near, { timeoutMs: 500 });
    clients.push(client);
    const raw = responseFor({ op: 2, version: 1, reserved: 0, flags: 0, length: 0, group: 0, id: 0, seq: 0 }, { d: 'raw' });
    raw[0] = (1 << 3) | 2;
    await client.sendRaw(raw);
    const reply = await client.request(echo('typed'));
    expect(reply.requestHeader.seq).toBe(1);
    expect(reply.decoded?.ok && reply.decoded.value.value.r).toBe('typed');
  });

  it('wraps sequence numbers after 255', async () => {
    const { client } = pair();
    for (let i = 0; i < 255; i++) client.nextSeq();
    expect((await client.request(echo())).requestHeader.seq).toBe(255);
    expect((await client.request(echo())).requestHeader.seq).toBe(0);
  });

  it('gives each of two requests with the same forced seq its own reply, in order', async () => {
    let n = 0;
    const { client } = pair((h) => responseFor(h, { r: `reply-${n++}` }), { window: 2 });
    const [a, b] = await Promise.all([client.request(echo('a'), { seq: 5 }), client.request(echo('b'), { seq: 5 })]);
    expect([a.decoded?.ok && a.decoded.value.value.r, b.decoded?.ok && b.decoded.value.value.r]).toEqual(['reply-0', 'reply-1']);
  });

  it('records link events in the trace', async () => {
    const [near] = createMemoryTransportPair();
    const listeners: ((e: LinkEvent) => void)[] = [];
    const eventful: Transport = Object.assign(Object.create(near) as Transport, {
      onEvent: (l: (e: LinkEvent) => void) => (listeners.push(l), () => undefined),
    });
    const client = new SmpClient(eventful);
    clients.push(client);
    for (const l of listeners) {
      l({ kind: 'console', message: 'log line', bytes: new TextEncoder().encode('hi\n'), atNs: 1n });
      l({ kind: 'bad-crc', message: 'CRC mismatch', atNs: 2n });
    }
    expect(client.trace.entries.map((e) => [e.direction, e.note, e.hex, e.decoded])).toEqual([
      ['event', 'console', '68690a', 'log line'],
      ['event', 'bad-crc', '', 'CRC mismatch'],
    ]);
  });

  it('rejects a request whose send fails and frees its window slot', async () => {
    const { client, near } = pair();
    await near.close();
    await expect(client.request(echo(), { timeoutMs: 5000 })).rejects.toBeInstanceOf(TransportClosedError);
    await expect(client.request(echo(), { timeoutMs: 5000 })).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('collect also sees packets that answer a request', async () => {
    const { client } = pair();
    const seen = client.collect({ waitMs: 50 });
    await client.request(echo());
    expect((await seen).map((p) => p.header?.op)).toEqual([3]);
  });

  it('close rejects a pending exchangeRaw', async () => {
    const { client } = pair(() => undefined);
    const raw = client.exchangeRaw(new Uint8Array(8), { match: { group: 0, id: 0, seq: 0 }, timeoutMs: 5000 });
    await client.close();
    await expect(raw).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('builds trace hex and decoded form lazily, and they serialise', async () => {
    const { client } = pair();
    await client.request(echo('lazy'));
    const text = JSON.stringify(client.trace.entries, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const parsed = JSON.parse(text) as { direction: string; hex: string; decoded: { header: { op: number }; body: unknown } }[];
    expect(parsed.map((e) => e.direction)).toEqual(['out', 'in']);
    expect(parsed[0]?.decoded).toMatchObject({ header: { op: 2, groupName: 'os' }, body: { d: 'lazy' }, diag: '{"d": "lazy"}', problems: [] });
    expect((parsed[0]?.decoded as unknown as { annotated: string }).annotated).toMatch(/^a1 +# map\(1\)/);
    expect(parsed[1]?.hex).toMatch(/^0b00/);
  });

  it('property: with window N, any reply order gives every request its own reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(10), { minLength: 1, maxLength: 16 }), async (window, delays) => {
        const [clientEnd, deviceEnd] = createMemoryTransportPair();
        let next = 0;
        deviceEnd.onPacket((bytes) => {
          const p = decodeSmpPacket(bytes);
          const body = p.ok ? decodeCbor(p.value.payload) : undefined;
          if (!p.ok || !body?.ok || !isCborMap(body.value)) return;
          const reply = responseFor(p.value.header, { r: body.value['d'] });
          setTimeout(() => void deviceEnd.send(reply), delays[next++ % delays.length]);
        });
        const c = new SmpClient(clientEnd, { window, timeoutMs: 1000 });
        const words = delays.map((_, i) => `w${i}`);
        const got = await Promise.all(words.map((d) => c.request(echo(d)).then((r) => r.decoded?.ok && r.decoded.value.value.r)));
        await c.close();
        expect(got).toEqual(words);
      }),
      { numRuns: 25 },
    );
  });
});
