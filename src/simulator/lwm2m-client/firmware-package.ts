/**
 * The integrity check the simulated client runs on a complete firmware package, as an MCUboot
 * build of Zephyr's client does before it marks an image for test: a package that starts with
 * the MCUboot image magic must parse and carry a matching image hash (SHA-256/384/512 TLV over
 * header, body and protected TLVs). Anything else is taken as an opaque blob, as the plain
 * `lwm2m_client` sample takes it (it only logs a CRC). A client that takes blobs only checks what
 * it can: that the package it received is as long as the Size1 the server announced with the
 * first block (Zephyr's engine hands that total to the firmware write callback as `total_size`).
 * @see docs/spec/lwm2m.md §4.6 (ETS 776, Result 5); docs/spec/smp.md §5 (image layout, hash TLV)
 */
import { IMAGE_MAGIC } from '../../codec/image/constants.ts';
import { verifyMcubootImage } from '../../codec/image/verify.ts';

/** True when the package passes: an MCUboot image with a matching hash, or a package that is no MCUboot image. */
export function isIntactPackage(bytes: Uint8Array): boolean {
  if (!startsWithImageMagic(bytes)) return true;
  const report = verifyMcubootImage(bytes);
  return report.isValid && report.hash.status === 'match';
}

/** The first four bytes hold the MCUboot magic (little-endian). */
export function startsWithImageMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === IMAGE_MAGIC;
}

/** How a client checks a completed package: MCUboot image hash, blob length against Size1, or not at all. */
export type PackageCheck = 'mcuboot' | 'blob' | 'none';

/** True when a blob's length matches the size the server announced (or none was announced). */
export function isBlobOfAnnouncedSize(bytes: Uint8Array, announcedBytes: number | undefined): boolean {
  return announcedBytes === undefined || bytes.length === announcedBytes;
}

/**
 * The `checkPackage` option of the firmware object for a check kind. `isSizeUnchecked` (a fault)
 * makes a blob-only client take a package of any length.
 */
export function packageChecker(check: PackageCheck, isSizeUnchecked: boolean): { checkPackage?: (bytes: Uint8Array, announcedBytes: number | undefined) => boolean } {
  if (check === 'mcuboot') return { checkPackage: (bytes) => isIntactPackage(bytes) };
  if (check === 'blob' && !isSizeUnchecked) return { checkPackage: isBlobOfAnnouncedSize };
  return {};
}
