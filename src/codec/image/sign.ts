/**
 * Build signed MCUboot images byte-compatible with `imgtool sign --pad-header`: same header, same
 * TLV order (protected: SEC_CNT then custom; unprotected: hash, SIG_PURE, KEYHASH|PUBKEY,
 * signature), same key hash, same signature encodings, same `--pad`/`--confirm` trailer.
 *
 * Compatibility was checked (test/unit/codec/image/golden.test.ts) against the two vectors of
 * spec §5.6 that imgtool itself produced (byte-exact) and against the imgtool-signed ECDSA-P256
 * image in the Zephyr v4.0 SMP capture: re-signing its body with the same version and header
 * size reproduces its header, body, TLV layout and image-hash TLV byte for byte; only the key
 * hash and the (randomized) ECDSA signature differ, as they must with another key.
 * @see spec/smp.md §5
 */
import { createHash } from 'node:crypto';
import { concatBytes } from '../../core/bytes.ts';
import { err, ok, type Result } from '../../core/result.ts';
import {
  hashTlvFor, IMAGE_HEADER_SIZE, IMAGE_MAGIC, IMAGE_TLV_INFO_MAGIC, IMAGE_TLV_PROT_INFO_MAGIC,
  ImageFlag, ImageTlv, type ImageHashAlg,
} from './constants.ts';
import { allowedHashAlgs, keyHash, loadImageKey, publicKeyBytes, signatureTlvType, signImage, type ImageKey } from './keys.ts';
import { buildPadding } from './trailer.ts';
import type { ImageVersion } from './types.ts';

/** A raw TLV to place in an area. */
export interface RawTlv {
  type: number;
  value: Uint8Array;
}

/** Inputs of `signMcubootImage`, named after imgtool's options. */
export interface SignImageOptions {
  /** The application binary (without header). */
  payload: Uint8Array;
  version: ImageVersion;
  /** `--header-size` (default 32); the gap after the 32-byte header is filled like `--pad-header`. */
  headerSize?: number;
  /** Bytes between byte 32 and `headerSize`: one fill value (default `erasedVal`) or the exact bytes. */
  headerFill?: number | Uint8Array;
  /** `--key`: PEM private key, or a loaded key. Without it: hash TLV only. */
  key?: string | Uint8Array | ImageKey;
  /** `--public-key-format`: KEYHASH (default) or the full PUBKEY. */
  publicKeyFormat?: 'hash' | 'full';
  /** `--sha` (default auto: by key type). */
  hashAlg?: ImageHashAlg | 'auto';
  /** `--pure`: Ed25519 over the image itself, with a SIG_PURE TLV. */
  isPure?: boolean;
  /** `--security-counter` (SEC_CNT in the protected area). */
  securityCounter?: number;
  /** `--custom-tlv` and other protected TLVs, written after SEC_CNT in this order. */
  protectedTlvs?: readonly RawTlv[];
  /** `--load-addr` (sets RAM_LOAD) and `--rom-fixed` (sets ROM_FIXED). */
  loadAddr?: number;
  romFixed?: number;
  /** Extra header flags OR-ed in (e.g. NON_BOOTABLE). */
  flags?: number;
  /** `--pad` with `--slot-size`, `--confirm`, `--align`, `--max-align`, `--max-sectors`. */
  pad?: boolean;
  slotSize?: number;
  confirm?: boolean;
  align?: number;
  maxAlign?: number;
  maxSectors?: number;
  /** `--erased-val` (default 0xff). */
  erasedVal?: number;
  /** Header magic override, for building deliberately broken images. */
  magic?: number;
}

function checkRange(name: string, value: number, max: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= max ? undefined : `${name} must be an integer 0..${max}, got ${value}`;
}

function validate(o: SignImageOptions): string | undefined {
  const v = o.version;
  return (
    checkRange('version major', v.major, 0xff) ?? checkRange('version minor', v.minor, 0xff) ??
    checkRange('version revision', v.revision, 0xffff) ?? checkRange('version build', v.build, 0xffffffff) ??
    checkRange('header size', o.headerSize ?? IMAGE_HEADER_SIZE, 0xffff) ??
    ((o.headerSize ?? IMAGE_HEADER_SIZE) < IMAGE_HEADER_SIZE ? 'header size must be at least 32' : undefined) ??
    checkRange('payload size', o.payload.length, 0xffffffff) ??
    (o.securityCounter === undefined ? undefined : checkRange('security counter', o.securityCounter, 0xffffffff)) ??
    (o.pad && !o.slotSize ? 'pad needs a slot size' : undefined) ??
    (o.align === undefined || [1, 2, 4, 8, 16, 32].includes(o.align) ? undefined : `align must be 1, 2, 4, 8, 16 or 32 (imgtool), got ${o.align}`)
  );
}

/** Encode a TLV area (info header + entries); empty when there are no entries, as imgtool does. */
export function encodeTlvArea(magic: number, tlvs: readonly RawTlv[]): Result<Uint8Array, string> {
  if (tlvs.length === 0) return ok(new Uint8Array(0));
  const total = 4 + tlvs.reduce((n, t) => n + 4 + t.value.length, 0);
  if (total > 0xffff) return err(`TLV area of ${total} bytes exceeds 65535`);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint16(0, magic, true);
  v.setUint16(2, total, true);
  let at = 4;
  for (const t of tlvs) {
    if (t.value.length > 0xffff || t.type > 0xffff) return err(`TLV 0x${t.type.toString(16)} too long`);
    v.setUint16(at, t.type, true);
    v.setUint16(at + 2, t.value.length, true);
    out.set(t.value, at + 4);
    at += 4 + t.value.length;
  }
  return ok(out);
}

/** Encode the 32-byte `struct image_header`. @see spec/smp.md §5.2 */
export function encodeImageHeader(h: { magic?: number; loadAddr: number; hdrSize: number; protectTlvSize: number; imgSize: number; flags: number; version: ImageVersion }): Uint8Array {
  const out = new Uint8Array(IMAGE_HEADER_SIZE);
  const v = new DataView(out.buffer);
  v.setUint32(0, h.magic ?? IMAGE_MAGIC, true);
  v.setUint32(4, h.loadAddr >>> 0, true);
  v.setUint16(8, h.hdrSize, true);
  v.setUint16(10, h.protectTlvSize, true);
  v.setUint32(12, h.imgSize, true);
  v.setUint32(16, h.flags >>> 0, true);
  v.setUint8(20, h.version.major);
  v.setUint8(21, h.version.minor);
  v.setUint16(22, h.version.revision, true);
  v.setUint32(24, h.version.build, true);
  return out;
}

function resolveKey(key: SignImageOptions['key']): Result<ImageKey | undefined, string> {
  if (key === undefined) return ok(undefined);
  if (typeof key === 'object' && 'kind' in key) return ok(key);
  return loadImageKey(key);
}

function pickHashAlg(key: ImageKey | undefined, o: SignImageOptions): Result<ImageHashAlg, string> {
  const wanted = o.hashAlg ?? 'auto';
  if (!key) return o.isPure ? err('pure signatures need a key') : ok(wanted === 'auto' ? 'sha256' : wanted);
  const allowed = allowedHashAlgs(key.kind, o.isPure ?? false);
  const first = allowed[0];
  if (!first) return err(`${key.kind} keys cannot make pure signatures (Ed25519 only)`);
  // imgtool: pure forces its own choice; otherwise the requested hash must suit the key.
  if (wanted === 'auto' || o.isPure) return ok(first);
  return allowed.includes(wanted) ? ok(wanted) : err(`${key.kind} keys cannot be used with ${wanted}; allowed: ${allowed.join(', ')}`);
}

function headerAndBody(o: SignImageOptions, protectTlvSize: number): Uint8Array {
  const hdrSize = o.headerSize ?? IMAGE_HEADER_SIZE;
  let flags = o.flags ?? 0;
  if ((o.loadAddr ?? 0) !== 0) flags |= ImageFlag.RAM_LOAD;
  if (o.romFixed !== undefined) flags |= ImageFlag.ROM_FIXED;
  const header = encodeImageHeader({
    magic: o.magic, loadAddr: o.romFixed ?? o.loadAddr ?? 0, hdrSize, protectTlvSize,
    imgSize: o.payload.length, flags, version: o.version,
  });
  const gap = new Uint8Array(hdrSize - IMAGE_HEADER_SIZE);
  if (o.headerFill instanceof Uint8Array) gap.set(o.headerFill.subarray(0, gap.length));
  else gap.fill(o.headerFill ?? o.erasedVal ?? 0xff);
  return concatBytes(header, gap, o.payload);
}

function unprotectedTlvs(key: ImageKey | undefined, alg: ImageHashAlg, region: Uint8Array, o: SignImageOptions): Result<RawTlv[], string> {
  const digest = new Uint8Array(createHash(alg).update(region).digest());
  const tlvs: RawTlv[] = [{ type: hashTlvFor(alg), value: digest }];
  if (o.isPure) tlvs.push({ type: ImageTlv.SIG_PURE, value: Uint8Array.of(1) });
  if (!key) return ok(tlvs);
  tlvs.push(o.publicKeyFormat === 'full'
    ? { type: ImageTlv.PUBKEY, value: publicKeyBytes(key) }
    : { type: ImageTlv.KEYHASH, value: keyHash(key, alg) });
  const sig = signImage(key, { region, digest, isPure: o.isPure ?? false });
  if (!sig.ok) return sig;
  tlvs.push({ type: signatureTlvType(key.kind), value: sig.value });
  return ok(tlvs);
}

/**
 * Build a signed (or hash-only) MCUboot image file, as `imgtool sign --pad-header` would.
 * @see spec/smp.md §5.1–§5.6, §5.8
 */
export function signMcubootImage(o: SignImageOptions): Result<Uint8Array, string> {
  const problem = validate(o);
  if (problem) return err(problem);
  const key = resolveKey(o.key);
  if (!key.ok) return key;
  const alg = pickHashAlg(key.value, o);
  if (!alg.ok) return alg;
  const prot: RawTlv[] = [];
  if (o.securityCounter !== undefined) {
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, o.securityCounter, true);
    prot.push({ type: ImageTlv.SEC_CNT, value });
  }
  prot.push(...(o.protectedTlvs ?? []));
  const protArea = encodeTlvArea(IMAGE_TLV_PROT_INFO_MAGIC, prot);
  if (!protArea.ok) return protArea;
  const region = concatBytes(headerAndBody(o, protArea.value.length), protArea.value);
  const tlvs = unprotectedTlvs(key.value, alg.value, region, o);
  if (!tlvs.ok) return tlvs;
  const area = encodeTlvArea(IMAGE_TLV_INFO_MAGIC, tlvs.value);
  if (!area.ok) return area;
  const image = concatBytes(region, area.value);
  if (!o.pad) return ok(image);
  const padding = buildPadding(image.length, o.slotSize ?? 0, o);
  return padding.ok ? ok(concatBytes(image, padding.value)) : padding;
}
