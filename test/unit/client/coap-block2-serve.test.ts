/** CoapEndpoint serving large bodies block-wise (RFC 7959 Block2) to a plain dgram peer over loopback. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockOption, CoapOption, decodeUintValue, encodeBlockValue, optionValue, uintOptionOrUndefined, uriPathOptions, uintOptionValue } from '../../../src/codec/coap/index.ts';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import type { CoapEndpoint } from '../../../src/client/coap-endpoint.ts';
import { msg, openPair, type CoapTestPeer } from './coap-fixtures.ts';

let endpoint: CoapEndpoint;
let peer: CoapTestPeer;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ endpoint, peer, close } = await openPair({ parameters: { ackTimeoutMs: 300, ackRandomFactor: 1, maxRetransmit: 2 } }));
});
afterEach(async () => close());

const body = Uint8Array.from({ length: 2500 }, (_, i) => (i * 7 + 3) & 0xff);
let mid = 0x2000;

/** GET /fw/pkg with the given extra options; the piggybacked answer. */
async function get(options: { number: number; value: Uint8Array }[], path = '/fw/pkg') {
  const messageId = mid++;
  peer.send(msg({ type: 'CON', code: '0.01', messageId, token: fromHex('b2b2'), options: [...uriPathOptions(path), ...options] }));
  const reply = await peer.next();
  expect([reply.message.type, reply.message.messageId]).toEqual(['ACK', messageId]);
  return reply.message;
}

const block2 = (num: number, szx: number) => ({ number: CoapOption.BLOCK2, value: encodeBlockValue({ num, more: false, szx }) });

describe('CoapEndpoint Block2 serving', () => {
  it('serves a body larger than one block in 1024-byte blocks when the first request has no Block2', async () => {
    const served = endpoint.serveResource('/fw/pkg', body, { contentFormat: 42 });
    expect(served.uri).toBe(`coap://127.0.0.1:${endpoint.address().port}/fw/pkg`);
    const first = await get([]);
    const b = blockOption(first, CoapOption.BLOCK2);
    expect(first.code).toBe('2.05');
    expect(b?.ok && b.value).toEqual({ num: 0, more: true, szx: 6 });
    expect(uintOptionOrUndefined(first, CoapOption.CONTENT_FORMAT)).toBe(42);
    expect(toHex(first.payload)).toBe(toHex(body.subarray(0, 1024)));
  });

  it('honours a smaller requested SZX (early negotiation), returns Size2 when asked, keeps the ETag across blocks and ends with M=0', async () => {
    endpoint.serveResource('fw/pkg', body);
    const parts: Uint8Array[] = [];
    const etags = new Set<string>();
    let more = true;
    for (let num = 0; more; num++) {
      const extra = num === 0 ? [block2(0, 4), uintOptionValue(CoapOption.SIZE2, 0)] : [block2(num, 4)];
      const m = await get(extra);
      const b = blockOption(m, CoapOption.BLOCK2);
      if (!b?.ok) throw new Error('no Block2 in the answer');
      expect([b.value.num, b.value.szx]).toEqual([num, 4]);
      if (num === 0) expect(decodeUintValue(optionValue(m, CoapOption.SIZE2)!)).toEqual({ ok: true, value: 2500 });
      else expect(optionValue(m, CoapOption.SIZE2)).toBeUndefined();
      etags.add(toHex(optionValue(m, CoapOption.ETAG) ?? new Uint8Array(0)));
      parts.push(m.payload);
      more = b.value.more;
    }
    expect(parts).toHaveLength(10);
    expect(etags.size).toBe(1);
    expect([...etags][0]).toMatch(/^[0-9a-f]{16}$/);
    expect(toHex(Buffer.concat(parts))).toBe(toHex(body));
  });

  it('serves at most its own block size when a larger one is asked for, rescaling NUM (late negotiation)', async () => {
    await close();
    ({ endpoint, peer, close } = await openPair({ maxBlockSzx: 2 }));
    endpoint.serveResource('fw/pkg', body);
    const m = await get([block2(1, 4)]);
    const b = blockOption(m, CoapOption.BLOCK2);
    // Block 1 of 256 bytes starts at byte 256 = block 4 of 64 bytes.
    expect(b?.ok && b.value).toEqual({ num: 4, more: true, szx: 2 });
    expect(toHex(m.payload)).toBe(toHex(body.subarray(256, 320)));
  });

  it('answers 4.02 for a block beyond the end of the body and for a reserved SZX', async () => {
    endpoint.serveResource('fw/pkg', body);
    expect((await get([block2(3, 6)])).code).toBe('4.02');
    expect((await get([{ number: CoapOption.BLOCK2, value: Uint8Array.of(0x07) }])).code).toBe('4.02');
    expect((await get([block2(2, 6)])).code).toBe('2.05');
  });

  it('changes the ETag when the body is replaced, answers 4.04 below the path and after stop', async () => {
    const served = endpoint.serveResource('fw/pkg', body);
    const before = toHex(optionValue(await get([block2(0, 6)]), CoapOption.ETAG)!);
    served.replace(body.slice(0, 2000));
    const after = toHex(optionValue(await get([block2(0, 6)]), CoapOption.ETAG)!);
    expect(after).not.toBe(before);
    expect((await get([], '/fw/pkg/x')).code).toBe('4.04');
    expect(served.requests.length).toBe(2);
    served.stop();
    expect((await get([])).code).toBe('4.04');
  });

  it('leaves small answers without Block2 and serves route handlers block-wise too', async () => {
    endpoint.handle({ path: ['small'] }, () => ({ code: '2.05', payload: Uint8Array.of(1, 2, 3) }));
    endpoint.handle({ path: ['big'] }, () => ({ code: '2.05', payload: new Uint8Array(1500) }));
    const small = await get([], '/small');
    expect(blockOption(small, CoapOption.BLOCK2)).toBeUndefined();
    expect(small.payload.length).toBe(3);
    const big = await get([], '/big');
    expect(big.payload.length).toBe(1024);
    expect(blockOption(big, CoapOption.BLOCK2)?.ok).toBe(true);
  });
});

describe('CoapEndpoint tokens', () => {
  it('keeps every issued token intact while later ones are issued (no shared buffer)', () => {
    const first = endpoint.nextToken();
    const copy = toHex(first);
    const later = Array.from({ length: 5 }, () => toHex(endpoint.nextToken()));
    expect(toHex(first)).toBe(copy);
    expect(new Set([copy, ...later]).size).toBe(6);
  });
});
