/**
 * Golden vectors: spec §5.6 (imgtool output, byte-exact) and the imgtool-signed ECDSA-P256
 * image reassembled from the Zephyr v4.0 SMP capture.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';
import { decodeCbor } from '../../../../src/codec/cbor/cbor.ts';
import { computeImageHash, ImageTlv, parseMcubootImage, readImgMgmtInfo, signMcubootImage, verifyMcubootImage } from '../../../../src/codec/image/index.ts';
import { captureImage, imageVectors, privateKey, publicKey, unwrap, VERSION_1234 } from './helpers.ts';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const vectors = imageVectors();
const byName = (name: string) => vectors.find((v) => v.name === name)!;

describe('spec §5.6 vectors (imgtool, byte-exact)', () => {
  it('signs ABCDEFGH 1.2.3+4 without key into the 80-byte imgtool file', () => {
    const v = byName('imgtool-1.2.3+4-no-key');
    const out = unwrap(signMcubootImage({ payload: new TextEncoder().encode('ABCDEFGH'), version: VERSION_1234 }));
    expect(toHex(out)).toBe(v.hex);
    expect(sha256(out)).toBe(v.fields.fileSha256);
  });

  it('signs with security counter 5 into the 92-byte imgtool file', () => {
    const v = byName('imgtool-1.2.3+4-security-counter-5');
    const out = unwrap(signMcubootImage({ payload: new TextEncoder().encode('ABCDEFGH'), version: VERSION_1234, securityCounter: 5 }));
    expect(toHex(out)).toBe(v.hex);
  });

  for (const v of vectors.filter((x) => x.name.startsWith('imgtool-'))) {
    it(`parses ${v.name}: header, TLV offsets and image hash`, () => {
      const img = unwrap(parseMcubootImage(fromHex(v.hex)));
      expect(img.header.version).toEqual(v.fields.version);
      expect(img.header.protectTlvSize).toBe(v.fields.protectTlvSize);
      expect(img.header.imgSize).toBe(v.fields.imgSize);
      expect(img.tlvs.map((t) => ({ area: t.isProtected ? 'protected' : 'unprotected', type: t.type, at: t.at, len: t.len }))).toEqual(v.fields.tlvs);
      expect(toHex(computeImageHash(img, 'sha256'))).toBe(v.fields.imageHashSha256);
      const report = verifyMcubootImage(fromHex(v.hex));
      expect(report.defects).toEqual([]);
      expect(report.hash.status).toBe('match');
      expect(report.signature.status).toBe('absent');
    });
  }
});

describe('capture image signed-ec256.bin (Zephyr v4.0 SMP upload)', () => {
  const v = byName('zephyr-v4.0-capture-signed-ec256');
  const bytes = captureImage();

  it('is the concatenation of the 99 upload chunks in the capture', () => {
    const rows = readFileSync('test/fixtures/captures/zephyr-v4.0-smp-udp.jsonl', 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { name: string; request_hex: string; upload?: { file_sha256: string } })
      .filter((r) => r.name.startsWith('img-upload-chunk-'));
    expect(rows).toHaveLength(99);
    const parts = rows.map((r) => {
      const body = decodeCbor(fromHex(r.request_hex).subarray(8));
      if (!body.ok) throw new Error('capture CBOR');
      return body.value as { off: number; data: Uint8Array };
    }).sort((a, b) => a.off - b.off);
    const joined = Buffer.concat(parts.map((p) => p.data));
    expect(joined.length).toBe(100662);
    expect(sha256(joined)).toBe(rows[0]!.upload!.file_sha256);
    expect(Buffer.compare(joined, Buffer.from(bytes))).toBe(0);
  });

  it('parses byte-exactly: header, sizes, TLV offsets and values', () => {
    expect(sha256(bytes)).toBe(v.fields.fileSha256);
    const img = unwrap(parseMcubootImage(bytes));
    expect(toHex(bytes.subarray(0, 32))).toBe(v.fields.headerHex);
    expect(img.header).toMatchObject({ hdrSize: 512, protectTlvSize: 0, imgSize: 100000, flags: 0, version: v.fields.version });
    expect(img.protectedArea).toBeUndefined();
    expect(toHex(bytes.subarray(img.unprotectedArea.at))).toBe(v.hex);
    expect(img.tlvs.map((t) => ({ area: 'unprotected', type: t.type, at: t.at, len: t.len }))).toEqual(v.fields.tlvs);
    expect(img.endAt).toBe(bytes.length);
    expect(img.trailing).toBeUndefined();
  });

  it('hash TLV matches the computed image hash c90129ec…4e9483; key hash reported, signature unchecked without the key', () => {
    const report = verifyMcubootImage(bytes);
    expect(report.defects).toEqual([]);
    expect(report.hash.status).toBe('match');
    expect(toHex(report.hash.computed!)).toBe(v.fields.imageHashSha256);
    expect(toHex(report.key.hashInImage!)).toBe(v.fields.keyHashSha256);
    expect(report.signature).toMatchObject({ status: 'unchecked', kind: 'ecdsa', tlvType: ImageTlv.ECDSA_SIG });
  });

  it('with a key that is not the signer: key-mismatch at the KEYHASH value, bad-signature at the signature value', () => {
    const report = verifyMcubootImage(bytes, { publicKeyPem: publicKey('ecdsa-p256') });
    const keyhash = (v.fields.tlvs as { type: number; at: number }[]).find((t) => t.type === 1)!;
    const sig = (v.fields.tlvs as { type: number; at: number }[]).find((t) => t.type === 0x22)!;
    expect(report.defects).toContainEqual(expect.objectContaining({ kind: 'key-mismatch', at: keyhash.at + 4 }));
    expect(report.defects).toContainEqual(expect.objectContaining({ kind: 'bad-signature', at: sig.at + 4 }));
  });

  it('readImgMgmtInfo gives the hash and version the device reported for slot 1 after the upload', () => {
    const row = readFileSync('test/fixtures/captures/zephyr-v4.0-smp-udp.jsonl', 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { name: string; response_hex: string })
      .find((r) => r.name === 'img-state-read-after-upload')!;
    const body = decodeCbor(fromHex(row.response_hex).subarray(8));
    if (!body.ok) throw new Error('capture CBOR');
    const slot1 = (body.value as { images: { slot: number; version: string; hash: Uint8Array }[] }).images.find((i) => i.slot === 1)!;
    const info = readImgMgmtInfo(bytes);
    if (!info.ok) throw new Error(info.error.name);
    expect(toHex(info.value.hash)).toBe(toHex(slot1.hash));
    const v = info.value.version;
    expect(`${v.major}.${v.minor}.${v.revision}.${v.build}`).toBe(slot1.version);
  });

  it('re-signing its body with imgtool settings reproduces header, body, layout and image hash', () => {
    const body = bytes.subarray(512, 512 + 100000);
    const out = unwrap(signMcubootImage({ payload: body, version: VERSION_1234, headerSize: 512, key: privateKey('ecdsa-p256') }));
    const ours = unwrap(parseMcubootImage(out));
    const theirs = unwrap(parseMcubootImage(bytes));
    // Everything before the TLV area is identical, hence the same image hash TLV.
    expect(Buffer.compare(Buffer.from(out.subarray(0, 100512)), Buffer.from(bytes.subarray(0, 100512)))).toBe(0);
    expect(ours.tlvs.map((t) => [t.type, t.at, t.type === 0x22 ? 'sig' : t.len])).toEqual(theirs.tlvs.map((t) => [t.type, t.at, t.type === 0x22 ? 'sig' : t.len]));
    expect(toHex(ours.tlvs[0]!.value)).toBe(v.fields.imageHashSha256);
    expect(verifyMcubootImage(out, { publicKeyPem: publicKey('ecdsa-p256') }).defects).toEqual([]);
  });
});
