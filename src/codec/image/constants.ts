/**
 * MCUboot image-format constants, with MCUboot's own names (`image.h`, `imgtool/image.py`).
 * @see spec/smp.md §5 (MCUboot image format)
 */

/** `IMAGE_MAGIC`: the only header magic MCUboot and Zephyr's img_mgmt accept. @see spec/smp.md §5.2 */
export const IMAGE_MAGIC = 0x96f3b83d;
/** `IMAGE_MAGIC_V1`: the legacy magic, rejected by current MCUboot and img_mgmt. @see spec/smp.md §5.2 */
export const IMAGE_MAGIC_V1 = 0x96f3b83c;
/** Magic of erased flash (no image). @see spec/smp.md §5.2 */
export const IMAGE_MAGIC_NONE = 0xffffffff;
/** `IMAGE_HEADER_SIZE`: the fixed part of the header; `ih_hdr_size` may be larger (padding). @see spec/smp.md §5.2 */
export const IMAGE_HEADER_SIZE = 32;
/** `IMAGE_TLV_INFO_MAGIC`: unprotected TLV area. @see spec/smp.md §5.4 */
export const IMAGE_TLV_INFO_MAGIC = 0x6907;
/** `IMAGE_TLV_PROT_INFO_MAGIC`: protected TLV area (hashed). @see spec/smp.md §5.4 */
export const IMAGE_TLV_PROT_INFO_MAGIC = 0x6908;
/** Size of `struct image_tlv_info` and of `struct image_tlv` (both 4 bytes). @see spec/smp.md §5.4 */
export const TLV_INFO_SIZE = 4;
/** Size of one TLV entry header (`u16 it_type; u16 it_len`). @see spec/smp.md §5.4 */
export const TLV_SIZE = 4;

/** Header flags (`IMAGE_F_*`). @see spec/smp.md §5.3 */
export const ImageFlag = {
  PIC: 0x00000001,
  ENCRYPTED_AES128: 0x00000004,
  ENCRYPTED_AES256: 0x00000008,
  NON_BOOTABLE: 0x00000010,
  RAM_LOAD: 0x00000020,
  ROM_FIXED: 0x00000100,
  COMPRESSED_LZMA1: 0x00000200,
  COMPRESSED_LZMA2: 0x00000400,
  COMPRESSED_ARM_THUMB_FLT: 0x00000800,
} as const;

/** TLV types (`IMAGE_TLV_*`; KEYID is imgtool's multi-signature key id). @see spec/smp.md §5.5 */
export const ImageTlv = {
  KEYHASH: 0x01,
  PUBKEY: 0x02,
  KEYID: 0x03,
  SHA256: 0x10,
  SHA384: 0x11,
  SHA512: 0x12,
  RSA2048_PSS: 0x20,
  ECDSA224: 0x21,
  ECDSA_SIG: 0x22,
  RSA3072_PSS: 0x23,
  ED25519: 0x24,
  SIG_PURE: 0x25,
  ENC_RSA2048: 0x30,
  ENC_KW: 0x31,
  ENC_EC256: 0x32,
  ENC_X25519: 0x33,
  ENC_X25519_SHA512: 0x34,
  DEPENDENCY: 0x40,
  SEC_CNT: 0x50,
  BOOT_RECORD: 0x60,
  DECOMP_SIZE: 0x70,
  DECOMP_SHA: 0x71,
  DECOMP_SIGNATURE: 0x72,
  COMP_DEC_SIZE: 0x73,
  UUID_VID: 0x74,
  UUID_CID: 0x75,
} as const;

/** Name of a TLV type for reports: MCUboot's name, `VENDOR_0x00a0` style, or `UNKNOWN_0x0099`. @see spec/smp.md §5.5 */
export function tlvTypeName(type: number): string {
  for (const [name, value] of Object.entries(ImageTlv)) if (value === type) return name;
  const hex = `0x${type.toString(16).padStart(4, '0')}`;
  // imgtool's vendor range is 0x00a0..0xfffe; 0xffff is the iterator wildcard, never stored.
  return type >= 0x00a0 && type <= 0xfffe ? `VENDOR_${hex}` : `UNKNOWN_${hex}`;
}

/** Hash TLV type → digest algorithm and length. @see spec/smp.md §5.5 */
export const HASH_TLVS: Readonly<Record<number, { alg: ImageHashAlg; bytes: number }>> = {
  [ImageTlv.SHA256]: { alg: 'sha256', bytes: 32 },
  [ImageTlv.SHA384]: { alg: 'sha384', bytes: 48 },
  [ImageTlv.SHA512]: { alg: 'sha512', bytes: 64 },
};

/** Digest algorithms MCUboot images use. */
export type ImageHashAlg = 'sha256' | 'sha384' | 'sha512';

/** Hash TLV type for a digest algorithm. */
export function hashTlvFor(alg: ImageHashAlg): number {
  return alg === 'sha256' ? ImageTlv.SHA256 : alg === 'sha384' ? ImageTlv.SHA384 : ImageTlv.SHA512;
}

/** Signature TLV types (the ones imgtool emits). @see spec/smp.md §5.5 */
export const SIGNATURE_TLVS: ReadonlySet<number> = new Set([
  ImageTlv.RSA2048_PSS,
  ImageTlv.ECDSA_SIG,
  ImageTlv.RSA3072_PSS,
  ImageTlv.ED25519,
]);

/** Trailer magic when `BOOT_MAX_ALIGN` is 8 (the default). @see spec/smp.md §5.8 */
export const BOOT_MAGIC_ALIGN8: readonly number[] = [
  0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80,
];
/** Trailer magic tail for other max alignments (preceded by the alignment as LE u16). @see spec/smp.md §5.8 */
export const BOOT_MAGIC_TAIL: readonly number[] = [
  0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a,
];
/** `BOOT_MAX_IMG_SECTORS` default used by imgtool's trailer size. @see spec/smp.md §5.8 */
export const DEFAULT_MAX_SECTORS = 128;
/** imgtool's default `BOOT_MAX_ALIGN`. @see spec/smp.md §5.8 */
export const DEFAULT_MAX_ALIGN = 8;
/** Largest image file the codec looks at (bounded work on hostile input): 64 MiB. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
