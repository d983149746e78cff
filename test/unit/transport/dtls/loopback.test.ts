/**
 * DtlsServer and DtlsClient on real loopback sockets: handshake, data, refusals with alerts in
 * bounded time, loss and retransmission, replay, fragmentation, a peer that restarts.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentType } from '../../../../src/codec/dtls/index.ts';
import { DtlsClient, DtlsHandshakeError, DtlsServer, type DtlsSessionEvent } from '../../../../src/transport/dtls/index.ts';
import { startUdpProxy, type UdpProxy } from './udp-proxy.ts';

const KEY = Uint8Array.from(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
const FAST = { initialTimeoutMs: 100, maxTimeoutMs: 400, maxTransmissions: 4 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(options: Partial<Parameters<typeof DtlsServer.listen>[0]> = {}): Promise<{ server: DtlsServer; events: DtlsSessionEvent[]; received: string[] }> {
  const server = await DtlsServer.listen({ pskLookup: (id) => (Buffer.from(id).toString() === 'dev1' ? KEY : undefined), retransmit: FAST, ...options });
  cleanups.push(() => server.close());
  const events: DtlsSessionEvent[] = [];
  const received: string[] = [];
  server.onSession((e) => events.push(e));
  server.onDatagram((d, peer) => {
    received.push(`${Buffer.from(peer.identity).toString()}:${Buffer.from(d).toString()}`);
    void server.send(text(`echo ${Buffer.from(d).toString()}`), peer);
  });
  return { server, events, received };
}

async function connect(port: number, extra: Partial<Parameters<typeof DtlsClient.connect>[0]> = {}): Promise<DtlsClient> {
  const client = await DtlsClient.connect({ host: '127.0.0.1', port, identity: 'dev1', psk: KEY, retransmit: FAST, ...extra });
  cleanups.push(() => client.close());
  return client;
}

function nextPacket(client: DtlsClient, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no datagram within ${timeoutMs} ms`)), timeoutMs);
    const off = client.onPacket((p) => {
      clearTimeout(timer);
      off();
      resolve(Buffer.from(p).toString());
    });
  });
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function proxy(serverPort: number, filter?: Parameters<typeof startUdpProxy>[1]): Promise<UdpProxy> {
  const p = await startUdpProxy(serverPort, filter);
  cleanups.push(() => p.close());
  return p;
}

describe('DTLS over loopback', () => {
  it('completes a handshake and carries datagrams both ways with the PSK identity', async () => {
    const { server, events, received } = await echoServer();
    const client = await connect(server.address().port);
    expect(client.handshakeMs).toBeGreaterThan(0);
    const reply = nextPacket(client);
    await client.send(text('ping'));
    expect(await reply).toBe('echo ping');
    expect(received).toEqual(['dev1:ping']);
    expect(events[0]).toMatchObject({ kind: 'established', peer: { address: '127.0.0.1' } });
    expect(server.peers()).toHaveLength(1);
    await client.close();
    await until(() => events.some((e) => e.kind === 'closed'));
    expect(events.at(-1)).toMatchObject({ kind: 'closed', reason: { kind: 'close-notify-received' } });
  });

  it('serves IPv6 loopback and reports link events', async () => {
    const { server } = await echoServer({ host: '::1' });
    const seen: string[] = [];
    server.onEvent((e) => seen.push(e.kind));
    expect(server.address()).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(server.description).toBe(`coaps://[::1]:${server.address().port}`);
    const client = await connect(server.address().port, { host: '::1' });
    const reply = nextPacket(client);
    await client.send(text('v6'));
    expect(await reply).toBe('echo v6');
    expect(server.peers()[0]).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(seen).toContain('dtls-established');
  });

  it('refuses a wrong key with decrypt_error, promptly', async () => {
    const { server, events } = await echoServer();
    const started = performance.now();
    const error = await DtlsClient.connect({ host: '127.0.0.1', port: server.address().port, identity: 'dev1', psk: new Uint8Array(16), retransmit: FAST }).catch((e: unknown) => e);
    // Bounded (no hang); the reason below shows the alert ended it, not the retransmission timer.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(DtlsHandshakeError);
    expect((error as DtlsHandshakeError).reason).toMatchObject({ kind: 'alert-received', level: 2, name: 'decrypt_error' });
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ kind: 'closed', reason: { kind: 'alert-sent', name: 'decrypt_error' } });
  });

  it('refuses an unknown identity with unknown_psk_identity', async () => {
    const { server } = await echoServer();
    const error = await DtlsClient.connect({ host: '127.0.0.1', port: server.address().port, identity: 'stranger', psk: KEY, retransmit: FAST }).catch((e: unknown) => e);
    expect((error as DtlsHandshakeError).reason).toMatchObject({ kind: 'alert-received', description: 115 });
  });

  it('recovers from a lost ServerHello flight by retransmission after the initial timeout', async () => {
    const { server } = await echoServer();
    // to-client #0 is the HelloVerifyRequest, #1 the ServerHello flight.
    const p = await proxy(server.address().port, (dir, _d, n) => (dir === 'to-client' && n === 1 ? 'drop' : 'pass'));
    const client = await connect(p.port);
    expect(client.handshakeMs).toBeGreaterThanOrEqual(FAST.initialTimeoutMs * 0.9);
    const reply = nextPacket(client);
    await client.send(text('after loss'));
    expect(await reply).toBe('echo after loss');
  });

  it('recovers from a lost server Finished: the client resends its flight and the server answers again', async () => {
    const { server } = await echoServer();
    const p = await proxy(server.address().port, (dir, _d, n) => (dir === 'to-client' && n === 2 ? 'drop' : 'pass'));
    const client = await connect(p.port);
    expect(p.counts['to-client']).toBeGreaterThanOrEqual(4);
    const reply = nextPacket(client);
    await client.send(text('x'));
    expect(await reply).toBe('echo x');
  });

  it('gives up after the bounded number of transmissions when the server stops answering', async () => {
    const { server, events } = await echoServer();
    const p = await proxy(server.address().port, (dir, _d, n) => (dir === 'to-client' && n >= 1 ? 'drop' : 'pass'));
    const started = performance.now();
    const error = await DtlsClient.connect({ host: '127.0.0.1', port: p.port, identity: 'dev1', psk: KEY, retransmit: FAST }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect((error as DtlsHandshakeError).reason).toEqual({ kind: 'handshake-timeout', transmissions: FAST.maxTransmissions });
    // 100 + 200 + 400 + 400 ms of waiting, plus scheduling slack.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(6000);
    await until(() => events.some((e) => e.kind === 'closed'), 3000);
    expect(events.find((e) => e.kind === 'closed')).toMatchObject({ reason: { kind: 'handshake-timeout' } });
  });

  it('falls quiet after a handshake in which every datagram was duplicated (no retransmission ping-pong)', async () => {
    const { server } = await echoServer();
    const p = await proxy(server.address().port, () => 'duplicate');
    const client = await connect(p.port);
    await new Promise((r) => setTimeout(r, 300));
    const settled = { ...p.counts };
    await new Promise((r) => setTimeout(r, 400));
    expect(p.counts).toEqual(settled);
    const reply = nextPacket(client);
    await client.send(text('quiet'));
    expect(await reply).toBe('echo quiet');
  });

  it('delivers a replayed application record once', async () => {
    const { server, received } = await echoServer();
    const p = await proxy(server.address().port, (dir, d) => (dir === 'to-server' && d[0] === ContentType.application_data ? 'duplicate' : 'pass'));
    const client = await connect(p.port);
    const reply = nextPacket(client);
    await client.send(text('once'));
    await reply;
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(['dev1:once']);
  });

  it('fragments its flight to fit a small datagram size and sends the identity hint', async () => {
    const { server } = await echoServer({ maxDatagramBytes: 60, identityHint: text('lwm2m-server') });
    const sizes: number[] = [];
    const p = await proxy(server.address().port, (dir, d) => {
      if (dir === 'to-client') sizes.push(d.length);
      return 'pass';
    });
    const client = await connect(p.port);
    expect(Math.max(...sizes.slice(1))).toBeLessThanOrEqual(60);
    expect(sizes.length).toBeGreaterThan(4);
    expect(Buffer.from(client.identityHint ?? []).toString()).toBe('lwm2m-server');
    const reply = nextPacket(client);
    await client.send(text('small'));
    expect(await reply).toBe('echo small');
  });

  it('replaces the association when the same address starts a new handshake (a rebooted device)', async () => {
    const { server, events } = await echoServer();
    const p = await proxy(server.address().port);
    const first = await connect(p.port);
    await first.send(text('one'));
    const second = await connect(p.port);
    const reply = nextPacket(second);
    await second.send(text('two'));
    expect(await reply).toBe('echo two');
    expect(events.map((e) => e.kind)).toEqual(['established', 'closed', 'established']);
    expect(server.peers()).toHaveLength(1);
  });

  it('ignores a plaintext fatal alert spoofed into an established association', async () => {
    const { server, events } = await echoServer();
    const p = await proxy(server.address().port);
    const client = await connect(p.port);
    // Same source address as the client (the relay's upstream socket), epoch 0, fatal handshake_failure.
    const alert = Uint8Array.of(ContentType.alert, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 2, 40);
    await p.sendToServer(alert);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.map((e) => e.kind)).toEqual(['established']);
    const reply = nextPacket(client);
    await client.send(text('alive'));
    expect(await reply).toBe('echo alive');
  });

  it('drops an idle association', async () => {
    const { server, events } = await echoServer({ idleTimeoutMs: 200 });
    await connect(server.address().port);
    await until(() => events.some((e) => e.kind === 'closed'), 2000);
    expect(server.peers()).toHaveLength(0);
  });

  it('ignores garbage and stray records without creating state', async () => {
    const { server, events } = await echoServer();
    const raw = createSocket('udp4');
    cleanups.push(() => new Promise((r) => raw.close(() => r())));
    for (const bytes of [Uint8Array.of(1, 2, 3), new Uint8Array(13).fill(23), Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0)]) {
      raw.send(bytes, server.address().port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
    const client = await connect(server.address().port);
    const reply = nextPacket(client);
    await client.send(text('still fine'));
    expect(await reply).toBe('echo still fine');
  });
});
