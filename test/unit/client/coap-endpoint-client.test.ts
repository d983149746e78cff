/** CoapEndpoint as client over real loopback UDP: retransmission, separate responses, RST, Observe. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { ResponseTimeoutError, TransportClosedError } from '../../../src/errors.ts';
import { observeOption, uintOptionValue, uriPath } from '../../../src/codec/coap/index.ts';
import { CoapTestPeer, msg, openPair } from './coap-fixtures.ts';

let endpoint: CoapEndpoint;
let peer: CoapTestPeer;
beforeEach(async () => {
  // ACK_TIMEOUT well above loopback delays under load, so only the timing tests see retransmissions.
  endpoint = await CoapEndpoint.open({ port: 0 }, { parameters: { ackTimeoutMs: 400, maxRetransmit: 3 }, tokenBytes: 4 });
  peer = await CoapTestPeer.open(endpoint.address());
});
afterEach(async () => {
  peer.close();
  await endpoint.close();
});

describe('CoapEndpoint as client', () => {
  it('gets a piggybacked response and reports token echo and RTT', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token, payload: fromHex('5a') }));
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/3/0/0', options: [uintOptionValue(17, 0)] });
    expect(out.kind).toBe('response');
    if (out.kind !== 'response') return;
    expect([out.response.code, out.piggybacked, out.transmissions, out.problems, toHex(out.response.payload)]).toEqual(['2.05', true, 1, [], '5a']);
    expect(uriPath(out.request)).toEqual(['3', '0', '0']);
    expect(out.request.token).toHaveLength(4);
  });

  it('flags a response whose token does not echo the request', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: fromHex('ffffffff') }));
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/3/0' });
    expect(out.kind === 'response' && out.problems[0]).toMatch(/does not echo/);
  });

  it('flags a piggybacked answer carrying a request code', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '0.01', messageId: d.message.messageId, token: d.message.token }));
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/3/0' });
    expect(out.kind === 'response' && out.problems).toEqual(['code 0.01 is not a response code (classes 2, 4, 5)']);
  });

  // random 0 → the first timeout is exactly ACK_TIMEOUT (50 ms), so the schedule is 0, T, 3T, 7T.
  const fastRetransmission = { parameters: { ackTimeoutMs: 50, ackRandomFactor: 1.5, maxRetransmit: 3 }, random: () => 0 };

  it('retransmits a CON at T, 3T, 7T (doubling) until answered, same MID and bytes', async () => {
    const fast = await openPair(fastRetransmission);
    try {
      const { peer: device } = fast;
      device.serve((d) => (device.received.length < 3 ? undefined : msg({ type: 'ACK', code: '2.04', messageId: d.message.messageId, token: d.message.token })));
      const out = await fast.endpoint.request(device.address, { method: '0.03', path: '/1/0/1', payload: fromHex('313230') });
      expect(device.received).toHaveLength(3);
      expect(new Set(device.received.map((d) => toHex(d.bytes))).size).toBe(1);
      // Send times from the trace: timers never fire early, so the waits are at least T and 2T.
      const times = fast.endpoint.trace.entries.filter((e) => e.direction === 'out').map((e) => Number(e.atNs) / 1e6);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(49);
      expect(times[1]! - times[0]!).toBeLessThan(99);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(99);
      expect(out.transmissions).toBe(3);
      expect(fast.endpoint.trace.entries.filter((e) => e.direction === 'out' && e.note?.includes('retransmission'))).toHaveLength(2);
    } finally {
      await fast.close();
    }
  });

  it('gives up after MAX_RETRANSMIT with ResponseTimeoutError', async () => {
    const fast = await openPair(fastRetransmission);
    try {
      const started = performance.now();
      await expect(fast.endpoint.request(fast.peer.address, { method: '0.01', path: '/3/0' })).rejects.toBeInstanceOf(ResponseTimeoutError);
      expect(fast.peer.received).toHaveLength(4);
      // 50 + 100 + 200 + 400 ms
      expect(performance.now() - started).toBeGreaterThanOrEqual(700);
    } finally {
      await fast.close();
    }
  });

  it('waits for a separate response after an empty ACK and ACKs it', async () => {
    peer.serve((d) => {
      if (d.message.type !== 'CON') return undefined;
      setTimeout(() => peer.send(msg({ type: 'CON', code: '2.05', messageId: 0x4242, token: d.message.token, payload: fromHex('01') })), 30);
      return msg({ type: 'ACK', code: '0.00', messageId: d.message.messageId });
    });
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/5/0/3' });
    expect(out.kind === 'response' && [out.piggybacked, out.response.type, out.response.messageId]).toEqual([false, 'CON', 0x4242]);
    await vi.waitFor(() => expect(peer.received.some((d) => d.message.type === 'ACK' && d.message.code === '0.00' && d.message.messageId === 0x4242)).toBe(true));
  });

  it('accepts a separate response whose ACK was lost, and stops retransmitting', async () => {
    peer.serve((d) => (peer.received.length === 1 ? msg({ type: 'CON', code: '2.04', messageId: 9, token: d.message.token }) : undefined));
    const out = await endpoint.request(peer.address, { method: '0.02', path: '/3/0/4' });
    expect(out.kind === 'response' && out.response.code).toBe('2.04');
    const later = await peer.quiet(200);
    expect(later.map((d) => d.message.type)).toEqual(['ACK']);
  });

  it('times out waiting for a separate response', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '0.00', messageId: d.message.messageId }));
    await expect(endpoint.request(peer.address, { method: '0.01', path: '/3/0' }, { responseTimeoutMs: 100 })).rejects.toThrow(/separate response/);
  });

  it('returns an RST to a request as a value', async () => {
    peer.serve((d) => msg({ type: 'RST', code: '0.00', messageId: d.message.messageId }));
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/3/0' });
    expect(out.kind).toBe('reset');
  });

  it('sends NON requests once and matches the NON response by token', async () => {
    peer.serve((d) => msg({ type: 'NON', code: '2.05', messageId: 3, token: d.message.token }));
    const out = await endpoint.request(peer.address, { method: '0.01', path: '/3/0', confirmable: false });
    expect(out.kind === 'response' && [out.request.type, out.response.type, out.piggybacked]).toEqual(['NON', 'NON', false]);
  });
});

describe('Observe', () => {
  it('delivers notifications in order with their numbers, ACKs CON ones, and cancels by RST', async () => {
    peer.serve((d) => (d.message.code === '0.01' ? msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token, options: [uintOptionValue(6, 5)], payload: fromHex('30') }) : undefined));
    const obs = await endpoint.observe(peer.address, { method: '0.01', path: '/3/0/13' });
    const reg = peer.received[0]!.message;
    expect(observeOption(reg)).toEqual({ ok: true, value: 0 });
    expect(obs.isActive).toBe(true);
    const token = reg.token;
    peer.send(msg({ type: 'CON', code: '2.05', messageId: 100, token, options: [uintOptionValue(6, 6)], payload: fromHex('31') }));
    peer.send(msg({ type: 'NON', code: '2.05', messageId: 101, token, options: [uintOptionValue(6, 8)], payload: fromHex('32') }));
    peer.send(msg({ type: 'NON', code: '2.05', messageId: 102, token, options: [uintOptionValue(6, 7)], payload: fromHex('33') }));
    const got = [await obs.next(1000), await obs.next(1000), await obs.next(1000)];
    expect(got.map((n) => [n.sequence, n.confirmable, n.fresh])).toEqual([[6, true, true], [8, false, true], [7, false, false]]);
    await vi.waitFor(() => expect(peer.received.some((d) => d.message.type === 'ACK' && d.message.messageId === 100)).toBe(true));
    await obs.cancel('reset');
    peer.send(msg({ type: 'CON', code: '2.05', messageId: 103, token, options: [uintOptionValue(6, 9)] }));
    await vi.waitFor(() => expect(peer.received.some((d) => d.message.type === 'RST' && d.message.messageId === 103)).toBe(true));
    expect(obs.notifications).toHaveLength(3);
  });

  it('cancels actively with GET Observe 1 on the same token and path', async () => {
    peer.serve((d) => {
      const o = observeOption(d.message);
      const registering = o?.ok === true && o.value === 0;
      return msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token, options: registering ? [uintOptionValue(6, 1)] : [] });
    });
    const obs = await endpoint.observe(peer.address, { method: '0.01', path: '/3/0', options: [uintOptionValue(17, 11542)] });
    const out = await obs.cancel('deregister');
    const reg = peer.received[0]!.message;
    const isCancel = (m: typeof reg): boolean => {
      const o = observeOption(m);
      return o?.ok === true && o.value === 1;
    };
    const cancel = peer.received.map((d) => d.message).find(isCancel)!;
    expect(toHex(cancel.token)).toBe(toHex(reg.token));
    expect(uriPath(cancel)).toEqual(['3', '0']);
    expect(observeOption(cancel)).toEqual({ ok: true, value: 1 });
    expect(cancel.messageId).not.toBe(reg.messageId);
    expect(out?.kind === 'response' && out.response.code).toBe('2.05');
    expect(obs.isActive).toBe(false);
  });

  it('is not established when the first response has no Observe option', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token }));
    const obs = await endpoint.observe(peer.address, { method: '0.01', path: '/3/0' });
    expect(obs.ended).toEqual({ kind: 'not-established', reason: 'response without a valid Observe option' });
  });

  it('ends on an error notification', async () => {
    peer.serve((d) => (d.message.code === '0.01' ? msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token, options: [uintOptionValue(6, 1)] }) : undefined));
    const obs = await endpoint.observe(peer.address, { method: '0.01', path: '/3/0' });
    peer.send(msg({ type: 'NON', code: '4.04', messageId: 5, token: peer.received[0]!.message.token }));
    const n = await obs.next(1000);
    expect([n.message.code, obs.ended]).toEqual(['4.04', { kind: 'error-notification', code: '4.04' }]);
  });
});

describe('CoapEndpoint close', () => {
  it('rejects a request waiting for its ACK and one waiting for a separate response', async () => {
    const silent = endpoint.request(peer.address, { method: '0.01', path: '/3/0' });
    peer.serve((d) => (d.message.code === '0.02' ? msg({ type: 'ACK', code: '0.00', messageId: d.message.messageId }) : undefined));
    const acked = endpoint.request(peer.address, { method: '0.02', path: '/3/0/4' });
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    await endpoint.close();
    await expect(silent).rejects.toBeInstanceOf(TransportClosedError);
    await expect(acked).rejects.toBeInstanceOf(TransportClosedError);
    expect(performance.now() - started).toBeLessThan(100);
    await expect(endpoint.request(peer.address, { method: '0.01', path: '/3/0' })).rejects.toBeInstanceOf(TransportClosedError);
  });
});

describe('tokens and message IDs', () => {
  it('are unique per request, with a random prefix shared by the endpoint', async () => {
    const tokens = Array.from({ length: 300 }, () => toHex(endpoint.nextToken()));
    expect(new Set(tokens).size).toBe(300);
    expect(new Set(tokens.map((t) => t.slice(0, 4))).size).toBe(1);
    const other = await CoapEndpoint.open({ port: 0 }, { tokenBytes: 8 });
    try {
      const [a, b] = [toHex(other.nextToken()), toHex(other.nextToken())];
      expect([a.length, a.slice(0, 8) === b.slice(0, 8), a.slice(8) !== b.slice(8)]).toEqual([16, true, true]);
    } finally {
      await other.close();
    }
    const ids = Array.from({ length: 5 }, () => endpoint.nextMessageId());
    expect(ids.slice(1).map((id, i) => (id - ids[i]! + 0x10000) & 0xffff)).toEqual([1, 1, 1, 1]);
  });
});
