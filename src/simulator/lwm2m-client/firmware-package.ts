/**
 * The integrity check the simulated client runs on a complete firmware package, as an MCUboot
 * build of Zephyr's client does before it marks an image for test: a package that starts with
 * the MCUboot image magic must parse and carry a matching image hash (SHA-256/384/512 TLV over
 * header, body and protected TLVs). Anything else is taken as an opaque blob, as the plain
 * `lwm2m_client` sample takes it (it only logs a CRC).
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
