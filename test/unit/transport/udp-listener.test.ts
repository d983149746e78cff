/** UdpListener on real loopback sockets, IPv4 and IPv6. */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpListener } from '../../../src/transport/udp-listener.ts';
import type { DatagramPeer } from '../../../src/core/transport.ts';
import { TransportClosedError, TransportError } from '../../../src/errors.ts';

const open: UdpListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function listen(host: string): Promise<UdpListener> {
  const l = await UdpListener.open({ host, port: 0 });
  open.push(l);
  return l;
}

function nextDatagram(l: UdpListener): Promise<{ bytes: Uint8Array; peer: DatagramPeer; atNs: bigint }> {
  return new Promise((resolve) => {
    const off = l.onDatagram((bytes, peer, atNs) => {
      off();
      resolve({ bytes: bytes.slice(), peer, atNs });
    });
  });
}

describe.each([
  ['IPv4', '127.0.0.1', 'udp4'],
  ['IPv6', '::1', 'udp6'],
] as const)('UdpListener over %s loopback', (family, host, socketType) => {
  it('binds an ephemeral port, receives with the peer address and answers that peer', async () => {
    const l = await listen(family === 'IPv6' ? `[${host}]` : host);
    const bound = l.address();
    expect(bound.port).toBeGreaterThan(0);
    expect(bound.family).toBe(family);
    expect(l.description).toBe(family === 'IPv6' ? `coap://[::1]:${bound.port}` : `coap://127.0.0.1:${bound.port}`);
    const peer = createSocket(socketType);
    try {
      await new Promise<void>((r) => peer.bind(0, host, () => r()));
      const got = nextDatagram(l);
      peer.send(Uint8Array.of(0x40, 0, 0, 0x42), bound.port, host);
      const d = await got;
      expect(Array.from(d.bytes)).toEqual([0x40, 0, 0, 0x42]);
      expect(d.peer).toEqual({ address: host, port: peer.address().port, family });
      const reply = new Promise<Buffer>((r) => peer.once('message', (m) => r(m)));
      await l.send(Uint8Array.of(0x70, 0, 0, 0x42), d.peer);
      expect(Array.from(await reply)).toEqual([0x70, 0, 0, 0x42]);
    } finally {
      peer.close();
    }
  });
});

describe('UdpListener errors', () => {
  it('refuses a host that is not an address and a port out of range', async () => {
    await expect(UdpListener.open({ host: 'localhost', port: 0 })).rejects.toBeInstanceOf(TransportError);
    await expect(UdpListener.open({ port: 70000 })).rejects.toThrow(/out of range/);
  });
  it('reports a port already bound', async () => {
    const l = await listen('127.0.0.1');
    await expect(UdpListener.open({ host: '127.0.0.1', port: l.address().port })).rejects.toThrow(/EADDRINUSE/);
  });
  it('rejects sends after close; close twice is fine', async () => {
    const l = await UdpListener.open({ port: 0 });
    await l.close();
    await l.close();
    expect(l.isClosed).toBe(true);
    await expect(l.send(Uint8Array.of(1), { address: '127.0.0.1', port: 9, family: 'IPv4' })).rejects.toBeInstanceOf(TransportClosedError);
  });
});
