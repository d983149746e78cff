/**
 * The corruptor's catalogue: each labelled variant, what it changes, the defect a verifier must
 * report, and what a correct device does with it (Zephyr img_mgmt at upload and in image state,
 * MCUboot at boot).
 * @see spec/smp.md §3.2.1 (state read skips invalid slots), §3.2.3 (upload checks only the
 * magic of the first chunk), §5.7 (img_mgmt's TLV reader), §6.6 items 50 and 59
 */
import type { ImageDefectKind } from './types.ts';

/** Labels accepted by `corruptImage`. */
export type CorruptionKind =
  | 'bad-magic'
  | 'legacy-magic'
  | 'erased-header'
  | 'wrong-hash-tlv'
  | 'flipped-payload-byte'
  | 'truncated'
  | 'bad-signature'
  | 'wrong-key'
  | 'tlv-area-too-long'
  | 'tlv-area-too-short'
  | 'tlv-entry-too-long'
  | 'protected-size-lie'
  | 'version-downgrade'
  | 'duplicate-hash-tlv'
  | 'no-hash-tlv';

/** What a correct device does with the variant. */
export interface DeviceVerdict {
  /** First upload chunk: `rejected` with an img_mgmt group error, or `accepted` (written to the slot). */
  upload: 'rejected' | 'accepted';
  /** img_mgmt group error code and name when rejected (v2 `err {group 1, rc}`). */
  imgMgmtErr: { rc: number; name: string } | undefined;
  /** Whether image-state read lists the slot afterwards (`uncertain`: depends on the bytes; see `CorruptedImage.imgMgmt`). */
  imageState: 'listed' | 'not-listed' | 'uncertain' | 'not-applicable';
  /** Whether MCUboot boots it after a test/confirm. */
  boot: 'refused' | 'boots' | 'depends-on-config' | 'not-applicable';
  summary: string;
}

/** One catalogue entry. */
export interface CorruptionInfo {
  kind: CorruptionKind;
  description: string;
  /** Defect the verifier must report (verified with the original key / running version). */
  expectedDefect: ImageDefectKind;
  /** Needs a signature TLV in the input image. */
  needsSignature: boolean;
  verdict: DeviceVerdict;
}

const MAGIC_REJECTED: DeviceVerdict = {
  upload: 'rejected', imgMgmtErr: { rc: 23, name: 'INVALID_IMAGE_HEADER_MAGIC' },
  imageState: 'not-applicable', boot: 'not-applicable',
  summary: 'img_mgmt refuses the first chunk: its first 4 bytes are not 0x96f3b83d (v2 err {1, 23}; v1 rc 1)',
};

function accepted(imageState: DeviceVerdict['imageState'], boot: DeviceVerdict['boot'], summary: string): DeviceVerdict {
  return { upload: 'accepted', imgMgmtErr: undefined, imageState, boot, summary };
}

const NOT_LISTED = 'img_mgmt lists only slots whose TLVs hold exactly one 32-byte SHA-256, so state write with this hash gives err {1, 8} HASH_NOT_FOUND';

/** Every variant `corruptImage` can produce. @see spec/smp.md §3.2.3, §5.7, §6.6 */
export const CORRUPTIONS: readonly CorruptionInfo[] = [
  { kind: 'bad-magic', description: 'header magic replaced by 0xdeadbeef', expectedDefect: 'bad-magic', needsSignature: false, verdict: MAGIC_REJECTED },
  { kind: 'legacy-magic', description: 'header magic set to the legacy IMAGE_MAGIC_V1 0x96f3b83c', expectedDefect: 'legacy-magic', needsSignature: false, verdict: MAGIC_REJECTED },
  { kind: 'erased-header', description: 'whole header (ih_hdr_size bytes) set to 0xff, as erased flash', expectedDefect: 'erased-header', needsSignature: false, verdict: MAGIC_REJECTED },
  {
    kind: 'wrong-hash-tlv', description: 'first byte of the image-hash TLV value inverted', expectedDefect: 'hash-mismatch', needsSignature: false,
    verdict: accepted('listed', 'refused', 'upload only checks the magic; image state lists the slot with the wrong hash; MCUboot refuses it (hash mismatch) and keeps the running image'),
  },
  {
    kind: 'flipped-payload-byte', description: 'one byte in the middle of the body inverted', expectedDefect: 'hash-mismatch', needsSignature: false,
    verdict: accepted('listed', 'refused', 'written and listed (img_mgmt reads the hash TLV, it does not recompute it); MCUboot refuses it (hash mismatch)'),
  },
  {
    kind: 'truncated', description: 'file cut in the middle of the body (upload len = shortened size)', expectedDefect: 'truncated', needsSignature: false,
    verdict: accepted('not-listed', 'refused', `written, but the TLV area would lie in erased flash: ${NOT_LISTED}; MCUboot refuses it`),
  },
  {
    kind: 'bad-signature', description: 'last byte of the signature TLV value inverted', expectedDefect: 'bad-signature', needsSignature: true,
    verdict: accepted('listed', 'refused', 'written and listed (img_mgmt does not check signatures); MCUboot refuses it (signature)'),
  },
  {
    kind: 'wrong-key', description: 're-signed with another key of the same type (KEYHASH and signature of that key)', expectedDefect: 'key-mismatch', needsSignature: true,
    verdict: accepted('listed', 'refused', 'written and listed; MCUboot finds no key for the KEYHASH, ignores the signature and refuses the image'),
  },
  {
    kind: 'tlv-area-too-long', description: "unprotected area's it_tlv_tot grown by 16 bytes, past the end of the data", expectedDefect: 'tlv-area-overrun', needsSignature: false,
    verdict: accepted('uncertain', 'refused', 'written; img_mgmt walks into erased flash (type 0xff, length 0xffff → invalid, slot not listed) or into stale data; MCUboot refuses the broken TLV area'),
  },
  {
    kind: 'tlv-area-too-short', description: "unprotected area's it_tlv_tot shrunk by 2 bytes, so the last TLV crosses its end", expectedDefect: 'tlv-length-overrun', needsSignature: false,
    verdict: accepted('uncertain', 'refused', 'written; img_mgmt still finds the SHA-256 TLV when it is not the last entry; MCUboot refuses a TLV that crosses the area end'),
  },
  {
    kind: 'tlv-entry-too-long', description: 'length of the image-hash TLV set to 0xfff0, far past the area', expectedDefect: 'tlv-length-overrun', needsSignature: false,
    verdict: accepted('not-listed', 'refused', `written; img_mgmt skips a hash TLV whose length is not 32 and finds none: ${NOT_LISTED}; MCUboot refuses it`),
  },
  {
    kind: 'protected-size-lie', description: 'ih_protect_tlv_size raised by 4 (or set to 12 when there is no protected area)', expectedDefect: 'protected-size-mismatch', needsSignature: false,
    verdict: accepted('listed', 'refused', 'written and listed (img_mgmt walks the TLV areas by their own sizes); MCUboot refuses the size mismatch'),
  },
  {
    kind: 'version-downgrade', description: 're-signed as version 0.0.0+0 (same key, same protected TLVs)', expectedDefect: 'version-downgrade', needsSignature: false,
    verdict: {
      upload: 'accepted', imgMgmtErr: undefined, imageState: 'listed', boot: 'depends-on-config',
      summary: 'with upload "upgrade": true img_mgmt refuses it (err {1, 27} CURRENT_VERSION_IS_NEWER); without it the image is written and listed; MCUboot boots it unless built with downgrade prevention',
    },
  },
  {
    kind: 'duplicate-hash-tlv', description: 'a second copy of the image-hash TLV inserted right after the first', expectedDefect: 'multiple-hash-tlvs', needsSignature: false,
    verdict: accepted('uncertain', 'boots', 'written; img_mgmt refuses two SHA-256 TLVs (TLV_MULTIPLE_HASHES_FOUND) only if its walk reaches the copy, which it usually does not: after a hash it reads the hash value itself as the next TLV header (see readImgMgmtInfo); MCUboot checks each copy and would boot it'),
  },
  {
    kind: 'no-hash-tlv', description: 'the image-hash TLV removed from the unprotected area', expectedDefect: 'no-hash-tlv', needsSignature: false,
    verdict: accepted('not-listed', 'refused', `written; ${NOT_LISTED}; MCUboot requires the hash TLV (unless built for pure signatures)`),
  },
];

/** Catalogue entry for a label, or undefined. */
export function corruptionInfo(kind: string): CorruptionInfo | undefined {
  return CORRUPTIONS.find((c) => c.kind === kind);
}
