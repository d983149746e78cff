/** CoapEndpoint as server over real loopback UDP: routing, piggybacked and separate responses, duplicates, RST. */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { encodeCoapUnchecked, locationPath, locationPathOptions, uriPathOptions, uriQueryOptions, uintOptionValue } from '../../../src/codec/coap/index.ts';
import { CoapTestPeer, msg, openPair } from './coap-fixtures.ts';

let endpoint: CoapEndpoint;
let peer: CoapTestPeer;
beforeEach(async () => {
  endpoint = await CoapEndpoint.open({ host: '127.0.0.1', port: 0 }, { parameters: { ackTimeoutMs: 300, ackRandomFactor: 1, maxRetransmit: 2 }, piggybackWindowMs: 30 });
  peer = await CoapTestPeer.open(endpoint.address());
});
afterEach(async () => {
  peer.close();
  await endpoint.close();
});

const register = (messageId: number) =>
  msg({
    type: 'CON', code: '0.02', messageId, token: fromHex('8a905863'),
    options: [...uriPathOptions('/rd'), uintOptionValue(12, 40), ...uriQueryOptions(['ep=node1', 'lt=30', 'lwm2m=1.1'])],
    payload: new TextEncoder().encode('</1/0>,</3/0>'),
  });

describe('CoapEndpoint as server', () => {
  it('dispatches a Register to its handler and answers with a piggybacked 2.01 echoing MID and token', async () => {
    const seen: string[][] = [];
    endpoint.handle({ path: ['rd'], methods: ['0.02'] }, (req) => {
      seen.push([...req.path, ...req.query, new TextDecoder().decode(req.message.payload)]);
      return { code: '2.01', options: locationPathOptions(['rd', '5a3f']) };
    });
    peer.send(register(0x1234));
    const reply = await peer.next();
    expect(seen).toEqual([['rd', 'ep=node1', 'lt=30', 'lwm2m=1.1', '</1/0>,</3/0>']]);
    expect([reply.message.type, reply.message.code, reply.message.messageId, toHex(reply.message.token)]).toEqual(['ACK', '2.01', 0x1234, '8a905863']);
    expect(locationPath(reply.message)).toEqual(['rd', '5a3f']);
  });

  it('answers a duplicate CON with the same bytes without running the handler again, and traces it', async () => {
    let calls = 0;
    endpoint.handle({ path: ['rd'] }, () => ({ code: '2.01', options: locationPathOptions(['rd', String(++calls)]) }));
    peer.send(register(7));
    const first = await peer.next();
    peer.send(register(7));
    const second = await peer.next();
    expect(calls).toBe(1);
    expect(toHex(second.bytes)).toBe(toHex(first.bytes));
    expect(endpoint.duplicatesReceived).toBe(1);
    expect(endpoint.trace.entries.filter((e) => e.direction === 'in' && e.note?.includes('duplicate'))).toHaveLength(1);
    peer.send(register(8));
    expect(locationPath((await peer.next()).message)).toEqual(['rd', '2']);
  });

  it('runs the handler once for a duplicate that arrives while it is still running', async () => {
    let calls = 0;
    endpoint.handle({ path: ['rd'] }, async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 80));
      return { code: '2.04' };
    });
    peer.send(register(30));
    peer.send(register(30));
    const ack = await peer.next();
    expect([ack.message.type, ack.message.code]).toEqual(['ACK', '0.00']);
    peer.send(register(30));
    const again = await peer.next();
    expect([again.message.type, again.message.code, again.message.messageId]).toEqual(['ACK', '0.00', 30]);
    const separate = await peer.next();
    expect([separate.message.type, separate.message.code]).toEqual(['CON', '2.04']);
    expect([calls, endpoint.duplicatesReceived]).toEqual([1, 2]);
  });

  it('handles a reused MID again once EXCHANGE_LIFETIME has passed', async () => {
    // MAX_LATENCY and PROCESSING_DELAY 0: EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN = 60 × 3 ms.
    const short = await CoapEndpoint.open({ port: 0 }, { parameters: { ackTimeoutMs: 60, ackRandomFactor: 1, maxRetransmit: 2, maxLatencyMs: 0, processingDelayMs: 0 } });
    const device = await CoapTestPeer.open(short.address());
    try {
      let calls = 0;
      short.handle({ path: ['rd'] }, () => ({ code: '2.01', options: locationPathOptions(['rd', String(++calls)]) }));
      device.send(register(40));
      await device.next();
      device.send(register(40));
      await device.next();
      await new Promise((r) => setTimeout(r, 220));
      device.send(register(40));
      expect(locationPath((await device.next()).message)).toEqual(['rd', '2']);
      expect(short.duplicatesReceived).toBe(1);
    } finally {
      device.close();
      await short.close();
    }
  });

  it('sends an empty ACK then a separate CON response when the handler is slow, and stops once ACKed', async () => {
    endpoint.handle({ path: ['rd'] }, async () => {
      await new Promise((r) => setTimeout(r, 80));
      return { code: '2.04' };
    });
    peer.send(register(21));
    const ack = await peer.next();
    expect([ack.message.type, ack.message.code, ack.message.messageId, ack.bytes.length]).toEqual(['ACK', '0.00', 21, 4]);
    const separate = await peer.next();
    expect([separate.message.type, separate.message.code, toHex(separate.message.token)]).toEqual(['CON', '2.04', '8a905863']);
    expect(separate.message.messageId).not.toBe(21);
    peer.send(msg({ type: 'ACK', code: '0.00', messageId: separate.message.messageId }));
    expect(await peer.quiet(250)).toEqual([]);
  });

  it('retransmits an unacknowledged separate response on the RFC 7252 schedule', async () => {
    const fast = await openPair({ parameters: { ackTimeoutMs: 60, ackRandomFactor: 1, maxRetransmit: 2 } });
    try {
      const { endpoint: server, peer: device } = fast;
      server.handle({ path: ['rd'], separate: true }, () => ({ code: '2.04' }));
      device.send(register(22));
      expect((await device.next()).message.code).toBe('0.00');
      const copies = [await device.next(), await device.next(), await device.next()];
      expect(new Set(copies.map((c) => c.message.messageId)).size).toBe(1);
      expect(await device.quiet(300)).toEqual([]);
      // Send times from the trace (arrival times at the peer add scheduling jitter): waits T, 2T.
      const sent = server.trace.entries.filter((e) => e.direction === 'out' && e.note?.startsWith('separate response')).map((e) => Number(e.atNs / 1_000_000n));
      expect(sent).toHaveLength(3);
      expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(59);
      expect(sent[2]! - sent[1]!).toBeGreaterThanOrEqual(119);
      expect(server.trace.entries.some((e) => e.direction === 'event' && e.note?.endsWith('give-up'))).toBe(true);
    } finally {
      await fast.close();
    }
  });

  it('answers a NON request with a NON response carrying a fresh MID', async () => {
    endpoint.handle({ path: ['dp'] }, () => ({ code: '2.04' }));
    peer.send(msg({ type: 'NON', code: '0.02', messageId: 99, token: fromHex('01'), options: uriPathOptions('/dp') }));
    const r = await peer.next();
    expect([r.message.type, r.message.code, toHex(r.message.token)]).toEqual(['NON', '2.04', '01']);
    expect(r.message.messageId).not.toBe(99);
  });

  it('answers 4.04 for an unknown path, 4.05 for a method without handler, 4.02 for an unknown critical option', async () => {
    endpoint.handle({ path: ['rd'], methods: ['0.02'] }, () => ({ code: '2.01' }));
    peer.send(msg({ type: 'CON', code: '0.02', messageId: 1, options: uriPathOptions('/bs') }));
    expect((await peer.next()).message.code).toBe('4.04');
    peer.send(msg({ type: 'CON', code: '0.03', messageId: 2, options: uriPathOptions('/rd') }));
    expect((await peer.next()).message.code).toBe('4.05');
    peer.send(msg({ type: 'CON', code: '0.02', messageId: 3, options: [...uriPathOptions('/rd'), { number: 9999, value: fromHex('01') }] }));
    expect((await peer.next()).message.code).toBe('4.02');
  });

  it('answers 5.00 when a handler throws', async () => {
    endpoint.handle({ path: [] }, () => {
      throw new Error('broken handler');
    });
    peer.send(register(5));
    expect((await peer.next()).message.code).toBe('5.00');
  });

  it('answers a ping and a malformed CON with RST carrying their MID; ignores a malformed NON', async () => {
    peer.send(fromHex('40000042'));
    expect(toHex((await peer.next()).bytes)).toBe('70000042');
    peer.send(encodeCoapUnchecked({ type: 'CON', code: '0.01', messageId: 0x0102, token: new Uint8Array(9), tokenLength: 9, options: [] }));
    expect(toHex((await peer.next()).bytes)).toBe('70000102');
    peer.send(encodeCoapUnchecked({ type: 'NON', code: '0.01', messageId: 0x0103, token: new Uint8Array(9), tokenLength: 9, options: [] }));
    expect(await peer.quiet(150)).toEqual([]);
  });

  it('answers a response for an unknown token with RST', async () => {
    peer.send(msg({ type: 'CON', code: '2.05', messageId: 77, token: fromHex('dead'), options: [uintOptionValue(6, 3)] }));
    const r = await peer.next();
    expect([r.message.type, r.message.messageId]).toEqual(['RST', 77]);
  });
});

describe('CoapEndpoint trace', () => {
  it('records every datagram in and out with hrtime stamps, decoded on read', async () => {
    endpoint.handle({ path: ['rd'] }, () => ({ code: '2.01', options: locationPathOptions(['rd', '1']) }));
    const mark = endpoint.trace.mark();
    peer.send(register(0x0a0b));
    await peer.next();
    const entries = endpoint.trace.since(mark);
    expect(entries.map((e) => e.direction)).toEqual(['in', 'out']);
    expect(entries[1]!.atNs).toBeGreaterThanOrEqual(entries[0]!.atNs);
    expect(entries[0]!.note).toBe(`from 127.0.0.1:${peer.address.port}`);
    expect(entries[1]!.note).toBe(`piggybacked response to 127.0.0.1:${peer.address.port}`);
    const inbound = entries[0]!.decoded as { type: string; codeName: string; messageId: number; options: { name: string; value?: string | number }[] };
    expect([inbound.type, inbound.codeName, inbound.messageId]).toEqual(['CON', 'POST', 0x0a0b]);
    expect(inbound.options.map((o) => `${o.name}=${String(o.value)}`)).toEqual(['Uri-Path=rd', 'Content-Format=40', 'Uri-Query=ep=node1', 'Uri-Query=lt=30', 'Uri-Query=lwm2m=1.1']);
    expect(entries[1]!.hex).toBe(toHex(peer.received.at(-1)!.bytes));
  });
});

describe('CoapEndpoint with captured Register datagrams', () => {
  const registers = readFileSync(new URL('../../fixtures/vectors/coap.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.includes('-register-request'))
    .map((l) => JSON.parse(l) as { name: string; hex: string });

  it.each(registers.map((r) => [r.name, r] as const))('%s reaches the /rd handler with its parameters and payload', async (_name, r) => {
    const got: { query: string[]; payload: string }[] = [];
    endpoint.handle({ path: ['rd'], methods: ['0.02'] }, (req) => {
      got.push({ query: req.query, payload: new TextDecoder().decode(req.message.payload) });
      return { code: '2.01', options: locationPathOptions(['rd', '1']) };
    });
    const request = fromHex(r.hex);
    peer.send(request);
    const reply = await peer.next();
    expect(got).toHaveLength(1);
    expect(got[0]!.query.some((q) => q.startsWith('ep='))).toBe(true);
    expect(got[0]!.payload).toMatch(/^<\//);
    expect([reply.message.type, reply.message.code, reply.message.messageId]).toEqual(['ACK', '2.01', (request[2]! << 8) | request[3]!]);
    expect(toHex(reply.message.token)).toBe(toHex(request.subarray(4, 4 + (request[0]! & 0xf))));
  });
});

describe('CoapEndpoint over IPv6 loopback', () => {
  it('answers a request from an IPv6 peer and sends one back to it', async () => {
    const v6 = await CoapEndpoint.open({ host: '::1', port: 0 }, { parameters: { ackTimeoutMs: 100 } });
    const device = createSocket('udp6');
    try {
      await new Promise<void>((r) => device.bind(0, '::1', () => r()));
      v6.handle({ path: ['rd'] }, () => ({ code: '2.01' }));
      const inbox: Buffer[] = [];
      device.on('message', (m) => {
        inbox.push(m);
        if (m[1] === 0x01) device.send(Uint8Array.of(0x60, 0x45, m[2]!, m[3]!), v6.address().port, '::1');
      });
      device.send(encodeCoapUnchecked({ type: 'CON', code: '0.02', messageId: 9, token: new Uint8Array(0), options: [{ delta: 11, value: new TextEncoder().encode('rd') }] }), v6.address().port, '::1');
      await vi.waitFor(() => expect(inbox.length).toBeGreaterThan(0), { timeout: 2000 });
      expect(toHex(inbox[0]!)).toBe('60410009');
      const out = await v6.request({ address: '::1', port: device.address().port, family: 'IPv6' }, { method: '0.01', path: '/3/0' });
      expect(out.kind === 'response' && out.response.code).toBe('2.05');
      expect(v6.description).toMatch(/^coap:\/\/\[::1\]:\d+$/);
    } finally {
      device.close();
      await v6.close();
    }
  });
});
