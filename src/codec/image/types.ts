/**
 * Types shared by the MCUboot image parser, verifier, signer and corruptor.
 * @see spec/smp.md §5 (MCUboot image format)
 */

/** `struct image_version`. @see spec/smp.md §5.2 */
export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

/** `struct image_header`, decoded (all fields little-endian on the wire). @see spec/smp.md §5.2 */
export interface ImageHeader {
  magic: number;
  loadAddr: number;
  hdrSize: number;
  protectTlvSize: number;
  imgSize: number;
  flags: number;
  version: ImageVersion;
  pad1: number;
}

/** One TLV entry with the offsets of its 4-byte header (`at`) and of its value. @see spec/smp.md §5.4 */
export interface ImageTlvEntry {
  type: number;
  name: string;
  len: number;
  at: number;
  valueAt: number;
  value: Uint8Array;
  isProtected: boolean;
}

/** A TLV area: its info header at `at`, `totalBytes` = `it_tlv_tot` (info header included). @see spec/smp.md §5.4 */
export interface TlvArea {
  magic: number;
  at: number;
  totalBytes: number;
  entries: ImageTlvEntry[];
}

/** What follows the unprotected TLV area in a padded file (`imgtool --pad`). @see spec/smp.md §5.8 */
export interface ImageTrailing {
  at: number;
  bytes: number;
  /** `erased`: only 0xff; `trailer`: 0xff plus a boot trailer; `data`: anything else. */
  kind: 'erased' | 'trailer' | 'data';
  /** Present when a trailer magic ends the file. */
  trailer?: { magicAt: number; maxAlign: number; isConfirmed: boolean; imageOkAt: number };
}

/** Every problem the codec can report; each carries the byte offset where it was found. */
export type ImageDefectKind =
  | 'too-large'
  | 'truncated'
  | 'bad-magic'
  | 'legacy-magic'
  | 'erased-header'
  | 'header-size-too-small'
  | 'protected-size-mismatch'
  | 'bad-tlv-info-magic'
  | 'tlv-area-overrun'
  | 'tlv-length-overrun'
  | 'erased-tlv'
  | 'no-hash-tlv'
  | 'multiple-hash-tlvs'
  | 'hash-length'
  | 'hash-mismatch'
  | 'bad-signature'
  | 'no-signature'
  | 'key-mismatch'
  | 'unsupported-signature'
  | 'version-downgrade'
  | 'trailing-data'
  | 'nonzero-pad'
  | 'unknown-tlv'
  | 'tlv-value-length'
  | 'misplaced-tlv';

/** A typed defect: `at` is the byte offset in the file. */
export interface ImageDefect {
  kind: ImageDefectKind;
  at: number;
  message: string;
}

/** Best-effort parse of an image file: whatever could be read, plus every defect found. */
export interface ImageLayout {
  bytes: Uint8Array;
  header: ImageHeader | undefined;
  bodyAt: number;
  protectedArea: TlvArea | undefined;
  unprotectedArea: TlvArea | undefined;
  /** Offset just past the unprotected TLV area (= image length without padding). */
  endAt: number;
  trailing: ImageTrailing | undefined;
  /** Defects that make the image unusable (MCUboot would refuse it). */
  defects: ImageDefect[];
  /** Oddities a bootloader tolerates (unknown TLV types, non-zero pad, trailing data). */
  warnings: ImageDefect[];
}

/** A structurally valid image: header and unprotected TLV area present, every length in bounds. */
export interface McubootImage extends ImageLayout {
  header: ImageHeader;
  unprotectedArea: TlvArea;
  /** All TLVs, protected first, in file order. */
  tlvs: ImageTlvEntry[];
}
