/** Every corrupt variant is caught by the verifier with the right defect kind and offset. */
import { describe, expect, it } from 'vitest';
import { CORRUPTIONS, corruptImage, signMcubootImage, verifyMcubootImage, type CorruptionKind } from '../../../../src/codec/image/index.ts';
import { captureImage, privateKey, publicKey, unwrap, VERSION_1234 } from './helpers.ts';

const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

const bases: { name: string; bytes: Uint8Array; signer?: 'ecdsa-p256' | 'ed25519' | 'rsa-2048' }[] = [
  { name: 'hash-only', bytes: unwrap(signMcubootImage({ payload, version: VERSION_1234 })) },
  { name: 'ecdsa-p256 + security counter', signer: 'ecdsa-p256', bytes: unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('ecdsa-p256'), securityCounter: 3 })) },
  { name: 'ed25519, header 0x200, padded + confirmed', signer: 'ed25519', bytes: unwrap(signMcubootImage({ payload, version: VERSION_1234, headerSize: 0x200, key: privateKey('ed25519'), pad: true, slotSize: 8192, confirm: true })) },
  { name: 'rsa-2048 with PUBKEY', signer: 'rsa-2048', bytes: unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey('rsa-2048'), publicKeyFormat: 'full' })) },
];

describe('corruptImage', () => {
  it('catalogue has a description and verdict for every kind, and magic variants are upload-rejected with 23', () => {
    expect(CORRUPTIONS.length).toBeGreaterThanOrEqual(15);
    for (const c of CORRUPTIONS) {
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.verdict.summary.length).toBeGreaterThan(10);
      const isMagic = c.kind === 'bad-magic' || c.kind === 'legacy-magic' || c.kind === 'erased-header';
      expect(c.verdict.upload).toBe(isMagic ? 'rejected' : 'accepted');
      if (isMagic) expect(c.verdict.imgMgmtErr).toEqual({ rc: 23, name: 'INVALID_IMAGE_HEADER_MAGIC' });
    }
  });

  for (const base of bases) {
    describe(base.name, () => {
      it('the base image verifies clean', () => {
        const opts = base.signer ? { publicKeyPem: publicKey(base.signer) } : {};
        expect(verifyMcubootImage(base.bytes, opts).defects).toEqual([]);
      });
      for (const c of CORRUPTIONS) {
        if (c.needsSignature && !base.signer) continue;
        it(`${c.kind}: verifier reports the expected defect at the expected offset`, () => {
          const v = unwrap(corruptImage(base.bytes, c.kind, base.signer ? { key: privateKey(base.signer) } : {}));
          expect(v.kind).toBe(c.kind);
          expect(v.bytes).not.toEqual(base.bytes);
          const report = verifyMcubootImage(v.bytes, {
            ...(base.signer ? { publicKeyPem: publicKey(base.signer) } : {}),
            ...(c.kind === 'version-downgrade' ? { runningVersion: VERSION_1234 } : {}),
          });
          expect(report.isValid).toBe(false);
          expect(report.defects).toContainEqual(expect.objectContaining({ kind: v.expected.kind, at: v.expected.at }));
        });
      }
    });
  }

  it('refuses variants that do not apply, as values', () => {
    const plain = bases[0]!.bytes;
    expect(corruptImage(plain, 'bad-signature').ok).toBe(false);
    expect(corruptImage(plain, 'nonsense' as CorruptionKind).ok).toBe(false);
    expect(corruptImage(Uint8Array.of(1, 2, 3), 'bad-magic').ok).toBe(false);
    expect(corruptImage(bases[1]!.bytes, 'version-downgrade').ok).toBe(false);
  });

  it('wrong-key with an explicit other key: signature valid for that key, key-mismatch for the original', () => {
    const v = unwrap(corruptImage(bases[1]!.bytes, 'wrong-key', { wrongKey: privateKey('other-ecdsa-p256') }));
    expect(verifyMcubootImage(v.bytes, { publicKeyPem: publicKey('other-ecdsa-p256') }).defects).toEqual([]);
    expect(verifyMcubootImage(v.bytes, { publicKeyPem: publicKey('ecdsa-p256') }).defects.map((d) => d.kind)).toContain('key-mismatch');
  });

  it('version-downgrade of a padded image keeps its length and trailer, and is otherwise valid', () => {
    const base = bases[2]!;
    const v = unwrap(corruptImage(base.bytes, 'version-downgrade', { key: privateKey('ed25519') }));
    expect(v.bytes.length).toBe(base.bytes.length);
    expect(v.bytes.subarray(-16)).toEqual(base.bytes.subarray(-16));
    const report = verifyMcubootImage(v.bytes, { publicKeyPem: publicKey('ed25519') });
    expect(report.defects).toEqual([]);
    expect(report.layout.header?.version).toEqual({ major: 0, minor: 0, revision: 0, build: 0 });
  });

  it('corrupts the real capture image (hash-only checks, no key needed)', () => {
    for (const kind of ['bad-magic', 'wrong-hash-tlv', 'flipped-payload-byte', 'truncated', 'tlv-area-too-short', 'duplicate-hash-tlv'] as const) {
      const v = unwrap(corruptImage(captureImage(), kind));
      expect(verifyMcubootImage(v.bytes).defects).toContainEqual(expect.objectContaining({ kind: v.expected.kind, at: v.expected.at }));
    }
  });
});

describe('corruptImage re-signing keeps everything but the labelled change', () => {
  it('version-downgrade of an unsigned image stays unsigned even when a key is passed', () => {
    const v = unwrap(corruptImage(bases[0]!.bytes, 'version-downgrade', { key: privateKey('ecdsa-p256') }));
    expect(v.bytes.length).toBe(bases[0]!.bytes.length);
    expect(verifyMcubootImage(v.bytes).signature.status).toBe('absent');
  });

  it('version-downgrade keeps the header padding, flags, protected TLVs and key format', () => {
    const base = bases[3]!; // RSA with PUBKEY
    const v = unwrap(corruptImage(base.bytes, 'version-downgrade', { key: privateKey('rsa-2048') }));
    const a = verifyMcubootImage(base.bytes).layout;
    const b = verifyMcubootImage(v.bytes).layout;
    expect(b.unprotectedArea!.entries.map((e) => e.type)).toEqual(a.unprotectedArea!.entries.map((e) => e.type));
    expect(v.bytes.subarray(32, a.header!.hdrSize + a.header!.imgSize)).toEqual(base.bytes.subarray(32, a.header!.hdrSize + a.header!.imgSize));
    expect(v.bytes.subarray(0, 20)).toEqual(base.bytes.subarray(0, 20));
  });
});
