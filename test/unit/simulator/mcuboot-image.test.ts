/**
 * The simulator's own MCUboot image builder and slot reader: golden vectors from smp.md §5.6,
 * and a differential property against the independent `readImgMgmtInfo` model in src/codec/image
 * (valid and corrupted images from its arbitraries).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/bytes.ts';
import { arbCorruptImage, arbMcubootImage } from '../../../src/codec/image/arbitraries.ts';
import { readImgMgmtInfo } from '../../../src/codec/image/img-mgmt-info.ts';
import { buildMcubootImage, formatImageVersion, readSlotImage } from '../../../src/simulator/mcuboot-image.ts';

const ABCDEFGH = new TextEncoder().encode('ABCDEFGH');

describe('mcuboot-image (smp.md §5)', () => {
  it('§5.6 golden vector: version 1.2.3+4, 8-byte body, no protected TLVs → the 80-byte imgtool file', () => {
    const image = buildMcubootImage({ major: 1, minor: 2, revision: 3, build: 4 }, ABCDEFGH);
    expect(toHex(image)).toBe(
      '3db8f396000000002000000008000000000000000102030004000000000000004142434445464748' +
        '0769280010002000bc257991f0099ca04721f4f23e6c876b17e8fd5a10096409df3a04d6c3dbd4e3',
    );
  });

  it('§5.6 golden vector with a protected area (security counter 5): reader skips 0x6908 and finds the hash', () => {
    const file = fromHex(
      '3db8f396000000002000 0c00 08000000 00000000 01020300 04000000 00000000 4142434445464748 ' +
        '0869 0c00 5000 0400 05000000 0769 2800 1000 2000 ec6251351776a46dc81eff0f5c503357d4f85447426157c25681b02401ed0653',
    );
    const slot = new Uint8Array(256).fill(0xff);
    slot.set(file);
    const info = readSlotImage(slot);
    expect(info && toHex(info.hash)).toBe('ec6251351776a46dc81eff0f5c503357d4f85447426157c25681b02401ed0653');
    expect(info && formatImageVersion(info.version)).toBe('1.2.3.4');
  });

  it('erased slot, legacy magic, no 0x6907 area → not listed (§5.7)', () => {
    expect(readSlotImage(new Uint8Array(128).fill(0xff))).toBeUndefined();
    const image = buildMcubootImage({ major: 1, minor: 0, revision: 0, build: 0 }, ABCDEFGH);
    const badMagic = image.slice();
    badMagic[0] = 0x3c;
    expect(readSlotImage(badMagic)).toBeUndefined();
    const noTlvs = image.slice();
    noTlvs[40] = 0x00;
    expect(readSlotImage(noTlvs)).toBeUndefined();
  });

  it('Zephyr quirk kept: the walk resumes inside the hash, so a second SHA-256 TLV right after it goes unnoticed', () => {
    const image = buildMcubootImage({ major: 1, minor: 0, revision: 0, build: 0 }, ABCDEFGH);
    const twoHashes = new Uint8Array(image.length + 36);
    twoHashes.set(image);
    twoHashes.set(image.subarray(image.length - 36), image.length);
    new DataView(twoHashes.buffer).setUint16(42, 4 + 36 + 36, true);
    const info = readSlotImage(twoHashes);
    expect(info && toHex(info.hash)).toBe(toHex(image.subarray(image.length - 32)));
  });

  it('agrees with the independent img_mgmt model on valid and corrupted images (400 runs)', () => {
    const anyImage = fc.oneof(arbMcubootImage(512), arbCorruptImage(512).map((c) => c.bytes));
    fc.assert(
      fc.property(anyImage, (bytes) => {
        const slot = new Uint8Array(bytes.length + 256).fill(0xff);
        slot.set(bytes);
        const mine = readSlotImage(slot);
        const theirs = readImgMgmtInfo(slot);
        expect(mine !== undefined).toBe(theirs.ok);
        if (mine !== undefined && theirs.ok) {
          expect(toHex(mine.hash)).toBe(toHex(theirs.value.hash));
          expect(mine.version).toEqual(theirs.value.version);
          expect(mine.isBootable).toBe((theirs.value.flags & 0x10) === 0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
