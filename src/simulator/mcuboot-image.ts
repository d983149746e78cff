/**
 * The little of the MCUboot image format the simulated device needs: build the image that sits
 * in slot 0 at power-on, and read a slot the way Zephyr's `img_mgmt_read_info` does. Written
 * here on purpose (not shared with the harness's image codec) so one bug cannot hide on both
 * sides.
 * @see docs/spec/smp.md §5.2, §5.4, §5.6, §5.7
 */
import { createHash } from 'node:crypto';

/** `IMAGE_MAGIC` as the little-endian u32 read from the first 4 bytes. */
export const IMAGE_MAGIC = 0x96f3b83d;
const TLV_INFO_MAGIC = 0x6907;
const TLV_PROT_INFO_MAGIC = 0x6908;
const TLV_SHA256 = 0x10;
const IMAGE_F_NON_BOOTABLE = 0x10;
const HEADER_BYTES = 32;

/** An image version as in `struct image_version`. */
export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

/** What state read reports for a valid slot. */
export interface SlotImageInfo {
  version: ImageVersion;
  /** The SHA-256 TLV value (hash over header + body + protected TLVs). */
  hash: Uint8Array;
  isBootable: boolean;
}

/** Build a minimal valid image: 32-byte header, body, unprotected TLV area with SHA-256 only. */
export function buildMcubootImage(version: ImageVersion, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, IMAGE_MAGIC, true);
  view.setUint16(8, HEADER_BYTES, true);
  view.setUint32(12, body.length, true);
  header[20] = version.major;
  header[21] = version.minor;
  view.setUint16(22, version.revision, true);
  view.setUint32(24, version.build, true);
  const hashed = new Uint8Array(HEADER_BYTES + body.length);
  hashed.set(header);
  hashed.set(body, HEADER_BYTES);
  const digest = createHash('sha256').update(hashed).digest();
  const tlv = new Uint8Array(4 + 4 + 32);
  const tv = new DataView(tlv.buffer);
  tv.setUint16(0, TLV_INFO_MAGIC, true);
  tv.setUint16(2, tlv.length, true);
  tv.setUint16(4, TLV_SHA256, true);
  tv.setUint16(6, 32, true);
  tlv.set(digest, 8);
  const out = new Uint8Array(hashed.length + tlv.length);
  out.set(hashed);
  out.set(tlv, hashed.length);
  return out;
}

/** The version from an image header (first 32 bytes), or undefined if the magic is wrong. */
export function readHeaderVersion(bytes: Uint8Array): ImageVersion | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint32(0, true) !== IMAGE_MAGIC) return undefined;
  return { major: view.getUint8(20), minor: view.getUint8(21), revision: view.getUint16(22, true), build: view.getUint32(24, true) };
}

/**
 * Read a slot exactly like Zephyr's `img_mgmt_read_info`, quirks included: bytes past the slot
 * read as erased; a `0x6908` area is skipped by its own size; the walk's end is the `0x6907`
 * area's start + 4 + its total (the total already counts those 4 bytes); TLV type is one byte
 * (then a pad byte); after a SHA-256 TLV the walk does not skip the 32 hash bytes, so they are
 * read as the next TLV header. Erased or wrong magic, no `0x6907` area, an erased TLV, a second
 * SHA-256 TLV seen by that walk, or none → undefined (the slot is left out of the state list).
 */
export function readSlotImage(slot: Uint8Array): SlotImageInfo | undefined {
  const u8 = (at: number): number => (at >= 0 && at < slot.length ? slot[at]! : 0xff);
  const u16 = (at: number): number => u8(at) | (u8(at + 1) << 8);
  const u32 = (at: number): number => (u16(at) | (u16(at + 2) << 16)) >>> 0;
  if (u32(0) !== IMAGE_MAGIC) return undefined;
  const version = { major: u8(20), minor: u8(21), revision: u16(22), build: u32(24) };
  const flags = u32(16);
  let at = u16(8) + u32(12);
  if (u16(at) === TLV_PROT_INFO_MAGIC) at += u16(at + 2);
  if (u16(at) !== TLV_INFO_MAGIC) return undefined;
  const end = at + 4 + u16(at + 2);
  at += 4;
  let hash: Uint8Array | undefined;
  while (at + 4 <= end) {
    const type = u8(at);
    const len = u16(at + 2);
    if (type === 0xff && len === 0xffff) return undefined;
    if (type !== TLV_SHA256 || len !== 32) {
      at += 4 + len;
      continue;
    }
    if (hash !== undefined) return undefined;
    at += 4;
    if (at + 32 > end) return undefined;
    hash = Uint8Array.from({ length: 32 }, (_, i) => u8(at + i));
  }
  return hash === undefined ? undefined : { version, hash, isBootable: (flags & IMAGE_F_NON_BOOTABLE) === 0 };
}

/** `maj.min.rev`, with `.build` appended when the build number is non-zero (as Zephyr v4.0 prints). */
export function formatImageVersion(v: ImageVersion): string {
  const base = `${v.major}.${v.minor}.${v.revision}`;
  return v.build === 0 ? base : `${base}.${v.build}`;
}

/** Compare major, minor, revision (build ignored, as Zephyr's default). */
export function compareImageVersions(a: ImageVersion, b: ImageVersion): number {
  return a.major - b.major || a.minor - b.minor || a.revision - b.revision;
}
