/**
 * What Zephyr's img_mgmt reports for a slot: a faithful model of `img_mgmt_read_info`, which
 * decides whether image-state read lists a slot and which `"hash"` it shows. The slot is the
 * image bytes followed by erased flash.
 *
 * Quirk kept on purpose (present in every img_mgmt copy read, old mcumgr and Zephyr v4.x): after
 * the SHA-256 TLV header the walk advances by the 4-byte TLV header only, not by the 32-byte
 * value, so the next "TLV header" is read from the first 4 bytes of the hash itself. A second
 * SHA-256 TLV is therefore usually never reached, and a hash whose bytes happen to look like an
 * erased or SHA-256 TLV header makes the slot invalid.
 * @see spec/smp.md §5.7 (Zephyr's reader), §3.2.1 (state read skips invalid slots)
 */
import { err, ok, type Result } from '../../core/result.ts';
import { IMAGE_MAGIC, IMAGE_TLV_INFO_MAGIC, IMAGE_TLV_PROT_INFO_MAGIC, ImageTlv } from './constants.ts';
import { ImgMgmtErr } from '../smp/groups/img.ts';
import type { ImageVersion } from './types.ts';

/** img_mgmt group error codes `img_mgmt_read_info` returns (values from `ImgMgmtErr`). @see spec/smp.md §2.4 */
export const ImgMgmtReadInfoErr = {
  NO_IMAGE: ImgMgmtErr.NO_IMAGE,
  NO_TLVS: ImgMgmtErr.NO_TLVS,
  INVALID_TLV: ImgMgmtErr.INVALID_TLV,
  TLV_MULTIPLE_HASHES_FOUND: ImgMgmtErr.TLV_MULTIPLE_HASHES_FOUND,
  TLV_INVALID_SIZE: ImgMgmtErr.TLV_INVALID_SIZE,
  HASH_NOT_FOUND: ImgMgmtErr.HASH_NOT_FOUND,
  INVALID_IMAGE_HEADER_MAGIC: ImgMgmtErr.INVALID_IMAGE_HEADER_MAGIC,
} as const;

/** A slot img_mgmt lists: header version and flags, and the 32-byte SHA-256 TLV value. */
export interface ImgMgmtSlotInfo {
  version: ImageVersion;
  flags: number;
  hash: Uint8Array;
}

/** Why img_mgmt leaves the slot out of image state; `at` = slot offset where it gave up. */
export interface ImgMgmtSlotError {
  rc: number;
  name: keyof typeof ImgMgmtReadInfoErr;
  at: number;
}

const HASH_LEN = 32;

/** Flash reads: bytes past the written image read as erased. */
function reader(slot: Uint8Array, erased: number): { u8: (off: number) => number; u16: (off: number) => number; u32: (off: number) => number } {
  const u8 = (off: number): number => (off >= 0 && off < slot.length ? slot[off]! : erased);
  const u16 = (off: number): number => u8(off) | (u8(off + 1) << 8);
  const u32 = (off: number): number => (u16(off) | (u16(off + 2) << 16)) >>> 0;
  return { u8, u16, u32 };
}

function fail(name: keyof typeof ImgMgmtReadInfoErr, at: number): Result<never, ImgMgmtSlotError> {
  return err({ rc: ImgMgmtReadInfoErr[name], name, at });
}

/**
 * Model of Zephyr `img_mgmt_read_info` over a slot holding `slot` (then erased flash, 0xff by
 * default). Never throws; the TLV walk is bounded by the 16-bit area size.
 * @see spec/smp.md §5.7
 */
export function readImgMgmtInfo(slot: Uint8Array, options: { erasedVal?: number } = {}): Result<ImgMgmtSlotInfo, ImgMgmtSlotError> {
  const erased = options.erasedVal ?? 0xff;
  const r = reader(slot, erased);
  const magic = r.u32(0);
  if (magic !== IMAGE_MAGIC) return fail(magic === (erased * 0x01010101) >>> 0 ? 'NO_IMAGE' : 'INVALID_IMAGE_HEADER_MAGIC', 0);
  const version = { major: r.u8(20), minor: r.u8(21), revision: r.u16(22), build: r.u32(24) };
  const flags = r.u32(16);
  // The protected area is skipped by its own size; the header's ih_protect_tlv_size is not used.
  let off = r.u16(8) + r.u32(12);
  if (r.u16(off) === IMAGE_TLV_PROT_INFO_MAGIC) off += r.u16(off + 2);
  if (r.u16(off) !== IMAGE_TLV_INFO_MAGIC) return fail('NO_TLVS', off);
  const end = off + 4 + r.u16(off + 2);
  off += 4;
  let hash: Uint8Array | undefined;
  while (off + 4 <= end) {
    // Zephyr's struct image_tlv is { u8 type; u8 pad; u16 len }: the pad byte is ignored.
    const type = r.u8(off);
    const len = r.u16(off + 2);
    if (type === 0xff && len === 0xffff) return fail('INVALID_TLV', off);
    if (type !== ImageTlv.SHA256 || len !== HASH_LEN) {
      off += 4 + len;
      continue;
    }
    if (hash) return fail('TLV_MULTIPLE_HASHES_FOUND', off);
    off += 4;
    if (off + HASH_LEN > end) return fail('TLV_INVALID_SIZE', off);
    hash = Uint8Array.from({ length: HASH_LEN }, (_, i) => r.u8(off + i));
  }
  return hash ? ok({ version, flags, hash }) : fail('HASH_NOT_FOUND', off);
}
