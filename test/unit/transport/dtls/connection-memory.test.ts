/**
 * Client and server associations wired back to back in memory (no sockets, no cookie round), so a
 * test can reorder, drop and split flights datagram by datagram.
 */
import { describe, expect, it } from 'vitest';
import { ContentType, decodeClientHello, decodeHandshakeFragments, encodeClientHello, splitDtlsDatagram } from '../../../../src/codec/dtls/index.ts';
import { DtlsClientConnection } from '../../../../src/transport/dtls/client-connection.ts';
import type { ConnectionSink } from '../../../../src/transport/dtls/connection.ts';
import type { DtlsCloseReason } from '../../../../src/transport/dtls/options.ts';
import { HandshakeReassembler } from '../../../../src/transport/dtls/reassembly.ts';
import { DtlsServerConnection } from '../../../../src/transport/dtls/server-connection.ts';

const KEY = new Uint8Array(16).fill(0x42);
const FAST = { initialTimeoutMs: 50, maxTimeoutMs: 200, maxTransmissions: 5 };

interface Side {
  sink: ConnectionSink;
  outbox: Uint8Array[];
  established: boolean;
  data: string[];
  closed: DtlsCloseReason | undefined;
}

function side(): Side {
  const s: Side = {
    outbox: [],
    established: false,
    data: [],
    closed: undefined,
    sink: {
      sendDatagram: (d) => s.outbox.push(d),
      onEstablished: () => (s.established = true),
      onApplicationData: (d) => s.data.push(Buffer.from(d).toString()),
      onClosed: (reason) => (s.closed = reason),
    },
  };
  return s;
}

/** Start both ends: the client's first hello starts the server (as DtlsServer does after the cookie). */
function pair(clientMaxDatagramBytes = 1200): { c: Side; s: Side; client: DtlsClientConnection; server: DtlsServerConnection } {
  const c = side();
  const s = side();
  const client = new DtlsClientConnection(c.sink, { identity: new Uint8Array(Buffer.from('dev1')), psk: KEY, retransmit: FAST, maxDatagramBytes: clientMaxDatagramBytes });
  client.start();
  // The hello may span several datagrams when the client's datagram size is small.
  const reassembler = new HandshakeReassembler();
  let lastSeq = 0;
  for (const datagram of c.outbox.splice(0)) {
    for (const record of splitDtlsDatagram(datagram).records) {
      lastSeq = record.sequenceNumber;
      const fragments = decodeHandshakeFragments(record.fragment);
      if (fragments.ok) for (const f of fragments.value) reassembler.push(f);
    }
  }
  const message = reassembler.pop()!;
  const decoded = decodeClientHello(message.body);
  if (!decoded.ok) throw new Error('client hello body does not decode');
  const server = new DtlsServerConnection(s.sink, { pskLookup: () => KEY, retransmit: FAST }, decoded.value);
  server.start(message, lastSeq);
  return { c, s, client, server };
}

/** Deliver everything queued on both sides until nothing moves, passing each datagram through `fate`. */
async function run(p: ReturnType<typeof pair>, fate: (from: 'client' | 'server', d: Uint8Array, n: number) => 'pass' | 'drop' = () => 'pass', waitMs = 1500): Promise<void> {
  const counts = { client: 0, server: 0 };
  const end = Date.now() + waitMs;
  while (Date.now() < end && !(p.c.established && p.s.established) && !p.c.closed && !p.s.closed) {
    for (const [from, out, to] of [['client', p.c.outbox, p.server], ['server', p.s.outbox, p.client]] as const) {
      for (const d of out.splice(0)) if (fate(from, d, counts[from]++) === 'pass') to.receiveDatagram(d);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const firstType = (d: Uint8Array): number | undefined => splitDtlsDatagram(d).records[0]?.type;

describe('associations in memory', () => {
  it('complete a handshake and carry data', async () => {
    const p = pair();
    await run(p);
    expect([p.c.established, p.s.established]).toEqual([true, true]);
    p.client.sendApplicationData(new Uint8Array(Buffer.from('up')));
    p.server.sendApplicationData(new Uint8Array(Buffer.from('down')));
    p.server.receiveDatagram(p.c.outbox.shift()!);
    p.client.receiveDatagram(p.s.outbox.shift()!);
    expect([p.s.data, p.c.data]).toEqual([['up'], ['down']]);
  });

  it('survive a fragmented client flight whose first datagram (ClientKeyExchange) is lost', async () => {
    // 40-byte datagrams split ClientKeyExchange, ChangeCipherSpec and Finished across datagrams.
    const p = pair(40);
    let droppedKeyExchange = false;
    await run(p, (from, d) => {
      const fragments = firstType(d) === ContentType.handshake ? decodeHandshakeFragments(splitDtlsDatagram(d).records[0]!.fragment) : undefined;
      if (from === 'client' && !droppedKeyExchange && fragments?.ok && fragments.value[0]?.msgType === 16) {
        droppedKeyExchange = true;
        return 'drop';
      }
      return 'pass';
    });
    expect(droppedKeyExchange).toBe(true);
    expect([p.c.established, p.s.established, p.c.closed, p.s.closed]).toEqual([true, true, undefined, undefined]);
  });

  it('drop a record whose version is not DTLS, and an application record before the handshake ends', async () => {
    const p = pair();
    const forged = new Uint8Array([ContentType.application_data, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0x55]);
    p.server.receiveDatagram(forged);
    await run(p);
    expect(p.s.data).toEqual([]);
    expect(p.s.established).toBe(true);
  });

  it('a server Finished that does not verify is refused with decrypt_error', async () => {
    const p = pair();
    await run(p, (from, d) => {
      if (from !== 'server') return 'pass';
      const records = splitDtlsDatagram(d).records;
      const last = records.at(-1);
      // Flip one ciphertext byte of the server's Finished record (epoch 1).
      if (last && last.epoch === 1) d[d.length - 10] = d[d.length - 10]! ^ 0xff;
      return 'pass';
    });
    expect(p.c.closed).toMatchObject({ kind: 'alert-sent', name: 'decrypt_error' });
    expect(p.c.established).toBe(false);
  });

  it('a server refuses a hello without the PSK CCM_8 suite, or older than DTLS 1.2, with the matching alert', () => {
    const base = { clientVersion: 0xfefd, random: new Uint8Array(32), sessionId: new Uint8Array(0), cookie: new Uint8Array(0), cipherSuites: [0xc0a8], compressionMethods: Uint8Array.of(0), extensions: undefined };
    const cases = [
      { hello: { ...base, cipherSuites: [0xc0ae, 0x00ff] }, alert: 'handshake_failure' },
      { hello: { ...base, clientVersion: 0xfeff }, alert: 'protocol_version' },
      { hello: { ...base, compressionMethods: Uint8Array.of(1) }, alert: 'handshake_failure' },
    ];
    for (const { hello, alert } of cases) {
      const s = side();
      const server = new DtlsServerConnection(s.sink, { pskLookup: () => KEY }, hello);
      server.start({ msgType: 1, messageSeq: 1, body: encodeClientHello(hello) }, 1);
      expect(s.closed).toMatchObject({ kind: 'alert-sent', name: alert });
      // One datagram: the plaintext fatal alert.
      expect(s.outbox).toHaveLength(1);
      expect(splitDtlsDatagram(s.outbox[0]!).records[0]).toMatchObject({ type: ContentType.alert, epoch: 0 });
    }
  });
});
