/**
 * SmpClient against a real SMP responder on a loopback UDP socket: matching, ordering, window,
 * timeouts, late replies, raw traffic and silence checks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { SmpOp } from '../../../src/codec/smp/constants.ts';
import { encodeSmpHeader } from '../../../src/codec/smp/header.ts';
import { concatBytes } from '../../../src/core/bytes.ts';
import { encodeCbor } from '../../../src/codec/cbor/cbor.ts';
import { ResponseTimeoutError, TransportClosedError } from '../../../src/errors.ts';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { echoCommand, echoPlan, openUdp, responseFor, startResponder, type Responder, type ResponderPlan } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(plan: ResponderPlan = echoPlan, options: ConstructorParameters<typeof SmpClient>[1] = {}): Promise<{ r: Responder; client: SmpClient }> {
  const r = await startResponder(plan);
  const client = new SmpClient(await openUdp(r.port), { timeoutMs: 1000, ...options });
  cleanups.push(() => r.stop(), () => client.close());
  return { r, client };
}

const echo = (d: string) => smpRequest(echoCommand, { d });

describe('SmpClient over UDP', () => {
  it('sends an echo and returns the typed, timed reply', async () => {
    const { client } = await setup();
    const reply = await client.request(echo('hello'));
    expect(reply.body.kind).toBe('ok');
    expect(reply.decoded?.ok && reply.decoded.value.value.r).toBe('hello');
    expect(reply.header).toMatchObject({ op: SmpOp.WRITE_RSP, version: 1, group: 0, id: 0, seq: reply.requestHeader.seq });
    expect(reply.rttMs).toBeGreaterThan(0);
    expect(reply.receivedAtNs).toBeGreaterThan(reply.sentAtNs);
    expect(client.trace.entries.map((e) => e.direction)).toEqual(['out', 'in']);
    expect(client.trace.entries[0]?.hex).toMatch(/^0a0000090000..00a161646568656c6c6f$/);
  });

  it('allocates sequence numbers per client, not globally', async () => {
    const { client: a, r } = await setup();
    const b = new SmpClient(await openUdp(r.port));
    cleanups.push(() => b.close());
    await a.request(echo('a'));
    await a.request(echo('a'));
    await b.request(echo('b'));
    expect(r.received.map((h) => h.seq)).toEqual([0, 1, 0]);
  });

  it('uses a forced seq and the request version when given', async () => {
    const { client, r } = await setup();
    const reply = await client.request(smpRequest(echoCommand, { d: 'x' }, { version: 0 }), { seq: 200 });
    expect(r.received[0]).toMatchObject({ seq: 200, version: 0 });
    expect(reply.header).toMatchObject({ seq: 200, version: 0 });
  });

  it('matches replies that arrive out of order (window 3)', async () => {
    const plan: ResponderPlan = (req, body) => echoPlan(req, body).map((x) => ({ ...x, delayMs: 60 - req.seq * 25 }));
    const { client } = await setup(plan, { window: 3 });
    const replies = await Promise.all(['a', 'b', 'c'].map((d) => client.request(echo(d))));
    expect(replies.map((x) => x.decoded?.ok && x.decoded.value.value.r)).toEqual(['a', 'b', 'c']);
    const order = client.trace.entries.filter((e) => e.direction === 'in').map((e) => e.hex.slice(12, 14));
    expect(order).toEqual(['02', '01', '00']);
  });

  it('never has more than `window` requests outstanding', async () => {
    let outstanding = 0;
    let most = 0;
    const plan: ResponderPlan = (req, body) => {
      most = Math.max(most, ++outstanding);
      setTimeout(() => outstanding--, 19);
      return echoPlan(req, body).map((x) => ({ ...x, delayMs: 20 }));
    };
    const { client } = await setup(plan, { window: 2 });
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => client.request(echo(String(i)))));
    expect(replies).toHaveLength(6);
    expect(most).toBe(2);
  });

  it('rejects with ResponseTimeoutError when nothing answers', async () => {
    const { client } = await setup(() => []);
    const error = await client.request(echo('x'), { timeoutMs: 40 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTimeoutError);
    expect((error as ResponseTimeoutError).timeoutMs).toBe(40);
    expect((error as Error).message).toMatch(/os\.echo \(group 0 id 0 seq 0\) to udp:\/\/127\.0\.0\.1:\d+ within 40 ms/);
    expect(client.trace.entries.at(-1)?.note).toBe('timeout');
  });

  it('records a late reply as unmatched and keeps working', async () => {
    const { client } = await setup((req, body) => echoPlan(req, body).map((x) => ({ ...x, delayMs: req.seq === 0 ? 120 : 0 })));
    await expect(client.request(echo('late'), { timeoutMs: 30 })).rejects.toBeInstanceOf(ResponseTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const late = client.trace.entries.filter((e) => e.note === 'unmatched');
    expect(late).toHaveLength(1);
    expect(late[0]?.decoded).toMatchObject({ header: { seq: 0 }, body: { r: 'late' } });
    expect((await client.request(echo('next'))).header.seq).toBe(1);
  });

  it('ignores a reply with the wrong seq or the wrong op', async () => {
    const plan: ResponderPlan = (req) => [
      { bytes: responseFor({ ...req, seq: req.seq + 1 }, { r: 'wrong seq' }), delayMs: 0 },
      { bytes: responseFor({ ...req, op: SmpOp.READ }, { r: 'wrong op' }), delayMs: 5 },
      { bytes: responseFor(req, { r: 'right' }), delayMs: 10 },
    ];
    const { client } = await setup(plan);
    const reply = await client.request(echo('x'));
    expect(reply.decoded?.ok && reply.decoded.value.value.r).toBe('right');
    expect(client.trace.entries.filter((e) => e.note === 'unmatched')).toHaveLength(2);
  });

  it('exchangeRaw sends hand-built bytes and returns the matching packet', async () => {
    const { client, r } = await setup();
    const body = encodeCbor({ d: 'raw' });
    const bytes = concatBytes(encodeSmpHeader({ op: SmpOp.WRITE, version: 0, length: body.length, group: 0, id: 0, seq: 77 }), body);
    const p = await client.exchangeRaw(bytes, { match: { group: 0, id: 0, seq: 77 } });
    expect(r.received[0]).toMatchObject({ seq: 77, version: 0 });
    expect(p.header).toMatchObject({ op: SmpOp.WRITE_RSP, version: 0, seq: 77 });
    expect(p.body).toMatchObject({ kind: 'ok', rsp: { r: 'raw' } });
    expect(client.trace.entries[0]?.note).toBe('raw');
  });

  it('exchangeRaw times out when the device stays silent', async () => {
    const { client } = await setup(() => []);
    const bytes = encodeSmpHeader({ op: SmpOp.READ, version: 1, length: 0, group: 0, id: 0, seq: 1 });
    await expect(client.exchangeRaw(bytes, { match: { group: 0, id: 0, seq: 1 }, timeoutMs: 30 })).rejects.toBeInstanceOf(ResponseTimeoutError);
  });

  it('collect returns unsolicited packets, and nothing when the link is silent', async () => {
    const { client, r } = await setup(() => []);
    expect(await client.collect({ waitMs: 30 })).toEqual([]);
    await client.sendRaw(new Uint8Array([1, 2, 3]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pending = client.collect({ waitMs: 60, match: (p) => p.header?.seq === 9 });
    r.push(responseFor({ op: 0, version: 1, reserved: 0, flags: 0, length: 0, group: 0, seq: 8, id: 0 }, {}));
    r.push(responseFor({ op: 0, version: 1, reserved: 0, flags: 0, length: 0, group: 0, seq: 9, id: 0 }, {}));
    r.push(new Uint8Array([1, 2, 3]));
    const got = await pending;
    expect(got.map((p) => p.header?.seq)).toEqual([9]);
    expect(client.trace.entries.filter((e) => e.direction === 'in' && e.note === 'unmatched')).toHaveLength(3);
  });

  it('classifies a reply whose length field lies as malformed', async () => {
    const plan: ResponderPlan = (req) => {
      const good = responseFor(req, { r: 'x' });
      good[3] = good[3]! + 1;
      return [{ bytes: good, delayMs: 0 }];
    };
    const { client } = await setup(plan);
    const reply = await client.request(echo('x'));
    expect(reply.body).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/length field says/) });
    expect(reply.decoded).toBeUndefined();
  });

  it('close rejects pending and queued requests, is idempotent, and refuses later work', async () => {
    const { client } = await setup(() => []);
    const first = client.request(echo('1'));
    const queued = client.request(echo('2'));
    const silence = client.collect({ waitMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.close();
    await client.close();
    await expect(first).rejects.toBeInstanceOf(TransportClosedError);
    await expect(queued).rejects.toBeInstanceOf(TransportClosedError);
    expect(await silence).toEqual([]);
    await expect(client.request(echo('3'))).rejects.toBeInstanceOf(TransportClosedError);
    await expect(client.sendRaw(new Uint8Array([0]))).rejects.toBeInstanceOf(TransportClosedError);
  });
});
