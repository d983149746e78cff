/** Known-answer vectors for the PRF and AES-CCM_8, and properties of record protection. */
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';
import { ccmKeyBlock, finishedVerifyData, masterSecret, pskPremasterSecret, tls12Prf } from '../../../../src/transport/dtls/key-schedule.ts';
import { openCcm8, sealCcm8 } from '../../../../src/transport/dtls/record-protection.ts';

describe('TLS 1.2 PRF (P_SHA256)', () => {
  it('matches the published 100-byte test vector', () => {
    // Source: TLS 1.2 PRF SHA-256 test vector posted to the IETF TLS list
    // (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), secret/seed/label/output as given there.
    const out = tls12Prf(fromHex('9bbe436ba940f017b17652849a71db35'), 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('a shorter output is a prefix of a longer one', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 48 }), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 80 }), (secret, seed, n) => {
      expect(tls12Prf(secret, 'x', seed, n)).toEqual(tls12Prf(secret, 'x', seed, 80).subarray(0, n));
    }), { numRuns: 200 });
  });
});

describe('PSK key schedule', () => {
  it('the plain-PSK premaster is N, N zero bytes, N, key (RFC 4279 §2)', () => {
    expect(toHex(pskPremasterSecret(fromHex('a1b2c3')))).toBe('0003' + '000000' + '0003' + 'a1b2c3');
  });

  it('derives 16-byte keys and 4-byte salts, different per direction', () => {
    const master = masterSecret(pskPremasterSecret(new Uint8Array(16)), new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect(master).toHaveLength(48);
    const keys = ccmKeyBlock(master, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect([keys.clientWriteKey.length, keys.serverWriteKey.length, keys.clientWriteSalt.length, keys.serverWriteSalt.length]).toEqual([16, 16, 4, 4]);
    expect(keys.clientWriteKey).not.toEqual(keys.serverWriteKey);
    expect(finishedVerifyData(master, 'client', new Uint8Array(32))).not.toEqual(finishedVerifyData(master, 'server', new Uint8Array(32)));
  });
});

describe('AES-128-CCM with an 8-byte tag', () => {
  it("node:crypto's CCM_8 matches RFC 3610 packet vector #1", () => {
    // RFC 3610 §8, Packet Vector #1: M = 8, L = 2, 8 bytes of AAD, 23 bytes of payload.
    const cipher = createCipheriv('aes-128-ccm', fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf'), fromHex('00000003020100a0a1a2a3a4a5'), { authTagLength: 8 });
    const payload = fromHex('08090a0b0c0d0e0f101112131415161718191a1b1c1d1e');
    cipher.setAAD(fromHex('0001020304050607'), { plaintextLength: payload.length });
    const out = Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
    expect(out.toString('hex')).toBe('588c979a61c663d2f066d0c2c0f989806d5f6b61dac384' + '17e8d12cfdf926e0');
  });

  const arbCtx = fc.record({
    type: fc.constantFrom(21, 22, 23),
    version: fc.constant(0xfefd),
    epoch: fc.integer({ min: 1, max: 0xffff }),
    sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  });
  const keys = { key: fromHex('000102030405060708090a0b0c0d0e0f'), salt: fromHex('a0a1a2a3') };

  it('records round-trip and carry epoch ‖ seq as the explicit nonce', () => {
    fc.assert(fc.property(arbCtx, fc.uint8Array({ maxLength: 300 }), (ctx, plaintext) => {
      const sealed = sealCcm8(keys, ctx, plaintext);
      expect(sealed.length).toBe(plaintext.length + 16);
      expect(toHex(sealed.subarray(0, 2))).toBe(ctx.epoch.toString(16).padStart(4, '0'));
      expect(openCcm8(keys, ctx, sealed)).toEqual(plaintext);
    }), { numRuns: 300 });
  });

  it('a flipped bit, another sequence number or another content type fails authentication', () => {
    fc.assert(fc.property(arbCtx, fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), (ctx, plaintext, n) => {
      const sealed = sealCcm8(keys, ctx, plaintext);
      const flipped = sealed.slice();
      const at = 8 + (n % (sealed.length - 8));
      flipped[at] = flipped[at]! ^ 1;
      expect(openCcm8(keys, ctx, flipped)).toBeUndefined();
      expect(openCcm8(keys, { ...ctx, type: ctx.type === 23 ? 22 : 23 }, sealed)).toBeUndefined();
      expect(openCcm8({ ...keys, salt: fromHex('a0a1a2a4') }, ctx, sealed)).toBeUndefined();
      expect(openCcm8(keys, ctx, sealed.subarray(0, 15))).toBeUndefined();
    }), { numRuns: 200 });
  });
});
