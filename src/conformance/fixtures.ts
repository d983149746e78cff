/**
 * Deterministic test data for cases: the same seed, case id and label always give the same bytes,
 * so a failing run replays byte for byte.
 */
import { signMcubootImage } from '../codec/image/sign.ts';
import type { ImageVersion } from '../codec/image/types.ts';

/** Deterministic data for one case. */
export interface Fixtures {
  /** `length` pseudo-random bytes. */
  bytes(length: number, label?: string): Uint8Array;
  /** `length` printable ASCII characters (letters and digits). */
  text(length: number, label?: string): string;
  /** A pseudo-random unsigned 32-bit integer. */
  uint32(label?: string): number;
  /**
   * A valid MCUboot image (hash TLV only, as `imgtool sign` without a key) around
   * `payloadBytes` pseudo-random bytes; default version 1.2.3+4.
   */
  image(payloadBytes: number, options?: { version?: ImageVersion; label?: string }): Uint8Array;
}

/** Version of fixture images unless a case asks for another. */
export const FIXTURE_IMAGE_VERSION: ImageVersion = { major: 1, minor: 2, revision: 3, build: 4 };

/** Largest fixture a case may ask for (a device's image slot is at most a few MiB). */
export const MAX_FIXTURE_BYTES = 16 * 1024 * 1024;

/** FNV-1a of a string, to mix case id and label into the seed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast, good enough for test data (not for anything secret). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FIXTURE_BYTES) {
    throw new RangeError(`fixture length ${length} is not an integer in 0..${MAX_FIXTURE_BYTES}`);
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Fixtures for a case under a run seed. */
export function createFixtures(seed: number, caseId: string): Fixtures {
  const stream = (label: string): (() => number) => mulberry32((seed ^ hash32(`${caseId}/${label}`)) >>> 0);
  return {
    bytes(length, label = 'bytes') {
      checkLength(length);
      const next = stream(label);
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = next() & 0xff;
      return out;
    },
    text(length, label = 'text') {
      checkLength(length);
      const next = stream(label);
      let out = '';
      for (let i = 0; i < length; i++) out += ALPHANUMERIC[next() % ALPHANUMERIC.length];
      return out;
    },
    uint32(label = 'uint32') {
      return stream(label)();
    },
    image(payloadBytes, options = {}) {
      const payload = this.bytes(payloadBytes, options.label ?? 'image');
      const built = signMcubootImage({ payload, version: options.version ?? FIXTURE_IMAGE_VERSION });
      if (!built.ok) throw new RangeError(`fixture image: ${built.error}`);
      return built.value;
    },
  };
}
