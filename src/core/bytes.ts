/** Byte and hex helpers shared by codecs, transports and reports. */

/** Lower-case hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parse hex, ignoring whitespace; throws on odd length or non-hex characters (test data only). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new RangeError(`not a hex string: ${hex.slice(0, 40)}`);
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Concatenate byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hex with a space every byte, for human-readable traces: `0a 00 00 09`. */
export function toSpacedHex(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): string {
  const shown = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const text = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > maxBytes ? `${text} … (${bytes.length} bytes)` : text;
}
