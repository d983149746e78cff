/** The model of Zephyr's img_mgmt_read_info: what image-state read lists for a slot. */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/core/bytes.ts';
import { CORRUPTIONS, corruptImage, readImgMgmtInfo, signMcubootImage } from '../../../../src/codec/image/index.ts';
import { captureImage, imageVectors, privateKey, unwrap, VERSION_1234 } from './helpers.ts';

function withHashValue(image: Uint8Array, first4: number[]): Uint8Array {
  const out = Uint8Array.from(image);
  out.set(first4, 48); // the spec §5.6 vector: hash TLV header at 44, value at 48
  return out;
}

describe('readImgMgmtInfo', () => {
  const vector = fromHex(imageVectors()[0]!.hex);

  it('lists the capture image with its SHA-256 TLV (the "hash" the device reported in state read)', () => {
    const info = unwrap(readImgMgmtInfo(captureImage()));
    expect(toHex(info.hash)).toBe('c90129ec39954fca73bd032aa9e280f95b7ef419ab03aaf18c4612071c4e9483');
    expect(info.version).toEqual(VERSION_1234);
  });

  it('skips the protected area by its own size', () => {
    const info = unwrap(readImgMgmtInfo(fromHex(imageVectors()[1]!.hex)));
    expect(toHex(info.hash)).toBe('ec6251351776a46dc81eff0f5c503357d4f85447426157c25681b02401ed0653');
  });

  it('erased slot → NO_IMAGE (3); other magic → INVALID_IMAGE_HEADER_MAGIC (23); no 0x6907 area → NO_TLVS (4)', () => {
    expect(readImgMgmtInfo(new Uint8Array(0))).toEqual({ ok: false, error: { rc: 3, name: 'NO_IMAGE', at: 0 } });
    const bad = Uint8Array.from(vector);
    bad[0] = 0x3c;
    expect(readImgMgmtInfo(bad)).toMatchObject({ ok: false, error: { rc: 23 } });
    expect(readImgMgmtInfo(vector.subarray(0, 40))).toMatchObject({ ok: false, error: { rc: 4, at: 40 } });
  });

  it('quirk: the walk reads the hash value as the next TLV header', () => {
    // hash bytes 10 00 20 00 look like a second SHA-256 TLV header → TLV_MULTIPLE_HASHES_FOUND
    expect(readImgMgmtInfo(withHashValue(vector, [0x10, 0x00, 0x20, 0x00]))).toMatchObject({ ok: false, error: { rc: 6, name: 'TLV_MULTIPLE_HASHES_FOUND' } });
    // hash bytes ff ?? ff ff look like erased flash → INVALID_TLV
    expect(readImgMgmtInfo(withHashValue(vector, [0xff, 0x00, 0xff, 0xff]))).toMatchObject({ ok: false, error: { rc: 5, name: 'INVALID_TLV' } });
  });

  it('a hash TLV of another length is skipped → HASH_NOT_FOUND (8)', () => {
    const b = Uint8Array.from(vector);
    b[46] = 31;
    expect(readImgMgmtInfo(b)).toMatchObject({ ok: false, error: { rc: 8 } });
  });

  it('agrees with the corruptor catalogue wherever the catalogue is definite', () => {
    const base = unwrap(signMcubootImage({ payload: new Uint8Array(500).fill(7), version: VERSION_1234, key: privateKey('ecdsa-p256'), securityCounter: 2 }));
    for (const c of CORRUPTIONS) {
      const v = unwrap(corruptImage(base, c.kind, { key: privateKey('ecdsa-p256') }));
      const listed = v.imgMgmt.ok;
      if (c.verdict.imageState === 'listed') expect(listed, c.kind).toBe(true);
      if (c.verdict.imageState === 'not-listed' || c.verdict.imageState === 'not-applicable') expect(listed, c.kind).toBe(false);
      if (c.verdict.upload === 'rejected') expect(v.imgMgmt).toMatchObject({ ok: false });
    }
  });
});
