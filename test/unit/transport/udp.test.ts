import { describe, it, expect, afterEach } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { UdpTransport } from '../../../src/transport/udp.ts';
import { TransportClosedError, TransportError } from '../../../src/errors.ts';
import type { LinkEvent, Transport } from '../../../src/core/transport.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A tiny echo server: returns every datagram to its sender, prefixed with 0xEE. */
async function startEcho(type: 'udp4' | 'udp6', host: string): Promise<{ port: number; received: Buffer[] }> {
  const server: Socket = createSocket(type);
  const received: Buffer[] = [];
  server.on('message', (msg, rinfo) => {
    received.push(msg);
    server.send(Buffer.concat([Buffer.from([0xee]), msg]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, host, () => resolve()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: server.address().port, received };
}

function nextPacket(t: Transport, timeoutMs = 2000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no packet')), timeoutMs);
    const off = t.onPacket((p) => {
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

function nextEvent(t: Transport, timeoutMs = 2000): Promise<LinkEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event')), timeoutMs);
    const off = t.onEvent((e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function open(host: string, port: number, maxPacketBytes?: number): Promise<UdpTransport> {
  const t = await UdpTransport.open(maxPacketBytes === undefined ? { host, port } : { host, port, maxPacketBytes });
  cleanups.push(() => t.close());
  return t;
}

describe('UdpTransport', () => {
  it.each([
    { family: 'udp4' as const, bind: '127.0.0.1', host: '127.0.0.1', shown: '127.0.0.1' },
    { family: 'udp6' as const, bind: '::1', host: '::1', shown: '[::1]' },
    { family: 'udp6' as const, bind: '::1', host: '[::1]', shown: '[::1]' },
  ])('sends and receives whole datagrams over $family to $host', async ({ family, bind, host, shown }) => {
    const echo = await startEcho(family, bind);
    const t = await open(host, echo.port);
    expect(t.kind).toBe('udp');
    expect(t.description).toBe(`udp://${shown}:${echo.port}`);
    expect(t.maxPacketBytes).toBe(1500);
    const reply = nextPacket(t);
    await t.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect([...(await reply)]).toEqual([0xee, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sendRaw sends exactly the given bytes as one datagram, even beyond maxPacketBytes', async () => {
    const echo = await startEcho('udp4', '127.0.0.1');
    const t = await open('127.0.0.1', echo.port, 16);
    const bytes = new Uint8Array(40).map((_, i) => i);
    const reply = nextPacket(t);
    await t.sendRaw(bytes);
    expect((await reply).length).toBe(41);
    expect(echo.received).toHaveLength(1);
    expect([...echo.received[0]!]).toEqual([...bytes]);
    await expect(t.send(bytes)).rejects.toThrow(/exceeds maxPacketBytes 16/);
  });

  it('resolves localhost, preferring IPv4', async () => {
    const echo = await startEcho('udp4', '127.0.0.1');
    const t = await open('localhost', echo.port);
    expect(t.description).toBe(`udp://127.0.0.1:${echo.port}`);
    const reply = nextPacket(t);
    await t.send(new Uint8Array([9]));
    expect([...(await reply)]).toEqual([0xee, 9]);
  });

  it('reports ICMP port unreachable (ECONNREFUSED) as an event, not a crash', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const closedPort = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = await open('127.0.0.1', closedPort);
    const event = nextEvent(t);
    for (let i = 0; i < 3; i++) {
      await t.send(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]));
      await new Promise((r) => setTimeout(r, 30));
    }
    const e = await event;
    expect(e.kind).toBe('refused');
    expect(e.message).toContain('ECONNREFUSED');
    expect(t.isClosed).toBe(false);
  });

  it('close is idempotent and sending afterwards rejects with TransportClosedError', async () => {
    const echo = await startEcho('udp4', '127.0.0.1');
    const t = await open('127.0.0.1', echo.port);
    await t.close();
    await t.close();
    expect(t.isClosed).toBe(true);
    await expect(t.send(new Uint8Array([1]))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it.each([
    [{ host: '127.0.0.1', port: 0 }, /udp port 0: out of range/],
    [{ host: '127.0.0.1', port: 70000 }, /udp port 70000: out of range/],
    [{ host: '127.0.0.1', port: 1337, maxPacketBytes: 4 }, /maxPacketBytes 4: out of range/],
    [{ host: 'no-such-host.invalid', port: 1337 }, /udp host no-such-host.invalid: cannot resolve/],
  ])('refuses %j with a TransportError', async (options, message) => {
    const attempt = UdpTransport.open(options);
    await expect(attempt).rejects.toBeInstanceOf(TransportError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('UdpTransport.sendWith', () => {
  it('sends like send, and reports an oversize packet or a closed transport to onError', async () => {
    const echo = await startEcho('udp4', '127.0.0.1');
    const t = await open('127.0.0.1', echo.port, 64);
    const errors: Error[] = [];
    const got = nextPacket(t);
    t.sendWith(Uint8Array.of(1, 2, 3), (e) => errors.push(e));
    expect(Array.from(await got)).toEqual([0xee, 1, 2, 3]);
    t.sendWith(new Uint8Array(65), (e) => errors.push(e));
    await t.close();
    t.sendWith(Uint8Array.of(1), (e) => errors.push(e));
    expect(errors.map((e) => e.constructor)).toEqual([TransportError, TransportClosedError]);
    expect(echo.received.length).toBe(1);
  });
});
