/**
 * The image hash: header + body + protected TLV area, exactly the bytes MCUboot hashes.
 * @see spec/smp.md §5.6 (what the hash covers), §5.7 (relation to SMP "hash")
 */
import { createHash } from 'node:crypto';
import type { ImageHashAlg } from './constants.ts';
import type { ImageHeader } from './types.ts';

/** Length of the hashed region: `ih_hdr_size + ih_img_size + ih_protect_tlv_size`. @see spec/smp.md §5.6 */
export function hashedRegionLength(header: ImageHeader): number {
  return header.hdrSize + header.imgSize + header.protectTlvSize;
}

/**
 * The bytes the image hash and signatures cover. The header's own sizes decide the length, as in
 * MCUboot; a region that runs past the file is cut at the end of the file.
 * @see spec/smp.md §5.6
 */
export function hashedRegion(image: { bytes: Uint8Array; header: ImageHeader }): Uint8Array {
  return image.bytes.subarray(0, Math.min(hashedRegionLength(image.header), image.bytes.length));
}

/**
 * Compute the image hash as MCUboot does (the value of TLV 0x10/0x11/0x12 and of SMP image-state
 * `"hash"`); not the hash of the whole file.
 * @see spec/smp.md §5.6, §5.7
 */
export function computeImageHash(image: { bytes: Uint8Array; header: ImageHeader }, alg: ImageHashAlg = 'sha256'): Uint8Array {
  return new Uint8Array(createHash(alg).update(hashedRegion(image)).digest());
}
