/** Block-wise transfers through CoapEndpoint against a hand-written peer over loopback UDP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.ts';
import { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { fetchBlockwise, pushBlockwise } from '../../../src/client/coap/blockwise.ts';
import { CoapOption, blockOption, blockSize, encodeBlockValue, uintOptionOrUndefined, type CoapMessage } from '../../../src/codec/coap/index.ts';
import { CoapTestPeer, msg, type PeerDatagram } from './coap-fixtures.ts';

let endpoint: CoapEndpoint;
let peer: CoapTestPeer;
beforeEach(async () => {
  endpoint = await CoapEndpoint.open({ port: 0 }, { parameters: { ackTimeoutMs: 200 } });
  peer = await CoapTestPeer.open(endpoint.address());
});
afterEach(async () => {
  peer.close();
  await endpoint.close();
});

const body = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff);

/** A device serving `body` in blocks no larger than 2^(maxSzx+4). */
function serveBlock2(maxSzx: number) {
  return (d: PeerDatagram): CoapMessage => {
    const asked = blockOption(d.message, CoapOption.BLOCK2);
    const askedSzx = asked?.ok ? asked.value.szx : maxSzx;
    const szx = Math.min(askedSzx, maxSzx);
    const num = asked?.ok ? (asked.value.num * blockSize(askedSzx)) / blockSize(szx) : 0;
    const start = num * blockSize(szx);
    const chunk = body.subarray(start, start + blockSize(szx));
    const more = start + chunk.length < body.length;
    return msg({ type: 'ACK', code: '2.05', messageId: d.message.messageId, token: d.message.token, options: [{ number: CoapOption.BLOCK2, value: encodeBlockValue({ num, more, szx }) }], payload: chunk });
  };
}

describe('Block2 (reading a large response)', () => {
  it('follows the blocks the peer chooses when the first request has no Block2', async () => {
    peer.serve(serveBlock2(6));
    const r = await fetchBlockwise(endpoint, peer.address, { method: '0.01', path: '/5/0' });
    expect([r.complete, r.exchanges.length, toHex(r.body) === toHex(body)]).toEqual([true, 2, true]);
    const asked = peer.received.map((d) => blockOption(d.message, CoapOption.BLOCK2));
    expect(asked.map((b) => (b?.ok ? b.value.num : 'none'))).toEqual(['none', 1]);
  });

  it('asks for 1024-byte blocks and continues at the smaller size the peer answers with', async () => {
    peer.serve(serveBlock2(5));
    const r = await fetchBlockwise(endpoint, peer.address, { method: '0.01', path: '/5/0' }, { szx: 6 });
    expect([r.complete, r.exchanges.length, toHex(r.body) === toHex(body)]).toEqual([true, 3, true]);
    expect(r.notes[0]).toMatch(/SZX 5/);
    const asked = peer.received.map((d) => blockOption(d.message, CoapOption.BLOCK2));
    expect(asked.map((b) => (b?.ok ? [b.value.num, b.value.szx] : undefined))).toEqual([[0, 6], [1, 5], [2, 5]]);
    expect(new Set(peer.received.map((d) => toHex(d.message.token))).size).toBe(1);
  });

  it('stops with a note when the peer skips a block', async () => {
    peer.serve((d) => {
      const r = serveBlock2(4)(d);
      if (peer.received.length === 2) r.options = [{ number: CoapOption.BLOCK2, value: encodeBlockValue({ num: 5, more: true, szx: 4 }) }];
      return r;
    });
    const r = await fetchBlockwise(endpoint, peer.address, { method: '0.01', path: '/5/0' });
    expect(r.complete).toBe(false);
    expect(r.notes.at(-1)).toMatch(/NUM 5/);
  });
});

describe('Block1 (pushing a large request)', () => {
  /** A device storing blocks, preferring blocks of 2^(prefSzx+4), optionally refusing the first with 4.13. */
  function serveBlock1(prefSzx: number, tooLargeFirst = false) {
    const stored: number[] = [];
    let refused = false;
    const handler = (d: PeerDatagram): CoapMessage => {
      const b = blockOption(d.message, CoapOption.BLOCK1);
      if (!b?.ok) throw new Error('no Block1');
      const reply = (code: string, szx: number) => msg({ type: 'ACK', code, messageId: d.message.messageId, token: d.message.token, options: [{ number: CoapOption.BLOCK1, value: encodeBlockValue({ num: b.value.num, more: b.value.more, szx }) }] });
      if (tooLargeFirst && !refused) {
        refused = true;
        return reply('4.13', prefSzx);
      }
      const offset = b.value.num * blockSize(b.value.szx);
      if (offset !== stored.length) return reply('4.08', b.value.szx);
      stored.push(...d.message.payload);
      return reply(b.value.more ? '2.31' : '2.04', Math.min(prefSzx, b.value.szx));
    };
    return { handler, stored };
  }

  it('pushes 1500 bytes in 512-byte blocks with one token and Size1 on the first block', async () => {
    const device = serveBlock1(6);
    peer.serve(device.handler);
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body, options: [{ number: CoapOption.CONTENT_FORMAT, value: Uint8Array.of(42) }] }, { szx: 5 });
    expect([r.complete, r.exchanges.length, r.final.kind === 'response' && r.final.response.code]).toEqual([true, 3, '2.04']);
    expect(toHex(Uint8Array.from(device.stored))).toBe(toHex(body));
    expect(peer.received.map((d) => uintOptionOrUndefined(d.message, CoapOption.SIZE1))).toEqual([1500, undefined, undefined]);
    expect(new Set(peer.received.map((d) => toHex(d.message.token))).size).toBe(1);
  });

  it('switches to the smaller block size the peer answers with', async () => {
    const device = serveBlock1(4);
    peer.serve(device.handler);
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body }, { szx: 6 });
    expect(r.complete).toBe(true);
    expect(toHex(Uint8Array.from(device.stored))).toBe(toHex(body));
    const sent = peer.received.map((d) => blockOption(d.message, CoapOption.BLOCK1)).map((b) => (b?.ok ? [b.value.num, b.value.szx] : undefined));
    // 1024 bytes as block 0 of SZX 6, then 256-byte blocks from NUM 4 (offset 1024).
    expect(sent).toEqual([[0, 6], [4, 4], [5, 4]]);
  });

  it('restarts from byte 0 at the size named in a 4.13', async () => {
    const device = serveBlock1(5, true);
    peer.serve(device.handler);
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body }, { szx: 6 });
    expect(r.complete).toBe(true);
    expect(r.notes[0]).toMatch(/4\.13/);
    expect(toHex(Uint8Array.from(device.stored))).toBe(toHex(body));
    const first = peer.received.map((d) => blockOption(d.message, CoapOption.BLOCK1)).map((b) => (b?.ok ? [b.value.num, b.value.szx] : undefined));
    expect(first).toEqual([[0, 6], [0, 5], [1, 5], [2, 5]]);
  });

  it('stops at an error code with what was acknowledged', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: peer.received.length === 2 ? '5.03' : '2.31', messageId: d.message.messageId, token: d.message.token }));
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body }, { szx: 4 });
    expect([r.complete, r.body.length, r.final.kind === 'response' && r.final.response.code]).toEqual([false, 256, '5.03']);
  });

  it('notes a 2.31 naming a larger SZX than its block and keeps its own size', async () => {
    const stored: number[] = [];
    peer.serve((d) => {
      const b = blockOption(d.message, CoapOption.BLOCK1);
      if (!b?.ok) throw new Error('no Block1');
      stored.push(...d.message.payload);
      return msg({ type: 'ACK', code: b.value.more ? '2.31' : '2.04', messageId: d.message.messageId, token: d.message.token, options: [{ number: CoapOption.BLOCK1, value: encodeBlockValue({ num: b.value.num, more: false, szx: 6 }) }] });
    });
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body.subarray(0, 300) }, { szx: 4 });
    expect(r.complete).toBe(true);
    expect(toHex(Uint8Array.from(stored))).toBe(toHex(body.subarray(0, 300)));
    const sent = peer.received.map((d) => blockOption(d.message, CoapOption.BLOCK1)).map((b) => (b?.ok ? [b.value.num, b.value.szx] : undefined));
    expect(sent).toEqual([[0, 4], [1, 4]]);
    expect(r.notes[0]).toMatch(/larger than the block's SZX 4: not followed/);
  });

  it('announces the Size1 it is given and notes the Size1 of a 4.13', async () => {
    peer.serve((d) => msg({ type: 'ACK', code: '4.13', messageId: d.message.messageId, token: d.message.token, options: [{ number: CoapOption.SIZE1, value: Uint8Array.of(0x01, 0x00) }] }));
    const r = await pushBlockwise(endpoint, peer.address, { method: '0.03', path: '/5/0/0', payload: body }, { szx: 5, size1: 2000 });
    expect([r.complete, r.exchanges.length]).toEqual([false, 1]);
    expect(uintOptionOrUndefined(peer.received[0]!.message, CoapOption.SIZE1)).toBe(2000);
    expect(r.notes).toEqual(['4.13 on block 0 with Size1 256: the peer takes at most 256 bytes']);
  });
});

describe('Block1 from the peer (a large Send or Register)', () => {
  const send = (num: number, more: boolean, chunk: Uint8Array) =>
    msg({ type: 'CON', code: '0.02', messageId: 500 + num, token: Uint8Array.of(0x77), options: [{ number: CoapOption.URI_PATH, value: new TextEncoder().encode('dp') }, { number: CoapOption.BLOCK1, value: encodeBlockValue({ num, more, szx: 4 }) }], payload: chunk });

  it('acknowledges blocks with 2.31 and hands the whole body to the handler once', async () => {
    const bodies: string[] = [];
    endpoint.handle({ path: ['dp'] }, (req) => {
      bodies.push(toHex(req.message.payload));
      return { code: '2.04' };
    });
    const data = body.subarray(0, 600);
    const replies: CoapMessage[] = [];
    for (const [num, more] of [[0, true], [1, true], [2, false]] as const) {
      peer.send(send(num, more, data.subarray(num * 256, num * 256 + 256)));
      replies.push((await peer.next()).message);
    }
    expect(replies.map((r) => r.code)).toEqual(['2.31', '2.31', '2.04']);
    const echoes = replies.map((r) => blockOption(r, CoapOption.BLOCK1)).map((b) => (b?.ok ? [b.value.num, b.value.more] : undefined));
    expect(echoes).toEqual([[0, true], [1, true], [2, false]]);
    expect(bodies).toEqual([toHex(data)]);
  });

  it('answers 4.08 to a block that does not continue a transfer', async () => {
    endpoint.handle({ path: ['dp'] }, () => ({ code: '2.04' }));
    peer.send(send(3, true, new Uint8Array(256)));
    expect((await peer.next()).message.code).toBe('4.08');
  });
});
