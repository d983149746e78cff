/** Test images and a chunked upload loop for the simulator's image-group tests. */
import { createHash } from 'node:crypto';
import { buildMcubootImage } from '../../../src/simulator/mcuboot-image.ts';
import { body, req, type SimLink } from './sim-link.ts';

/** Upload chunk size used by the tests. */
export const CHUNK = 512;
const W = 2;

/** A test image (version 2.0.0 unless given) and its file SHA-256. */
export function testImage(bytes = 3000, version = { major: 2, minor: 0, revision: 0, build: 0 }): { file: Uint8Array; sha: Uint8Array; hash: Uint8Array } {
  const bodyBytes = new Uint8Array(bytes).map((_, i) => (i * 13 + 5) & 0xff);
  const file = buildMcubootImage(version, bodyBytes);
  const sha = new Uint8Array(createHash('sha256').update(file).digest());
  return { file, sha, hash: file.slice(file.length - 32) };
}

/** Upload a whole file in CHUNK pieces; returns every response body. */
export async function uploadAll(link: SimLink, file: Uint8Array, sha?: Uint8Array): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let off = 0; off < file.length; off += CHUNK) {
    const data = file.subarray(off, off + CHUNK);
    const first = off === 0 ? { image: 0, len: file.length, ...(sha ? { sha } : {}) } : {};
    out.push(body(await link.ask(req(W, 1, 1, { ...first, off, data }))));
  }
  return out;
}
