/**
 * Signing keys for MCUboot images through Node's `crypto`: kind detection, the public-key bytes
 * imgtool hashes into the KEYHASH TLV, signing and verification for every signature TLV.
 * @see spec/smp.md §5.5 (TLV types 0x01, 0x02, 0x20, 0x22–0x25)
 */
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { err, ok, type Result } from '../../core/result.ts';
import { ImageTlv, type ImageHashAlg } from './constants.ts';

/** Key types imgtool can sign with. */
export type ImageKeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa-2048' | 'rsa-3072';

/** A loaded key: always a public half; a private half when loaded from a private PEM. */
export interface ImageKey {
  kind: ImageKeyKind;
  publicKey: KeyObject;
  privateKey: KeyObject | undefined;
}

/** RSA-PSS salt length MCUboot's verifier requires (`PSS_SLEN`). */
const PSS_SALT_BYTES = 32;

function kindOf(key: KeyObject): ImageKeyKind | undefined {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'ec':
      return details?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : details?.namedCurve === 'secp384r1' ? 'ecdsa-p384' : undefined;
    case 'rsa':
      return details?.modulusLength === 2048 ? 'rsa-2048' : details?.modulusLength === 3072 ? 'rsa-3072' : undefined;
    default:
      return undefined;
  }
}

function wrap(publicKey: KeyObject, privateKey: KeyObject | undefined): Result<ImageKey, string> {
  const kind = kindOf(publicKey);
  if (!kind) return err(`unsupported key type ${publicKey.asymmetricKeyType ?? '?'} (need EC P-256/P-384, Ed25519 or RSA-2048/3072)`);
  return ok({ kind, publicKey, privateKey });
}

/** Load a PEM private or public key (PKCS#8, SEC1, PKCS#1 or SPKI). @see spec/smp.md §5.5 */
export function loadImageKey(pem: string | Uint8Array): Result<ImageKey, string> {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  if (!text.includes('-----BEGIN')) return err('not a PEM key (no -----BEGIN line)');
  try {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
      const privateKey = createPrivateKey(text);
      return wrap(createPublicKey(privateKey), privateKey);
    }
    return wrap(createPublicKey(text), undefined);
  } catch (cause) {
    return err(`cannot read key: ${(cause as Error).message}`);
  }
}

/** Parse the value of a PUBKEY TLV (imgtool's public bytes: SPKI DER, or PKCS#1 DER for RSA). */
export function imageKeyFromPublicBytes(der: Uint8Array): Result<ImageKey, string> {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return wrap(createPublicKey({ key: Buffer.from(der), format: 'der', type }), undefined);
    } catch {
      // try the next encoding
    }
  }
  return err('PUBKEY TLV holds neither SPKI nor PKCS#1 DER');
}

/** The bytes imgtool's `get_public_bytes` returns: SPKI DER for EC and Ed25519, PKCS#1 DER for RSA. */
export function publicKeyBytes(key: ImageKey): Uint8Array {
  const type = key.kind.startsWith('rsa') ? 'pkcs1' : 'spki';
  return new Uint8Array(key.publicKey.export({ type, format: 'der' }));
}

/** KEYHASH TLV value: the image's hash algorithm over `publicKeyBytes`. @see spec/smp.md §5.5 */
export function keyHash(key: ImageKey, alg: ImageHashAlg = 'sha256'): Uint8Array {
  return new Uint8Array(createHash(alg).update(publicKeyBytes(key)).digest());
}

/** Signature TLV type for a key kind. @see spec/smp.md §5.5 */
export function signatureTlvType(kind: ImageKeyKind): number {
  if (kind === 'rsa-2048') return ImageTlv.RSA2048_PSS;
  if (kind === 'rsa-3072') return ImageTlv.RSA3072_PSS;
  if (kind === 'ed25519') return ImageTlv.ED25519;
  return ImageTlv.ECDSA_SIG;
}

/** Hash algorithms imgtool allows per key (first = its `auto` choice); pure Ed25519 uses SHA-512. */
export function allowedHashAlgs(kind: ImageKeyKind, isPure: boolean): readonly ImageHashAlg[] {
  if (isPure) return kind === 'ed25519' ? ['sha512'] : [];
  if (kind === 'ecdsa-p384') return ['sha384'];
  if (kind === 'ed25519') return ['sha256', 'sha512'];
  return ['sha256'];
}

/** What a signature covers: ECDSA and RSA the hashed region (hashed by the signer), Ed25519 the digest, or the region when pure. */
export interface SignInput {
  region: Uint8Array;
  digest: Uint8Array;
  isPure: boolean;
}

/** Sign as imgtool does for this key kind. Needs the private half. */
export function signImage(key: ImageKey, input: SignInput): Result<Uint8Array, string> {
  if (!key.privateKey) return err('signing needs a private key');
  const k = key.privateKey;
  switch (key.kind) {
    case 'ed25519':
      return ok(new Uint8Array(sign(null, input.isPure ? input.region : input.digest, k)));
    case 'ecdsa-p256':
    case 'ecdsa-p384':
      return ok(new Uint8Array(sign(key.kind === 'ecdsa-p256' ? 'sha256' : 'sha384', input.region, { key: k, dsaEncoding: 'der' })));
    default:
      return ok(new Uint8Array(sign('sha256', input.region, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_BYTES })));
  }
}

/** DER length of an ECDSA signature, dropping the zero padding old imgtool added (72/103 bytes). */
function stripEcdsaPadding(sig: Uint8Array): Uint8Array {
  if (sig.length >= 2 && sig[0] === 0x30 && (sig[1] ?? 0x80) < 0x80 && sig.length > (sig[1] ?? 0) + 2) {
    return sig.subarray(0, (sig[1] ?? 0) + 2);
  }
  return sig;
}

/** Check a signature TLV value against a public key. Never throws (malformed DER = invalid). */
export function verifyImageSignature(key: ImageKey, sig: Uint8Array, input: SignInput): boolean {
  try {
    switch (key.kind) {
      case 'ed25519':
        return verify(null, input.isPure ? input.region : input.digest, key.publicKey, sig);
      case 'ecdsa-p256':
      case 'ecdsa-p384': {
        const alg = key.kind === 'ecdsa-p256' ? 'sha256' : 'sha384';
        return verify(alg, input.region, { key: key.publicKey, dsaEncoding: 'der' }, stripEcdsaPadding(sig));
      }
      default:
        return verify('sha256', input.region, { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_BYTES }, sig);
    }
  } catch {
    return false;
  }
}

/** A fresh key pair as PEM (PKCS#8 private, SPKI public), for tests and the corruptor's "wrong key". */
export function generateImageKeyPem(kind: ImageKeyKind): { privatePem: string; publicPem: string } {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (kind === 'ed25519') pair = generateKeyPairSync('ed25519');
  else if (kind === 'ecdsa-p256' || kind === 'ecdsa-p384') {
    pair = generateKeyPairSync('ec', { namedCurve: kind === 'ecdsa-p256' ? 'prime256v1' : 'secp384r1' });
  } else pair = generateKeyPairSync('rsa', { modulusLength: kind === 'rsa-2048' ? 2048 : 3072 });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privatePem, publicPem };
}
