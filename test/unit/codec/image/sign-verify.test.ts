/** Round trips sign → parse → verify for every key type, plus imgtool's layout rules. */
import { describe, expect, it } from 'vitest';
import {
  bootMagic, ImageFlag, ImageTlv, keyHash, loadImageKey, parseMcubootImage, publicKeyBytes, signMcubootImage,
  trailerSize, verifyMcubootImage, type ImageKeyKind,
} from '../../../../src/codec/image/index.ts';
import { KEY_KINDS, privateKey, publicKey, unwrap, VERSION_1234 } from './helpers.ts';

const payload = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff);

const expectedTlvs: Record<ImageKeyKind, { hash: number; hashLen: number; sig: number }> = {
  'ecdsa-p256': { hash: ImageTlv.SHA256, hashLen: 32, sig: ImageTlv.ECDSA_SIG },
  'ecdsa-p384': { hash: ImageTlv.SHA384, hashLen: 48, sig: ImageTlv.ECDSA_SIG },
  ed25519: { hash: ImageTlv.SHA256, hashLen: 32, sig: ImageTlv.ED25519 },
  'rsa-2048': { hash: ImageTlv.SHA256, hashLen: 32, sig: ImageTlv.RSA2048_PSS },
  'rsa-3072': { hash: ImageTlv.SHA256, hashLen: 32, sig: ImageTlv.RSA3072_PSS },
};

describe('sign → verify round trip', () => {
  for (const kind of KEY_KINDS) {
    it(`${kind}: hash, KEYHASH, signature in imgtool order; verifies with the public key`, () => {
      const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey(kind) }));
      const img = unwrap(parseMcubootImage(bytes));
      const e = expectedTlvs[kind];
      expect(img.tlvs.map((t) => t.type)).toEqual([e.hash, ImageTlv.KEYHASH, e.sig]);
      expect(img.tlvs[0]!.len).toBe(e.hashLen);
      const key = unwrap(loadImageKey(publicKey(kind)));
      expect(img.tlvs[1]!.value).toEqual(keyHash(key, e.hashLen === 48 ? 'sha384' : 'sha256'));
      const report = verifyMcubootImage(bytes, { publicKeyPem: publicKey(kind) });
      expect(report.defects).toEqual([]);
      expect(report).toMatchObject({ isValid: true, hash: { status: 'match' }, key: { status: 'match' }, signature: { status: 'valid' } });
      if (kind.startsWith('rsa')) expect(img.tlvs[2]!.len).toBe(kind === 'rsa-2048' ? 256 : 384);
      if (kind === 'ed25519') expect(img.tlvs[2]!.len).toBe(64);
    });
  }

  it('ed25519 pure: SHA512 + SIG_PURE + KEYHASH(sha512) + signature over the image itself', () => {
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ed25519'), isPure: true }));
    const img = unwrap(parseMcubootImage(bytes));
    expect(img.tlvs.map((t) => [t.type, t.len])).toEqual([[ImageTlv.SHA512, 64], [ImageTlv.SIG_PURE, 1], [ImageTlv.KEYHASH, 64], [ImageTlv.ED25519, 64]]);
    const report = verifyMcubootImage(bytes, { publicKeyPem: publicKey('ed25519') });
    expect(report.signature).toMatchObject({ status: 'valid', isPure: true });
    expect(report.defects).toEqual([]);
  });

  it('ed25519 with --sha 512 (not pure)', () => {
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ed25519'), hashAlg: 'sha512' }));
    expect(verifyMcubootImage(bytes, { publicKeyPem: publicKey('ed25519') }).defects).toEqual([]);
  });

  it('PUBKEY format: the public bytes are embedded and used to verify without a given key', () => {
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('rsa-2048'), publicKeyFormat: 'full' }));
    const img = unwrap(parseMcubootImage(bytes));
    const pub = img.tlvs.find((t) => t.type === ImageTlv.PUBKEY)!;
    expect(pub.value).toEqual(publicKeyBytes(unwrap(loadImageKey(publicKey('rsa-2048')))));
    expect(verifyMcubootImage(bytes).signature.status).toBe('valid');
  });

  it('refuses combinations imgtool refuses', () => {
    expect(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256'), hashAlg: 'sha384' }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('rsa-2048'), isPure: true }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: { ...VERSION_1234, major: 256 } }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: VERSION_1234, headerSize: 16 }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: VERSION_1234, key: 'not a key' }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: VERSION_1234, pad: true, slotSize: 1024 }).ok).toBe(false);
    expect(signMcubootImage({ payload, version: VERSION_1234, pad: true, slotSize: 0x10000, align: 3 }).ok).toBe(false);
  });

  it('a public key cannot sign', () => {
    const r = signMcubootImage({ payload, version: VERSION_1234, key: publicKey('ecdsa-p256') });
    expect(r.ok).toBe(false);
  });

  it('header fields: load address sets RAM_LOAD, rom-fixed sets ROM_FIXED, extra flags kept', () => {
    const ram = unwrap(parseMcubootImage(unwrap(signMcubootImage({ payload, version: VERSION_1234, loadAddr: 0x20000000 }))));
    expect(ram.header).toMatchObject({ loadAddr: 0x20000000, flags: ImageFlag.RAM_LOAD });
    const rom = unwrap(parseMcubootImage(unwrap(signMcubootImage({ payload, version: VERSION_1234, romFixed: 0xc000, flags: ImageFlag.NON_BOOTABLE }))));
    expect(rom.header).toMatchObject({ loadAddr: 0xc000, flags: ImageFlag.ROM_FIXED | ImageFlag.NON_BOOTABLE });
  });

  it('--pad --confirm: trailer magic last, image_ok 0x01 at -(16 + 8), 0xff fill, size = slot', () => {
    const slotSize = 0x4000;
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, pad: true, slotSize, confirm: true }));
    expect(bytes.length).toBe(slotSize);
    expect(bytes.subarray(-16)).toEqual(bootMagic(8));
    expect(bytes[slotSize - 24]).toBe(0x01);
    const img = unwrap(parseMcubootImage(bytes));
    expect(img.trailing).toMatchObject({ kind: 'trailer', trailer: { maxAlign: 8, isConfirmed: true, imageOkAt: slotSize - 24 } });
    expect(trailerSize()).toBe(128 * 3 + 8 * 4 + 16);
    const test = unwrap(parseMcubootImage(unwrap(signMcubootImage({ payload, version: VERSION_1234, pad: true, slotSize: 0x8000, maxAlign: 32, align: 32 }))));
    expect(test.trailing).toMatchObject({ kind: 'trailer', trailer: { maxAlign: 32, isConfirmed: false } });
    expect(verifyMcubootImage(bytes).defects).toEqual([]);
  });

  it('custom protected TLVs follow SEC_CNT and are covered by the hash', () => {
    const vendor = { type: 0x00a0, value: Uint8Array.of(1, 2, 3) };
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, securityCounter: 9, protectedTlvs: [vendor] }));
    const img = unwrap(parseMcubootImage(bytes));
    expect(img.protectedArea?.entries.map((e) => e.type)).toEqual([ImageTlv.SEC_CNT, 0x00a0]);
    expect(img.header.protectTlvSize).toBe(4 + 8 + 7);
    expect(verifyMcubootImage(bytes).defects).toEqual([]);
  });

  it('reports the key hash and leaves the signature unchecked when no key is given; reports unreadable keys', () => {
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256') }));
    const r = verifyMcubootImage(bytes);
    expect(r.key.hashInImage).toEqual(keyHash(unwrap(loadImageKey(publicKey('ecdsa-p256')))));
    expect(r.signature.status).toBe('unchecked');
    const bad = verifyMcubootImage(bytes, { publicKeyPem: 'garbage' });
    expect(bad.keyProblem).toMatch(/PEM/);
    expect(bad.signature.status).toBe('unchecked');
  });

  it('a key of another type is a key-mismatch; an unsigned image with a key given is no-signature', () => {
    const signed = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256') }));
    expect(verifyMcubootImage(signed, { publicKeyPem: publicKey('ed25519') }).defects.map((d) => d.kind)).toContain('key-mismatch');
    const plain = unwrap(signMcubootImage({ payload, version: VERSION_1234 }));
    expect(verifyMcubootImage(plain, { publicKeyPem: publicKey('ed25519') }).defects.map((d) => d.kind)).toEqual(['no-signature']);
  });

  it('encrypted images (flag ENCRYPTED_AES128): hash and signature unchecked, not reported as defects', () => {
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256'), flags: ImageFlag.ENCRYPTED_AES128 }));
    bytes[100] = (bytes[100] ?? 0) ^ 0xff; // stands in for ciphertext
    const r = verifyMcubootImage(bytes, { publicKeyPem: publicKey('ecdsa-p256') });
    expect(r.defects).toEqual([]);
    expect(r.hash.status).toBe('unchecked');
    expect(r.signature).toMatchObject({ status: 'unchecked', reason: expect.stringMatching(/encrypted/) });
    expect(r.key.status).toBe('match');
  });
});

describe('several signers (imgtool multi-sign: one KEYHASH + signature pair per key)', () => {
  it('verifies the pair whose KEYHASH matches the given key, whichever position it has', async () => {
    const { encodeTlvArea, hashedRegion, parseMcubootImage: parse, signImage, IMAGE_TLV_INFO_MAGIC } = await import('../../../../src/codec/image/index.ts');
    const bytes = unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256') }));
    const img = unwrap(parse(bytes));
    const region = hashedRegion(img);
    const other = unwrap(loadImageKey(privateKey('other-ecdsa-p256')));
    const sig2 = unwrap(signImage(other, { region, digest: img.tlvs[0]!.value, isPure: false }));
    const tlvs = [...img.unprotectedArea.entries.map((e) => ({ type: e.type, value: e.value })), { type: ImageTlv.KEYHASH, value: keyHash(other) }, { type: ImageTlv.ECDSA_SIG, value: sig2 }];
    const multi = new Uint8Array([...bytes.subarray(0, img.unprotectedArea.at), ...unwrap(encodeTlvArea(IMAGE_TLV_INFO_MAGIC, tlvs))]);
    for (const k of ['ecdsa-p256', 'other-ecdsa-p256'] as const) {
      const r = verifyMcubootImage(multi, { publicKeyPem: publicKey(k) });
      expect(r.defects, k).toEqual([]);
      expect(r.signature.status).toBe('valid');
    }
    expect(verifyMcubootImage(multi, { publicKeyPem: publicKey('ecdsa-p384') }).defects.map((d) => d.kind)).toContain('key-mismatch');
  });
});
