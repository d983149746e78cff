/**
 * AEAD record protection with AES-128-CCM and an 8-byte tag, as DTLS 1.2 applies it.
 * Nonce = 4-byte salt from the key block + 8-byte explicit nonce (epoch ‖ sequence number), sent
 * in front of the ciphertext; additional data = epoch ‖ seq ‖ type ‖ version ‖ plaintext length.
 * @see RFC 6655 §3, RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1 (the DTLS sequence number in the AAD)
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes } from '../../core/bytes.ts';
import { uintBytes } from '../../codec/dtls/reader.ts';

/** Explicit nonce bytes in front of the ciphertext. */
export const CCM_EXPLICIT_NONCE_BYTES = 8;
/** Authentication tag bytes of CCM_8. */
export const CCM_8_TAG_BYTES = 8;

/** What a record is sealed for: key and salt of the sending direction. */
export interface CcmDirectionKeys {
  key: Uint8Array;
  salt: Uint8Array;
}

/** The header fields that enter nonce and additional data. */
export interface RecordContext {
  type: number;
  version: number;
  epoch: number;
  sequenceNumber: number;
}

function seqNum(ctx: RecordContext): Uint8Array {
  return concatBytes(uintBytes(ctx.epoch, 2), uintBytes(ctx.sequenceNumber, 6));
}

function additionalData(ctx: RecordContext, plaintextLength: number): Uint8Array {
  return concatBytes(seqNum(ctx), uintBytes(ctx.type, 1), uintBytes(ctx.version, 2), uintBytes(plaintextLength, 2));
}

/** Seal a plaintext fragment: explicit nonce ‖ ciphertext ‖ 8-byte tag. */
export function sealCcm8(keys: CcmDirectionKeys, ctx: RecordContext, plaintext: Uint8Array): Uint8Array {
  const explicit = seqNum(ctx);
  const cipher = createCipheriv('aes-128-ccm', keys.key, concatBytes(keys.salt, explicit), { authTagLength: CCM_8_TAG_BYTES });
  cipher.setAAD(additionalData(ctx, plaintext.length), { plaintextLength: plaintext.length });
  const body = concatBytes(cipher.update(plaintext), cipher.final());
  return concatBytes(explicit, body, cipher.getAuthTag());
}

/** Open a protected fragment; undefined when it is too short or fails authentication. */
export function openCcm8(keys: CcmDirectionKeys, ctx: RecordContext, fragment: Uint8Array): Uint8Array | undefined {
  if (fragment.length < CCM_EXPLICIT_NONCE_BYTES + CCM_8_TAG_BYTES) return undefined;
  const explicit = fragment.subarray(0, CCM_EXPLICIT_NONCE_BYTES);
  const ciphertext = fragment.subarray(CCM_EXPLICIT_NONCE_BYTES, fragment.length - CCM_8_TAG_BYTES);
  const tag = fragment.subarray(fragment.length - CCM_8_TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-128-ccm', keys.key, concatBytes(keys.salt, explicit), { authTagLength: CCM_8_TAG_BYTES });
    decipher.setAuthTag(tag);
    decipher.setAAD(additionalData(ctx, ciphertext.length), { plaintextLength: ciphertext.length });
    // CCM verifies inside update(); a failed tag makes final() throw.
    const plaintext = decipher.update(ciphertext);
    decipher.final();
    return new Uint8Array(plaintext);
  } catch {
    return undefined;
  }
}
