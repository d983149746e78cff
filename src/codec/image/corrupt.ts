/**
 * Corruptor: turns a valid image into labelled broken variants for upload and boot tests.
 * Each variant says which defect a verifier must report (kind and byte offset) and what a
 * correct device does with it (see `corrupt-catalog.ts`).
 * @see spec/smp.md §3.2.3, §5, §6.6
 */
import { concatBytes } from '../../core/bytes.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { HASH_TLVS, IMAGE_HEADER_SIZE, IMAGE_MAGIC_V1, IMAGE_TLV_INFO_MAGIC, ImageFlag, ImageTlv, SIGNATURE_TLVS } from './constants.ts';
import { corruptionInfo, type CorruptionInfo, type CorruptionKind } from './corrupt-catalog.ts';
import { readImgMgmtInfo, type ImgMgmtSlotError, type ImgMgmtSlotInfo } from './img-mgmt-info.ts';
import { generateImageKeyPem, type ImageKeyKind } from './keys.ts';
import { parseMcubootImage } from './parse.ts';
import { encodeTlvArea, signMcubootImage, type RawTlv } from './sign.ts';
import type { ImageDefectKind, ImageTlvEntry, ImageVersion, McubootImage } from './types.ts';

/** A corrupted variant with its label, expected defect and device verdict. */
export interface CorruptedImage extends CorruptionInfo {
  bytes: Uint8Array;
  /** Defect a verifier must report, with its offset in `bytes`. */
  expected: { kind: ImageDefectKind; at: number };
  /** What Zephyr's img_mgmt reads from a slot holding exactly these bytes (then erased flash). */
  imgMgmt: Result<ImgMgmtSlotInfo, ImgMgmtSlotError>;
}

/** Keys for the variants that re-sign: the original signer's key, and optionally the "wrong" one. */
export interface CorruptOptions {
  /** PEM private key of the original signer (needed to re-sign a signed image as a downgrade). */
  key?: string;
  /** PEM private key for `wrong-key` (default: a fresh key of the same type). */
  wrongKey?: string;
}

type Variant = { bytes: Uint8Array; at: number; kind?: ImageDefectKind };

function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}

function u32le(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value >>> 0, true);
}

function u16le(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(at, value & 0xffff, true);
}

function hashEntry(img: McubootImage): ImageTlvEntry | undefined {
  return img.unprotectedArea.entries.find((e) => HASH_TLVS[e.type] !== undefined);
}

function signatureEntry(img: McubootImage): ImageTlvEntry | undefined {
  return img.unprotectedArea.entries.find((e) => SIGNATURE_TLVS.has(e.type));
}

/** Rebuild the unprotected area with other entries, keeping everything before and after. */
function replaceUnprotected(img: McubootImage, tlvs: readonly RawTlv[]): Result<Uint8Array, string> {
  // An area with no entries keeps its 4-byte info header (imgtool would drop it entirely).
  const area = tlvs.length === 0 ? ok(Uint8Array.of(0x07, 0x69, 0x04, 0x00)) : encodeTlvArea(IMAGE_TLV_INFO_MAGIC, tlvs);
  if (!area.ok) return area;
  const { bytes, unprotectedArea: u } = img;
  return ok(concatBytes(bytes.subarray(0, u.at), area.value, bytes.subarray(u.at + u.totalBytes)));
}

function signerKind(img: McubootImage): ImageKeyKind {
  const sig = signatureEntry(img);
  if (sig?.type === ImageTlv.ED25519) return 'ed25519';
  if (sig?.type === ImageTlv.RSA2048_PSS) return 'rsa-2048';
  if (sig?.type === ImageTlv.RSA3072_PSS) return 'rsa-3072';
  return hashEntry(img)?.type === ImageTlv.SHA384 ? 'ecdsa-p384' : 'ecdsa-p256';
}

/** Re-sign the image's own body and protected TLVs with another version and/or key. */
function resign(img: McubootImage, version: ImageVersion, key: string | undefined): Result<Uint8Array, string> {
  const h = img.header;
  const entries = img.unprotectedArea.entries;
  const hash = hashEntry(img);
  const out = signMcubootImage({
    payload: img.bytes.subarray(h.hdrSize, h.hdrSize + h.imgSize),
    version, headerSize: h.hdrSize, headerFill: img.bytes.subarray(IMAGE_HEADER_SIZE, h.hdrSize),
    key, flags: h.flags,
    romFixed: h.flags & ImageFlag.ROM_FIXED ? h.loadAddr : undefined,
    loadAddr: h.flags & ImageFlag.ROM_FIXED ? 0 : h.loadAddr,
    protectedTlvs: (img.protectedArea?.entries ?? []).map((e) => ({ type: e.type, value: e.value })),
    hashAlg: hash ? HASH_TLVS[hash.type]!.alg : 'auto',
    isPure: entries.some((e) => e.type === ImageTlv.SIG_PURE),
    publicKeyFormat: entries.some((e) => e.type === ImageTlv.PUBKEY) ? 'full' : 'hash',
  });
  if (!out.ok) return out;
  // Keep the file length of a padded image: the trailer stays at the end.
  const tail = img.bytes.subarray(img.endAt);
  if (tail.length === 0) return out;
  const grow = out.value.length - img.endAt;
  const kept = grow >= 0 ? tail.subarray(Math.min(grow, tail.length)) : concatBytes(new Uint8Array(-grow).fill(0xff), tail);
  return ok(concatBytes(out.value, kept));
}

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const out = copy(bytes);
  out[at] = (out[at] ?? 0) ^ 0xff;
  return out;
}

function headerVariant(img: McubootImage, kind: 'bad-magic' | 'legacy-magic' | 'erased-header'): Variant {
  const out = copy(img.bytes);
  if (kind === 'erased-header') out.fill(0xff, 0, img.header.hdrSize);
  else u32le(out, 0, kind === 'bad-magic' ? 0xdeadbeef : IMAGE_MAGIC_V1);
  return { bytes: out, at: 0 };
}

function hashVariant(img: McubootImage, kind: 'wrong-hash-tlv' | 'flipped-payload-byte' | 'duplicate-hash-tlv' | 'no-hash-tlv' | 'tlv-entry-too-long'): Result<Variant, string> {
  const hash = hashEntry(img);
  if (!hash) return err('the image has no hash TLV to corrupt');
  const others = img.unprotectedArea.entries.map((e) => ({ type: e.type, value: e.value }));
  const index = img.unprotectedArea.entries.indexOf(hash);
  switch (kind) {
    case 'wrong-hash-tlv':
      return ok({ bytes: flipByte(img.bytes, hash.valueAt), at: hash.valueAt });
    case 'flipped-payload-byte':
      if (img.header.imgSize === 0) return err('the image body is empty');
      return ok({ bytes: flipByte(img.bytes, img.header.hdrSize + (img.header.imgSize >> 1)), at: hash.valueAt });
    case 'tlv-entry-too-long': {
      const out = copy(img.bytes);
      u16le(out, hash.at + 2, 0xfff0);
      return ok({ bytes: out, at: hash.at });
    }
    case 'duplicate-hash-tlv': {
      others.splice(index + 1, 0, { type: hash.type, value: hash.value });
      const out = replaceUnprotected(img, others);
      return out.ok ? ok({ bytes: out.value, at: hash.valueAt + hash.len }) : out;
    }
    default: {
      others.splice(index, 1);
      const out = replaceUnprotected(img, others);
      return out.ok ? ok({ bytes: out.value, at: img.unprotectedArea.at }) : out;
    }
  }
}

function areaVariant(img: McubootImage, kind: 'tlv-area-too-long' | 'tlv-area-too-short' | 'protected-size-lie'): Result<Variant, string> {
  const out = copy(img.bytes);
  const u = img.unprotectedArea;
  if (kind === 'protected-size-lie') {
    u16le(out, 10, img.header.protectTlvSize === 0 ? 12 : img.header.protectTlvSize + 4);
    return ok({ bytes: out, at: 10 });
  }
  if (kind === 'tlv-area-too-short') {
    const last = u.entries[u.entries.length - 1];
    if (!last) return err('the unprotected TLV area is empty');
    u16le(out, u.at + 2, u.totalBytes - 2);
    return ok({ bytes: out, at: last.at });
  }
  if (u.totalBytes + 16 > 0xffff) return err('the unprotected TLV area is too large to grow');
  u16le(out, u.at + 2, u.totalBytes + 16);
  // In a padded file the walk meets 0xff padding (an erased TLV) before the end of the file.
  const tail = img.bytes.length - img.endAt;
  if (tail >= 16) return ok({ bytes: out, at: img.endAt, kind: img.trailing?.kind === 'data' ? 'tlv-length-overrun' : 'erased-tlv' });
  return ok({ bytes: out, at: u.at });
}

function signatureVariant(img: McubootImage, kind: 'bad-signature' | 'wrong-key', options: CorruptOptions): Result<Variant, string> {
  if (kind === 'bad-signature') {
    const sig = signatureEntry(img);
    if (!sig || sig.len === 0) return err('the image has no signature TLV (sign it with a key first)');
    return ok({ bytes: flipByte(img.bytes, sig.valueAt + sig.len - 1), at: sig.valueAt });
  }
  const other = options.wrongKey ?? generateImageKeyPem(signerKind(img)).privatePem;
  const out = resign(img, img.header.version, other);
  if (!out.ok) return out;
  const parsed = parseMcubootImage(out.value);
  const keyTlv = parsed.ok ? parsed.value.unprotectedArea.entries.find((e) => e.type === ImageTlv.KEYHASH || e.type === ImageTlv.PUBKEY) : undefined;
  return keyTlv ? ok({ bytes: out.value, at: keyTlv.valueAt }) : err('re-signed image has no key TLV');
}

function downgradeVariant(img: McubootImage, options: CorruptOptions): Result<Variant, string> {
  const v = img.header.version;
  if (v.major === 0 && v.minor === 0 && v.revision === 0) return err('version is already 0.0.0; nothing lower exists');
  if (signatureEntry(img) && !options.key) return err('re-signing a signed image as a downgrade needs the signer\'s private key (--key)');
  // An unsigned image stays unsigned: only the version changes.
  const out = resign(img, { major: 0, minor: 0, revision: 0, build: 0 }, signatureEntry(img) ? options.key : undefined);
  return out.ok ? ok({ bytes: out.value, at: 20 }) : out;
}

function makeVariant(img: McubootImage, kind: CorruptionKind, options: CorruptOptions): Result<Variant, string> {
  switch (kind) {
    case 'bad-magic':
    case 'legacy-magic':
    case 'erased-header':
      return ok(headerVariant(img, kind));
    case 'truncated': {
      const cut = img.header.hdrSize + (img.header.imgSize >> 1);
      return ok({ bytes: img.bytes.slice(0, cut), at: cut });
    }
    case 'bad-signature':
    case 'wrong-key':
      return signatureVariant(img, kind, options);
    case 'tlv-area-too-long':
    case 'tlv-area-too-short':
    case 'protected-size-lie':
      return areaVariant(img, kind);
    case 'version-downgrade':
      return downgradeVariant(img, options);
    default:
      return hashVariant(img, kind);
  }
}

/**
 * Produce one labelled corrupt variant of a valid image. Fails (as a value) when the input is
 * not a valid image or the variant does not apply (e.g. `bad-signature` of an unsigned image).
 * @see spec/smp.md §3.2.3, §5, §6.6
 */
export function corruptImage(bytes: Uint8Array, kind: CorruptionKind, options: CorruptOptions = {}): Result<CorruptedImage, string> {
  const info = corruptionInfo(kind);
  if (!info) return err(`unknown corruption kind "${kind}"`);
  const parsed = parseMcubootImage(bytes);
  if (!parsed.ok) return err(`input is not a valid MCUboot image: ${parsed.error.map((d) => `${d.kind} at ${d.at}`).join(', ')}`);
  const variant = makeVariant(parsed.value, kind, options);
  if (!variant.ok) return variant;
  const { bytes: out, at } = variant.value;
  return ok({ ...info, bytes: out, expected: { kind: variant.value.kind ?? info.expectedDefect, at }, imgMgmt: readImgMgmtInfo(out) });
}

export { CORRUPTIONS, corruptionInfo, type CorruptionInfo, type CorruptionKind, type DeviceVerdict } from './corrupt-catalog.ts';
