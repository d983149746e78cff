/**
 * Placement rules for TLVs: which types belong in which area, and which types are unknown.
 * These are warnings: MCUboot skips what it does not look for.
 * @see spec/smp.md §5.5 (which TLVs imgtool puts in the protected area)
 */
import { ImageTlv, tlvTypeName } from './constants.ts';
import type { ImageLayout } from './types.ts';

const KNOWN: ReadonlySet<number> = new Set(Object.values(ImageTlv));

/** Types imgtool always writes to the unprotected area (they cannot be covered by the hash). */
const UNPROTECTED_ONLY: ReadonlySet<number> = new Set([
  ImageTlv.KEYHASH, ImageTlv.PUBKEY, ImageTlv.KEYID, ImageTlv.SHA256, ImageTlv.SHA384, ImageTlv.SHA512,
  ImageTlv.RSA2048_PSS, ImageTlv.ECDSA224, ImageTlv.ECDSA_SIG, ImageTlv.RSA3072_PSS, ImageTlv.ED25519,
  ImageTlv.SIG_PURE, ImageTlv.ENC_RSA2048, ImageTlv.ENC_KW, ImageTlv.ENC_EC256, ImageTlv.ENC_X25519,
  ImageTlv.ENC_X25519_SHA512,
]);

/** Types imgtool puts in the protected area (a copy outside it is not covered by the hash). */
const PROTECTED_ONLY: ReadonlySet<number> = new Set([
  ImageTlv.DEPENDENCY, ImageTlv.SEC_CNT, ImageTlv.BOOT_RECORD, ImageTlv.DECOMP_SIZE,
  ImageTlv.DECOMP_SHA, ImageTlv.DECOMP_SIGNATURE, ImageTlv.COMP_DEC_SIZE, ImageTlv.UUID_VID, ImageTlv.UUID_CID,
]);

/** Fixed value sizes; MCUboot refuses other sizes when it checks the TLV (e.g. SEC_CNT with rollback protection). */
const FIXED_LENGTH: ReadonlyMap<number, number> = new Map([
  [ImageTlv.KEYID, 4], [ImageTlv.SIG_PURE, 1], [ImageTlv.ED25519, 64], [ImageTlv.RSA2048_PSS, 256],
  [ImageTlv.RSA3072_PSS, 384], [ImageTlv.DEPENDENCY, 12], [ImageTlv.SEC_CNT, 4], [ImageTlv.DECOMP_SIZE, 4],
  [ImageTlv.COMP_DEC_SIZE, 4], [ImageTlv.UUID_VID, 16], [ImageTlv.UUID_CID, 16],
]);

/** Add `unknown-tlv`, `misplaced-tlv` and `tlv-value-length` warnings to a layout. @see spec/smp.md §5.5 */
export function checkTlvPlacement(layout: ImageLayout): void {
  const entries = [...(layout.protectedArea?.entries ?? []), ...(layout.unprotectedArea?.entries ?? [])];
  for (const e of entries) {
    const isVendor = e.type >= 0x00a0 && e.type <= 0xfffe;
    if (!KNOWN.has(e.type) && !isVendor) {
      layout.warnings.push({ kind: 'unknown-tlv', at: e.at, message: `unknown TLV type ${tlvTypeName(e.type)}` });
    } else if (e.isProtected && UNPROTECTED_ONLY.has(e.type)) {
      layout.warnings.push({ kind: 'misplaced-tlv', at: e.at, message: `${e.name} in the protected area; MCUboot looks for it in the unprotected area` });
    } else if (!e.isProtected && PROTECTED_ONLY.has(e.type)) {
      layout.warnings.push({ kind: 'misplaced-tlv', at: e.at, message: `${e.name} outside the protected area is not covered by the image hash` });
    }
    const size = FIXED_LENGTH.get(e.type);
    if (size !== undefined && e.len !== size) {
      layout.warnings.push({ kind: 'tlv-value-length', at: e.at, message: `${e.name} has ${e.len} bytes, expected ${size}` });
    }
  }
}
