/**
 * The server's answers on the wire to a ClientHello captured from OpenSSL: a stateless
 * HelloVerifyRequest, then the ServerHello flight once the cookie comes back.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContentType,
  DtlsVersion,
  ExtensionType,
  HandshakeType,
  TLS_PSK_WITH_AES_128_CCM_8,
  decodeClientHello,
  decodeHandshakeFragments,
  decodeHelloVerifyRequest,
  decodeServerHello,
  encodeClientHello,
  encodeDtlsRecord,
  encodeHandshakeMessage,
  splitDtlsDatagram,
  type HandshakeFragment,
} from '../../../../src/codec/dtls/index.ts';
import { fromHex } from '../../../../src/core/bytes.ts';
import { DtlsServer } from '../../../../src/transport/dtls/index.ts';

const opensslHello = fromHex((JSON.parse(readFileSync(new URL('../../../fixtures/vectors/dtls-client-hello.jsonl', import.meta.url), 'utf8').split('\n')[0]!) as { hex: string }).hex);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rawSocket(): Promise<{ socket: Socket; next: () => Promise<Uint8Array> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise((r) => socket.close(() => r())));
  const queue: Uint8Array[] = [];
  socket.on('message', (m) => queue.push(new Uint8Array(m)));
  const next = async (): Promise<Uint8Array> => {
    const end = Date.now() + 2000;
    while (queue.length === 0) {
      if (Date.now() > end) throw new Error('no datagram within 2000 ms');
      await new Promise((r) => setTimeout(r, 5));
    }
    return queue.shift()!;
  };
  return { socket, next };
}

function fragments(datagram: Uint8Array): { record: ReturnType<typeof splitDtlsDatagram>['records'][number]; fragments: HandshakeFragment[] }[] {
  return splitDtlsDatagram(datagram).records.map((record) => {
    const decoded = decodeHandshakeFragments(record.fragment);
    return { record, fragments: decoded.ok ? decoded.value : [] };
  });
}

describe('DtlsServer on the wire', () => {
  it('answers an OpenSSL ClientHello with a HelloVerifyRequest, then the ServerHello flight for the cookie', async () => {
    const server = await DtlsServer.listen({ pskLookup: () => new Uint8Array(16), identityHint: new Uint8Array(Buffer.from('hint')) });
    cleanups.push(() => server.close());
    const { socket, next } = await rawSocket();
    socket.send(opensslHello, server.address().port, '127.0.0.1');

    const [hvr] = fragments(await next());
    // Same record and message sequence numbers as the ClientHello (RFC 6347 §4.2.1, §4.2.2).
    expect(hvr?.record).toMatchObject({ type: ContentType.handshake, epoch: 0, sequenceNumber: 0 });
    expect(hvr?.fragments[0]).toMatchObject({ msgType: HandshakeType.hello_verify_request, messageSeq: 0 });
    const verify = decodeHelloVerifyRequest(hvr!.fragments[0]!.body);
    if (!verify.ok) throw new Error(verify.error.message);
    expect(verify.value.serverVersion).toBe(DtlsVersion.DTLS_1_0);

    // Resend the same hello with the cookie, as message_seq 1 in record 1.
    const first = decodeHandshakeFragments(splitDtlsDatagram(opensslHello).records[0]!.fragment);
    if (!first.ok) throw new Error(first.error.message);
    const hello = decodeClientHello(first.value[0]!.body);
    if (!hello.ok) throw new Error(hello.error.message);
    const body = encodeClientHello({ ...hello.value, cookie: verify.value.cookie });
    socket.send(encodeDtlsRecord({ type: ContentType.handshake, version: DtlsVersion.DTLS_1_2, epoch: 0, sequenceNumber: 1, fragment: encodeHandshakeMessage(HandshakeType.client_hello, 1, body) }), server.address().port, '127.0.0.1');

    const flight = fragments(await next()).flatMap((r) => r.fragments);
    expect(flight.map((f) => [f.msgType, f.messageSeq])).toEqual([
      [HandshakeType.server_hello, 1],
      [HandshakeType.server_key_exchange, 2],
      [HandshakeType.server_hello_done, 3],
    ]);
    const serverHello = decodeServerHello(flight[0]!.body);
    if (!serverHello.ok) throw new Error(serverHello.error.message);
    expect(serverHello.value.cipherSuite).toBe(TLS_PSK_WITH_AES_128_CCM_8);
    // OpenSSL offered extended master secret and the renegotiation SCSV: both answered.
    expect(serverHello.value.extensions?.map((e) => e.type)).toEqual([ExtensionType.extended_master_secret, ExtensionType.renegotiation_info]);
    expect(server.peers()).toEqual([]);
  });

  it('answers a hello with a forged cookie with a new HelloVerifyRequest and keeps no state', async () => {
    const server = await DtlsServer.listen({ pskLookup: () => new Uint8Array(16) });
    cleanups.push(() => server.close());
    const events: string[] = [];
    server.onSession((e) => events.push(e.kind));
    const { socket, next } = await rawSocket();
    const first = decodeHandshakeFragments(splitDtlsDatagram(opensslHello).records[0]!.fragment);
    if (!first.ok) throw new Error(first.error.message);
    const hello = decodeClientHello(first.value[0]!.body);
    if (!hello.ok) throw new Error(hello.error.message);
    const forged = encodeClientHello({ ...hello.value, cookie: new Uint8Array(16).fill(0xaa) });
    socket.send(encodeDtlsRecord({ type: ContentType.handshake, version: DtlsVersion.DTLS_1_2, epoch: 0, sequenceNumber: 1, fragment: encodeHandshakeMessage(HandshakeType.client_hello, 1, forged) }), server.address().port, '127.0.0.1');
    const [answer] = fragments(await next());
    expect(answer?.fragments[0]?.msgType).toBe(HandshakeType.hello_verify_request);
    expect(events).toEqual([]);
  });
});
