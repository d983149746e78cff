/**
 * NSTART (RFC 7252 §4.7) over real loopback UDP: a peer socket that answers late counts how many
 * of the endpoint's CON requests are outstanding at once (received, not yet answered).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { TransportClosedError } from '../../../src/errors.ts';
import { encodeCoap } from '../../../src/codec/coap/message.ts';
import { CoapTestPeer, msg, type PeerDatagram } from './coap-fixtures.ts';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

async function setUp(options: { nstart?: number } = {}): Promise<CoapEndpoint> {
  const endpoint = await CoapEndpoint.open({ port: 0 }, { parameters: { ackTimeoutMs: 2000 }, ...options });
  opened.push(endpoint);
  return endpoint;
}

/** A peer that answers each CON after `delayMs` with a piggybacked 2.05, tracking the most requests it held unanswered at once. */
async function slowPeer(endpoint: CoapEndpoint, delayMs: number, answer: 'piggybacked' | 'empty-ack' = 'piggybacked') {
  const peer = await CoapTestPeer.open(endpoint.address());
  opened.push(peer);
  const stats = { held: 0, mostHeld: 0, requests: 0 };
  peer.serve((d: PeerDatagram) => {
    if (d.message.type !== 'CON' || d.message.code === '2.05') return undefined;
    stats.requests++;
    stats.held++;
    stats.mostHeld = Math.max(stats.mostHeld, stats.held);
    setTimeout(() => {
      stats.held--;
      const { messageId, token } = d.message;
      if (answer === 'piggybacked') return peer.send(msg({ type: 'ACK', code: '2.05', messageId, token }));
      peer.send(msg({ type: 'ACK', code: '0.00', messageId, token: new Uint8Array(0) }));
      // The separate response comes much later; the interaction stopped being outstanding at the ACK.
      setTimeout(() => peer.send(msg({ type: 'CON', code: '2.05', messageId: (messageId + 7) & 0xffff, token })), 300);
    }, delayMs);
    return undefined;
  });
  return { peer, stats };
}

describe('CoapEndpoint NSTART', () => {
  it('keeps one CON outstanding per peer by default and sends the queued ones in order as answers arrive', async () => {
    const endpoint = await setUp();
    expect(endpoint.nstart).toBe(1);
    const { peer, stats } = await slowPeer(endpoint, 40);
    const paths = ['/3/0/0', '/3/0/1', '/3/0/2', '/3/0/3', '/3/0/4'];
    const pending = paths.map((path) => endpoint.request(peer.address, { method: '0.01', path }));
    expect(endpoint.outstandingTo(peer.address)).toEqual({ outstanding: 1, waiting: 4 });
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => o.kind === 'response' && o.response.code)).toEqual(paths.map(() => '2.05'));
    expect(stats).toMatchObject({ requests: 5, mostHeld: 1 });
    const sent = peer.received.filter((d) => d.message.type === 'CON').map((d) => d.message.options.filter((o) => o.number === 11).map((o) => new TextDecoder().decode(o.value)).join('/'));
    expect(sent).toEqual(paths.map((p) => p.slice(1)));
    // Each round trip counts from the request's own transmission, not from the queueing.
    for (const o of outcomes) expect(o.rttMs).toBeLessThan(40 * 4);
    expect(endpoint.outstandingTo(peer.address)).toEqual({ outstanding: 0, waiting: 0 });
  });

  it('keeps up to NSTART outstanding when configured higher', async () => {
    const endpoint = await setUp({ nstart: 3 });
    const { peer, stats } = await slowPeer(endpoint, 60);
    await Promise.all(Array.from({ length: 7 }, (_, i) => endpoint.request(peer.address, { method: '0.01', path: `/3/0/${i}` })));
    expect(stats).toMatchObject({ requests: 7, mostHeld: 3 });
  });

  it('counts per peer: a slow peer does not hold back requests to another', async () => {
    const endpoint = await setUp();
    const slow = await slowPeer(endpoint, 400);
    const fast = await slowPeer(endpoint, 0);
    const slowDone = endpoint.request(slow.peer.address, { method: '0.01', path: '/3/0' });
    const t = performance.now();
    await endpoint.request(fast.peer.address, { method: '0.01', path: '/3/0' });
    expect(performance.now() - t).toBeLessThan(350);
    await slowDone;
  });

  it('frees the slot at an empty ACK, before the separate response arrives', async () => {
    const endpoint = await setUp();
    const { peer, stats } = await slowPeer(endpoint, 20, 'empty-ack');
    const outcomes = await Promise.all([0, 1, 2].map((i) => endpoint.request(peer.address, { method: '0.01', path: `/3/0/${i}` })));
    expect(outcomes.map((o) => o.kind === 'response' && !o.piggybacked && o.response.code)).toEqual(['2.05', '2.05', '2.05']);
    expect(stats.mostHeld).toBe(1);
    // All three were sent before the first separate response (300 ms after its ACK) arrived.
    const cons = peer.received.filter((d) => d.message.type === 'CON');
    expect(cons).toHaveLength(3);
    expect(cons[2]!.atMs - cons[0]!.atMs).toBeLessThan(300);
  });

  it('frees the slot when a CON is given up, and rejects queued requests when the endpoint closes', async () => {
    const endpoint = await CoapEndpoint.open({ port: 0 }, { parameters: { ackTimeoutMs: 30, maxRetransmit: 1 } });
    opened.push(endpoint);
    const silent = await CoapTestPeer.open(endpoint.address());
    opened.push(silent);
    const first = endpoint.request(silent.address, { method: '0.01', path: '/3/0/0' });
    const second = endpoint.request(silent.address, { method: '0.01', path: '/3/0/1' });
    second.catch(() => undefined);
    await expect(first).rejects.toThrow(/no ACK after 2 transmissions/);
    for (let i = 0; i < 3; i++) await silent.next();
    // The second went out only after both transmissions of the first.
    const mids = silent.received.map((d) => d.message.messageId);
    expect(mids).toHaveLength(3);
    expect(mids[0]).toBe(mids[1]);
    expect(mids[2]).not.toBe(mids[0]);
    const third = endpoint.request(silent.address, { method: '0.01', path: '/3/0/2' });
    expect(endpoint.outstandingTo(silent.address)).toEqual({ outstanding: 1, waiting: 1 });
    await endpoint.close();
    await expect(third).rejects.toBeInstanceOf(TransportClosedError);
    await expect(second).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('ends a CON at a malformed ACK (payload marker, no payload) with the format error, and frees the slot at once', async () => {
    const endpoint = await setUp();
    const peer = await CoapTestPeer.open(endpoint.address());
    opened.push(peer);
    let answered = 0;
    peer.serve((d: PeerDatagram) => {
      if (d.message.type !== 'CON') return undefined;
      answered++;
      const { messageId, token } = d.message;
      const bytes = encodeCoap(msg({ type: 'ACK', code: '2.05', messageId, token }));
      // The first answer ends with a 0xFF marker and nothing after it (RFC 7252 §3: a format error).
      return answered === 1 ? Uint8Array.of(...bytes, 0xff) : bytes;
    });
    const started = Date.now();
    const first = endpoint.request(peer.address, { method: '0.01', path: '/3/0/14' });
    const second = endpoint.request(peer.address, { method: '0.01', path: '/3/0/0' });
    await expect(first).rejects.toMatchObject({ code: 'E_DECODE', message: expect.stringMatching(/no valid CoAP .*payload marker/) });
    const outcome = await second;
    expect(outcome.kind === 'response' && outcome.response.code).toBe('2.05');
    // Well before the first retransmission (ACK_TIMEOUT 2 s): nothing waited for MAX_RETRANSMIT.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(peer.received.filter((d) => d.message.type === 'CON')).toHaveLength(2);
  });

  it('rejects an NSTART outside 1-1024', async () => {
    await expect(CoapEndpoint.open({ port: 0 }, { nstart: 0 })).rejects.toThrow(/NSTART 0/);
  });
});
