/**
 * The TLS 1.2 key schedule for TLS_PSK_WITH_AES_128_CCM_8: PRF with HMAC-SHA256, plain-PSK
 * premaster secret, master secret (classic or extended), key block and Finished verify_data.
 * @see RFC 5246 §5 (PRF), §6.3 (key block), §7.4.9 (Finished), §8.1 (master secret)
 * @see RFC 4279 §2 (PSK premaster), RFC 6655 §3 (CCM_8 key sizes), RFC 7627 §4 (extended master secret)
 */
import { createHash, createHmac } from 'node:crypto';
import { concatBytes } from '../../core/bytes.ts';

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** SHA-256 of the bytes (the transcript hash of the suite). */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** PRF(secret, label, seed) = P_SHA256(secret, label + seed), first `length` bytes (RFC 5246 §5). */
export function tls12Prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concatBytes(ascii(label), seed);
  const out = new Uint8Array(length);
  let a = labelSeed;
  let filled = 0;
  while (filled < length) {
    a = hmacSha256(secret, a);
    const block = hmacSha256(secret, concatBytes(a, labelSeed));
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** Plain-PSK premaster secret: uint16 N, N zero bytes, uint16 N, the key (RFC 4279 §2). */
export function pskPremasterSecret(psk: Uint8Array): Uint8Array {
  const n = psk.length;
  const out = new Uint8Array(2 + n + 2 + n);
  out[0] = n >> 8;
  out[1] = n & 0xff;
  out[n + 2] = n >> 8;
  out[n + 3] = n & 0xff;
  out.set(psk, n + 4);
  return out;
}

/** Master secret from the randoms (RFC 5246 §8.1). */
export function masterSecret(premaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return tls12Prf(premaster, 'master secret', concatBytes(clientRandom, serverRandom), 48);
}

/** Extended master secret from the session hash up to ClientKeyExchange (RFC 7627 §4). */
export function extendedMasterSecret(premaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return tls12Prf(premaster, 'extended master secret', sessionHash, 48);
}

/** Write keys and implicit nonce salts of both directions. */
export interface CcmKeys {
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteSalt: Uint8Array;
  serverWriteSalt: Uint8Array;
}

/** AES-128-CCM_8 key block: 16-byte keys and 4-byte salts, no MAC keys (RFC 6655 §3, RFC 5246 §6.3). */
export function ccmKeyBlock(master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): CcmKeys {
  const block = tls12Prf(master, 'key expansion', concatBytes(serverRandom, clientRandom), 40);
  return {
    clientWriteKey: block.slice(0, 16),
    serverWriteKey: block.slice(16, 32),
    clientWriteSalt: block.slice(32, 36),
    serverWriteSalt: block.slice(36, 40),
  };
}

/** Finished verify_data over the transcript hash (RFC 5246 §7.4.9). */
export function finishedVerifyData(master: Uint8Array, role: 'client' | 'server', transcriptHash: Uint8Array): Uint8Array {
  return tls12Prf(master, `${role} finished`, transcriptHash, 12);
}
