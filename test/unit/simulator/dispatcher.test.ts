/**
 * Dispatcher rules over real UDP: smp.md §1.3–1.5, §2.3, §4.7, §6.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../../src/core/bytes.ts';
import { body, header, rawReq, req, udpSim, type SimLink } from './sim-link.ts';
import { encodeCborDefinite } from '../../../src/codec/cbor/writer.ts';

const R = 0;
const W = 2;

describe('simulator dispatcher (smp.md §1.3–1.5, §6.1)', () => {
  let link: SimLink;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ link, done } = await udpSim());
  });
  afterAll(() => done());

  it('§1.8 worked bytes: v2 write to unknown group 40 → {"rc":8} with op 3', async () => {
    const rsp = await link.ask(Uint8Array.from([0x0a, 0, 0, 1, 0, 0x28, 5, 0, 0xa0]));
    expect(toHex(rsp!)).toBe('0b00000600280500bf62726308ff');
  });

  it('§1.8 worked bytes: version bits 10 → {"rc":13} with response version 01', async () => {
    const rsp = await link.ask(Uint8Array.from([0x10, 0, 0, 1, 0, 0, 9, 6, 0xa0]));
    expect(toHex(rsp!)).toBe('0900000600000906bf6272630dff');
  });

  it('version bits 11 → rc 13 too', async () => {
    expect(body(await link.ask(Uint8Array.from([0x18, 0, 0, 1, 0, 0, 9, 6, 0xa0])))).toEqual({ rc: 13 });
  });

  it('§1.8: v1 echo "aa" seq 0x42 → exact reply bytes 03 00 00 07 00 00 42 00 bf 61 72 62 61 61 ff', async () => {
    const rsp = await link.ask(Uint8Array.from([2, 0, 0, 6, 0, 0, 0x42, 0, 0xa1, 0x61, 0x64, 0x62, 0x61, 0x61]));
    expect(toHex(rsp!)).toBe('0300000700004200bf6172626161ff');
  });

  it('1–7 bytes → silence; an empty datagram → silence (§6.1 item 1)', async () => {
    expect(await link.collect(Uint8Array.from([0x0a, 0, 0, 1, 0, 0, 1]), 150)).toEqual([]);
    expect(await link.collect(new Uint8Array(0), 100, { raw: true })).toEqual([]);
  });

  it('length > data → rc 9 with group/seq/id echoed (§1.5 step 2)', async () => {
    const p = Uint8Array.from([0x0a, 0, 0, 9, 0, 0, 0x33, 0, 0xa0]);
    const rsp = await link.ask(p);
    expect(header(rsp)).toMatchObject({ op: 3, version: 1, group: 0, seq: 0x33, id: 0 });
    expect(body(rsp)).toEqual({ rc: 9 });
  });

  it('op is checked before the version (smp.c): op 5 with version bits 11 → rc 8, response version 01', async () => {
    const rsp = await link.ask(Uint8Array.from([0x1d, 0, 0, 1, 0, 0, 9, 0, 0xa0]));
    expect(header(rsp)).toMatchObject({ op: 3, version: 1 });
    expect(body(rsp)).toEqual({ rc: 8 });
  });

  it('v1 group errors use each group\'s translation table: fs FILE_NOT_FOUND → rc 5', async () => {
    expect(body(await link.ask(req(R, 8, 1, { name: '/lfs1/none' }, { version: 0 })))).toEqual({ rc: 5 });
  });

  it.each([1, 3, 4, 5, 6, 7])('op %i → rc 8 with response op 3 (§1.3, §6.1 item 7)', async (op) => {
    const rsp = await link.ask(req(op, 0, 0, { d: 'x' }));
    expect(header(rsp).op).toBe(3);
    expect(body(rsp)).toEqual({ rc: 8 });
  });

  it.each([
    ['unknown group 62', W, 62, 0],
    ['unknown group 64', R, 64, 0],
    ['os hole id 1', R, 0, 1],
    ['os mpstat id 3 (no handler in v4.0)', R, 0, 3],
    ['img hole id 3', R, 1, 3],
    ['command beyond the table', R, 0, 9],
    ['read of upload', R, 1, 1],
    ['write of taskstat', W, 0, 2],
    ['read of reset', R, 0, 5],
  ])('%s → rc 8 (§6.1 item 6)', async (_name, op, group, id) => {
    expect(body(await link.ask(req(op, group, id)))).toEqual({ rc: 8 });
  });

  it('flags and reserved bits are ignored and answered as 0 (§6.1 item 9)', async () => {
    const p = req(W, 0, 0, { d: 'f' });
    p[0] = p[0]! | 0xe0;
    p[1] = 0x5a;
    const rsp = await link.ask(p);
    expect(rsp![0]).toBe(0x0b);
    expect(rsp![1]).toBe(0);
    expect(body(rsp)).toEqual({ r: 'f' });
  });

  it('sequence numbers 0 and 255 are echoed (§6.1 item 10)', async () => {
    for (const seq of [0, 255]) expect(header(await link.ask(req(W, 0, 0, { d: 's' }, { seq }))).seq).toBe(seq);
  });

  it('two requests in one datagram → two responses in order (§1.5 step 4)', async () => {
    const got = await link.collect(concatBytes(req(W, 0, 0, { d: 'one' }, { seq: 1 }), req(W, 0, 0, { d: 'two' }, { seq: 2 })), 150);
    expect(got.map((p) => body(p)['r'])).toEqual(['one', 'two']);
  });

  it('processing stops at the first error in a packet (§1.5 step 4)', async () => {
    const got = await link.collect(concatBytes(req(R, 40, 0, {}, { seq: 1 }), req(W, 0, 0, { d: 'two' }, { seq: 2 })), 150);
    expect(got.map((p) => body(p))).toEqual([{ rc: 8 }]);
  });

  it('a v2 group error does not stop the packet; the next request is answered', async () => {
    const got = await link.collect(concatBytes(req(R, 8, 1, { name: '/lfs1/none' }, { seq: 1 }), req(W, 0, 0, { d: 'two' }, { seq: 2 })), 150);
    expect(got.map((p) => body(p))).toEqual([{ err: { group: 8, rc: 3 } }, { r: 'two' }]);
  });

  it('length < data: the surplus is parsed as the next header (§6.1 item 3)', async () => {
    const first = req(W, 0, 0, { d: 'a' }, { seq: 7 });
    const got = await link.collect(concatBytes(first, Uint8Array.from([1, 2, 3])), 150);
    expect(got).toHaveLength(1);
  });

  it('length 0 with CBOR appended: the handler still reads it, then the bytes are parsed as a header (§1.5)', async () => {
    const cbor = encodeCborDefinite({ d: 'hidden-echo' });
    const p = concatBytes(Uint8Array.from([0x0a, 0, 0, 0, 0, 0, 5, 0]), cbor);
    const got = await link.collect(p, 150);
    expect(body(got[0])).toEqual({ r: 'hidden-echo' });
    expect(got.length).toBeGreaterThanOrEqual(1);
  });

  it('length 0 without payload: a parsing command → rc 3, a non-parsing one succeeds (§6.1 item 4)', async () => {
    expect(body(await link.ask(rawReq(W, 0, 0, new Uint8Array(0))))).toEqual({ rc: 3 });
    expect(body(await link.ask(rawReq(R, 0, 6, new Uint8Array(0))))).toEqual({ buf_size: 2048, buf_count: 2 });
  });

  it('a UDP datagram over 1500 bytes is truncated → rc 9 (§6.5 item 46)', async () => {
    const rsp = await link.ask(req(W, 0, 0, { d: 'x'.repeat(1600) }));
    expect(body(rsp)).toEqual({ rc: 9 });
  });

  it('v1 request with a group error → translated rc (§2.3, §2.4: RTC not set 4 → rc 5)', async () => {
    expect(body(await link.ask(req(R, 0, 4, {}, { version: 0 })))).toEqual({ rc: 5 });
    expect(header(await link.ask(req(R, 0, 4, {}, { version: 0 }))).version).toBe(0);
    expect(body(await link.ask(req(R, 0, 4, {}, { version: 1 })))).toEqual({ err: { group: 0, rc: 4 } });
  });
});

describe('simulator buffers and error forms (smp.md §1.4, §4.7)', () => {
  it('errorForm v1: a pre-3.4 server ignores version bits and answers v1 rc with version 0', async () => {
    const { link, done } = await udpSim({ errorForm: 'v1' });
    try {
      const rsp = await link.ask(req(R, 0, 4, {}, { version: 1 }));
      expect(header(rsp).version).toBe(0);
      expect(body(rsp)).toEqual({ rc: 5 });
      expect(body(await link.ask(Uint8Array.from([0x10, 0, 0, 1, 0, 0, 9, 6, 0xa0])))).toEqual({ buf_size: 2048, buf_count: 2 });
    } finally {
      await done();
    }
  });

  it('a response larger than bufSize → rc 7 (§6.2 item 23)', async () => {
    const { link, done } = await udpSim({ bufSize: 256 });
    try {
      expect(body(await link.ask(req(W, 0, 0, { d: 'y'.repeat(200) })))).toEqual({ r: 'y'.repeat(200) });
      expect(body(await link.ask(req(R, 0, 2)))).toEqual({ rc: 7 });
    } finally {
      await done();
    }
  });

  it('stat show flash_sim_stats (521 counters) overflows the 2048-byte buffer → rc 7, as in the capture', async () => {
    const { link, done } = await udpSim();
    try {
      expect(body(await link.ask(req(R, 2, 0, { name: 'flash_sim_stats' })))).toEqual({ rc: 7 });
    } finally {
      await done();
    }
  });

  it('bufCount: with processing time, a burst beyond the free buffers is dropped; a queued request finding no response buffer gets rc 2 (§4.7, smp_on_err)', async () => {
    const { link, done } = await udpSim({ processingMs: 60, bufCount: 2 });
    try {
      for (let seq = 1; seq <= 4; seq++) await link.send(req(W, 0, 0, { d: `b${seq}` }, { seq }));
      const got = await link.take(4, 800);
      // Two requests hold both buffers: the other two are dropped; the first then finds no
      // response buffer and answers ENOMEM from its own buffer, which frees one for the second.
      expect(got.map((p) => [header(p).seq, body(p)])).toEqual([
        [1, { rc: 2 }],
        [2, { r: 'b2' }],
      ]);
      expect(body(await link.ask(req(W, 0, 0, { d: 'after' })))).toEqual({ r: 'after' });
    } finally {
      await done();
    }
  });
});
