/**
 * Verify an MCUboot image the way the bootloader does: structure, image hash, key hash and
 * signature, plus an optional downgrade check. Every defect carries its byte offset.
 * @see spec/smp.md §5.4–§5.7
 */
import { createHash } from 'node:crypto';
import { HASH_TLVS, ImageFlag, ImageTlv, SIGNATURE_TLVS, type ImageHashAlg } from './constants.ts';
import { computeImageHash, hashedRegion } from './hash.ts';
import { imageKeyFromPublicBytes, keyHash, loadImageKey, publicKeyBytes, verifyImageSignature, type ImageKey, type ImageKeyKind } from './keys.ts';
import { readImageLayout } from './parse.ts';
import type { ImageDefect, ImageHeader, ImageLayout, ImageTlvEntry, ImageVersion } from './types.ts';
import { bytesEqual } from '../../core/bytes.ts';

/** Options of `verifyMcubootImage`. */
export interface VerifyImageOptions {
  /** PEM public (or private) key the bootloader holds. */
  publicKeyPem?: string | Uint8Array;
  /** Version of the running image: an image not newer than it is reported as a downgrade. */
  runningVersion?: ImageVersion;
}

/** Hash check outcome. */
export interface HashCheck {
  status: 'match' | 'mismatch' | 'absent' | 'unchecked';
  alg: ImageHashAlg | undefined;
  /** Value of the (first) hash TLV. */
  inImage: Uint8Array | undefined;
  /** Hash computed over header + body + protected TLVs. */
  computed: Uint8Array | undefined;
}

/** Key check outcome: `hashInImage` is reported even when no key is given. */
export interface KeyCheck {
  status: 'match' | 'mismatch' | 'absent' | 'unchecked';
  hashInImage: Uint8Array | undefined;
  pubkeyInImage: Uint8Array | undefined;
  given: { kind: ImageKeyKind; hash: Uint8Array } | undefined;
}

/** Signature check outcome. */
export interface SignatureCheck {
  status: 'valid' | 'invalid' | 'absent' | 'unchecked';
  tlvType: number | undefined;
  /** ecdsa, ed25519, rsa-2048 or rsa-3072 (from the TLV type). */
  kind: string | undefined;
  isPure: boolean;
  reason: string;
}

/** Everything `verifyMcubootImage` found. `isValid` = no defects. */
export interface ImageVerifyReport {
  isValid: boolean;
  layout: ImageLayout;
  hash: HashCheck;
  key: KeyCheck;
  signature: SignatureCheck;
  defects: ImageDefect[];
  warnings: ImageDefect[];
  /** Why the given public key could not be used, if it could not. */
  keyProblem: string | undefined;
}

function unprotected(layout: ImageLayout): ImageTlvEntry[] {
  return layout.unprotectedArea?.entries ?? [];
}

function checkHash(layout: ImageLayout & { header: ImageHeader }, defects: ImageDefect[]): HashCheck {
  const hashes = unprotected(layout).filter((e) => HASH_TLVS[e.type] !== undefined);
  const first = hashes[0];
  if (!first) {
    defects.push({ kind: 'no-hash-tlv', at: layout.unprotectedArea?.at ?? layout.endAt, message: 'no SHA256/SHA384/SHA512 TLV in the unprotected area' });
    return { status: 'absent', alg: undefined, inImage: undefined, computed: undefined };
  }
  for (const extra of hashes.slice(1)) {
    defects.push({ kind: 'multiple-hash-tlvs', at: extra.at, message: `second hash TLV (${extra.name}); imgtool writes one, and Zephyr's img_mgmt refuses a second SHA-256 TLV when its walk reaches it` });
  }
  const spec = HASH_TLVS[first.type]!;
  const computed = computeImageHash(layout, spec.alg);
  if (first.len !== spec.bytes) {
    defects.push({ kind: 'hash-length', at: first.at, message: `${first.name} TLV has ${first.len} bytes, expected ${spec.bytes}` });
    return { status: 'mismatch', alg: spec.alg, inImage: first.value, computed };
  }
  if (!bytesEqual(first.value, computed)) {
    defects.push({ kind: 'hash-mismatch', at: first.valueAt, message: `${first.name} TLV does not match the hash of bytes [0, ${hashedRegion(layout).length})` });
    return { status: 'mismatch', alg: spec.alg, inImage: first.value, computed };
  }
  return { status: 'match', alg: spec.alg, inImage: first.value, computed };
}

function hashByLength(value: Uint8Array, key: ImageKey): Uint8Array {
  const alg: ImageHashAlg = value.length === 48 ? 'sha384' : value.length === 64 ? 'sha512' : 'sha256';
  return keyHash(key, alg);
}

/** A signature TLV with the KEYHASH/PUBKEY entry before it (imgtool writes one pair per key). */
interface SignatureUnit {
  keyEntry: ImageTlvEntry | undefined;
  sig: ImageTlvEntry;
}

function signatureUnits(entries: readonly ImageTlvEntry[]): SignatureUnit[] {
  const units: SignatureUnit[] = [];
  let keyEntry: ImageTlvEntry | undefined;
  for (const e of entries) {
    if (e.type === ImageTlv.KEYHASH || e.type === ImageTlv.PUBKEY) keyEntry = e;
    else if (SIGNATURE_TLVS.has(e.type)) {
      units.push({ keyEntry, sig: e });
      keyEntry = undefined;
    }
  }
  return units;
}

function keyEntryMatches(entry: ImageTlvEntry, key: ImageKey): boolean {
  return entry.type === ImageTlv.KEYHASH ? bytesEqual(entry.value, hashByLength(entry.value, key)) : bytesEqual(entry.value, publicKeyBytes(key));
}

/** MCUboot picks the key by KEYHASH/PUBKEY; with several signers, any entry may match. */
function checkKey(layout: ImageLayout, given: ImageKey | undefined, defects: ImageDefect[]): KeyCheck {
  const keyEntries = unprotected(layout).filter((e) => e.type === ImageTlv.KEYHASH || e.type === ImageTlv.PUBKEY);
  const kh = keyEntries.find((e) => e.type === ImageTlv.KEYHASH);
  const pk = keyEntries.find((e) => e.type === ImageTlv.PUBKEY);
  const check: KeyCheck = {
    status: keyEntries.length > 0 ? 'unchecked' : 'absent', hashInImage: kh?.value, pubkeyInImage: pk?.value,
    given: given ? { kind: given.kind, hash: keyHash(given, kh?.len === 48 ? 'sha384' : kh?.len === 64 ? 'sha512' : 'sha256') } : undefined,
  };
  const first = keyEntries[0];
  if (!given || !first) return check;
  const isMatch = keyEntries.some((e) => keyEntryMatches(e, given));
  if (!isMatch) defects.push({ kind: 'key-mismatch', at: first.valueAt, message: `no KEYHASH/PUBKEY TLV matches the given ${given.kind} key` });
  return { ...check, status: isMatch ? 'match' : 'mismatch' };
}

function signatureKindName(type: number): string {
  return type === ImageTlv.ECDSA_SIG ? 'ecdsa' : type === ImageTlv.ED25519 ? 'ed25519' : type === ImageTlv.RSA2048_PSS ? 'rsa-2048' : 'rsa-3072';
}

function keyFitsTlv(key: ImageKey, type: number): boolean {
  if (type === ImageTlv.ECDSA_SIG) return key.kind === 'ecdsa-p256' || key.kind === 'ecdsa-p384';
  if (type === ImageTlv.ED25519) return key.kind === 'ed25519';
  return type === ImageTlv.RSA2048_PSS ? key.kind === 'rsa-2048' : key.kind === 'rsa-3072';
}

function verifierKey(unit: SignatureUnit, given: ImageKey | undefined): ImageKey | undefined {
  if (given) return given;
  if (unit.keyEntry?.type !== ImageTlv.PUBKEY) return undefined;
  const parsed = imageKeyFromPublicBytes(unit.keyEntry.value);
  return parsed.ok ? parsed.value : undefined;
}

function checkSignature(layout: ImageLayout & { header: ImageHeader }, hash: HashCheck, given: ImageKey | undefined, defects: ImageDefect[]): SignatureCheck {
  const entries = unprotected(layout);
  const isPure = entries.some((e) => e.type === ImageTlv.SIG_PURE);
  const units = signatureUnits(entries);
  // The signature paired with the given key's KEYHASH/PUBKEY, as MCUboot pairs them; else the first.
  const unit = units.find((u) => given !== undefined && u.keyEntry !== undefined && keyEntryMatches(u.keyEntry, given)) ?? units[0];
  if (!unit) {
    if (given) defects.push({ kind: 'no-signature', at: layout.unprotectedArea?.at ?? 0, message: `no signature TLV, although the bootloader holds a ${given.kind} key` });
    return { tlvType: undefined, kind: undefined, isPure, status: 'absent', reason: 'no signature TLV' };
  }
  const sig = unit.sig;
  const base = { tlvType: sig.type, kind: signatureKindName(sig.type), isPure };
  const key = verifierKey(unit, given);
  if (!key) return { ...base, status: 'unchecked', reason: 'no public key given and no PUBKEY TLV in the image' };
  if (!keyFitsTlv(key, sig.type)) {
    defects.push({ kind: 'key-mismatch', at: sig.at, message: `${sig.name} signature cannot be checked with a ${key.kind} key` });
    return { ...base, status: 'invalid', reason: `key type ${key.kind} does not fit ${sig.name}` };
  }
  const region = hashedRegion(layout);
  const digest = hash.computed ?? new Uint8Array(createHash('sha256').update(region).digest());
  if (verifyImageSignature(key, sig.value, { region, digest, isPure })) return { ...base, status: 'valid', reason: `verified with the ${key.kind} key` };
  defects.push({ kind: 'bad-signature', at: sig.valueAt, message: `${sig.name} signature does not verify with the ${key.kind} key` });
  return { ...base, status: 'invalid', reason: 'signature does not verify' };
}

function compareVersions(a: ImageVersion, b: ImageVersion): number {
  return a.major - b.major || a.minor - b.minor || a.revision - b.revision;
}

function formatVersion(v: ImageVersion): string {
  return `${v.major}.${v.minor}.${v.revision}+${v.build}`;
}

const UNCHECKED_HASH: HashCheck = { status: 'unchecked', alg: undefined, inImage: undefined, computed: undefined };
const UNCHECKED_KEY: KeyCheck = { status: 'unchecked', hashInImage: undefined, pubkeyInImage: undefined, given: undefined };

/**
 * Verify an image file as MCUboot would before booting it; never throws. A key that cannot be
 * read is not a defect of the image: it is reported in `keyProblem` and the signature stays
 * unchecked.
 * @see spec/smp.md §5.4–§5.7
 */
export function verifyMcubootImage(bytes: Uint8Array, options: VerifyImageOptions = {}): ImageVerifyReport {
  const layout = readImageLayout(bytes);
  const defects = [...layout.defects];
  const loaded = options.publicKeyPem === undefined ? undefined : loadImageKey(options.publicKeyPem);
  const given = loaded?.ok ? loaded.value : undefined;
  const report: ImageVerifyReport = {
    isValid: false, layout, hash: UNCHECKED_HASH, key: UNCHECKED_KEY,
    signature: { status: 'unchecked', tlvType: undefined, kind: undefined, isPure: false, reason: 'image structure is broken' },
    defects, warnings: layout.warnings, keyProblem: loaded && !loaded.ok ? loaded.error : undefined,
  };
  const header = layout.header;
  if (header && options.runningVersion && compareVersions(header.version, options.runningVersion) <= 0) {
    defects.push({ kind: 'version-downgrade', at: 20, message: `version ${formatVersion(header.version)} is not newer than the running ${formatVersion(options.runningVersion)}` });
  }
  if (!header || !layout.unprotectedArea) return report;
  const full = { ...layout, header };
  report.key = checkKey(layout, given, defects);
  if (header.flags & (ImageFlag.ENCRYPTED_AES128 | ImageFlag.ENCRYPTED_AES256)) {
    // imgtool hashes and signs the plaintext; without the decryption key neither can be checked.
    report.signature = { ...report.signature, reason: 'encrypted image: hash and signature cover the plaintext' };
    report.isValid = defects.length === 0;
    return report;
  }
  report.hash = checkHash(full, defects);
  report.signature = checkSignature(full, report.hash, given, defects);
  report.isValid = defects.length === 0;
  return report;
}
