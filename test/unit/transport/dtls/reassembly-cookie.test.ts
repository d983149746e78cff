/** Handshake reassembly from shuffled, duplicated fragments; stateless cookies. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragmentHandshakeMessage, type ClientHello } from '../../../../src/codec/dtls/index.ts';
import { COOKIE_BYTES, CookieJar } from '../../../../src/transport/dtls/cookie.ts';
import { HandshakeReassembler } from '../../../../src/transport/dtls/reassembly.ts';

describe('HandshakeReassembler', () => {
  it('yields each message once, in order, whatever the fragment order and duplication', () => {
    const arb = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }).chain((bodies) => {
      const fragments = bodies.flatMap((body, seq) => fragmentHandshakeMessage(10 + seq, seq, body, 40));
      return fc.tuple(fc.constant(bodies), fc.shuffledSubarray([...fragments, ...fragments], { minLength: fragments.length * 2 }));
    });
    fc.assert(fc.property(arb, ([bodies, fragments]) => {
      const r = new HandshakeReassembler();
      const out: { msgType: number; body: Uint8Array }[] = [];
      for (const f of fragments) {
        r.push(f);
        for (let m = r.pop(); m; m = r.pop()) out.push({ msgType: m.msgType, body: m.body });
      }
      expect(out).toEqual(bodies.map((body, seq) => ({ msgType: 10 + seq, body })));
      expect(r.push(fragments[0]!)).toBe('old');
    }), { numRuns: 300 });
  });

  it('ignores fragments too far ahead and fragments that disagree with the first of their message', () => {
    const r = new HandshakeReassembler(0);
    expect(r.push({ msgType: 1, length: 2, messageSeq: 9, fragmentOffset: 0, body: Uint8Array.of(1, 2) })).toBe('ignored');
    expect(r.push({ msgType: 1, length: 4, messageSeq: 0, fragmentOffset: 0, body: Uint8Array.of(1, 2) })).toBe('accepted');
    expect(r.push({ msgType: 2, length: 4, messageSeq: 0, fragmentOffset: 2, body: Uint8Array.of(3, 4) })).toBe('ignored');
    expect(r.push({ msgType: 1, length: 5, messageSeq: 0, fragmentOffset: 2, body: Uint8Array.of(3, 4) })).toBe('ignored');
    expect(r.pop()).toBeUndefined();
  });
});

describe('CookieJar', () => {
  const hello: ClientHello = {
    clientVersion: 0xfefd,
    random: new Uint8Array(32).fill(3),
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: [0xc0a8],
    compressionMethods: Uint8Array.of(0),
    extensions: undefined,
  };

  it('verifies its cookie for the same peer and hello only', () => {
    const jar = new CookieJar();
    const cookie = jar.make('127.0.0.1|5684', hello);
    expect(cookie).toHaveLength(COOKIE_BYTES);
    expect(jar.verify('127.0.0.1|5684', { ...hello, cookie })).toBe(true);
    expect(jar.verify('127.0.0.1|5685', { ...hello, cookie })).toBe(false);
    expect(jar.verify('127.0.0.1|5684', { ...hello, random: new Uint8Array(32), cookie })).toBe(false);
    expect(jar.verify('127.0.0.1|5684', hello)).toBe(false);
  });

  it('accepts a cookie across one secret rotation, not two', () => {
    let now = 0;
    const jar = new CookieJar(1000, () => now);
    const cookie = jar.make('p', hello);
    now = 1500;
    expect(jar.verify('p', { ...hello, cookie })).toBe(true);
    now = 3000;
    expect(jar.verify('p', { ...hello, cookie })).toBe(false);
  });
});
