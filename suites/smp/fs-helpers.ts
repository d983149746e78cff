/**
 * Steps the file-system suite shares: file names under the mount point, chunked upload and
 * download, and the checksums the harness computes itself to compare with the device's.
 * @see /work/shared/spec/smp.md §3.5
 */
import { createHash } from 'node:crypto';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { fsCommands, type FsHashType } from '../../src/codec/smp/groups/index.ts';
import type { CaseContext } from '../../src/conformance/index.ts';

/** Mount point of the smp_svr sample's LittleFS (the fs overlay). */
export const FS_ROOT = '/lfs1';
/** Data bytes per upload chunk: fits any SMP buffer and the serial line limits. */
export const FS_CHUNK_BYTES = 512;

/** A file name for one case: short (CONFIG_MCUMGR_GRP_FS_PATH_LEN is 64 by default). */
export function fileName(tag: string): string {
  return `${FS_ROOT}/mc-${tag}.bin`;
}

const CRC32_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** IEEE CRC-32 (zlib's `crc32`), what the device's `crc32` hash type returns. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC32_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** SHA-256 of `bytes`, what the device's `sha256` hash type returns. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Upload `content` to `name` from offset 0, each reply a success whose `off` is the bytes written so far. */
export async function uploadFile(ctx: CaseContext, name: string, content: Uint8Array, chunkBytes = FS_CHUNK_BYTES): Promise<void> {
  let off = 0;
  do {
    const data = content.subarray(off, off + chunkBytes);
    const req = off === 0 ? { off, data, name, len: content.length } : { off, data, name };
    ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.upload, req))).field('off').toBe(off + data.length);
    off += data.length;
  } while (off < content.length);
}

/**
 * Download `name` chunk by chunk: each reply echoes the offset asked for, the first carries
 * `len`, every chunk is non-empty until `len` bytes arrived. Resolves with the bytes.
 */
export async function downloadFile(ctx: CaseContext, name: string): Promise<Uint8Array> {
  const first = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.download, { off: 0, name }))).field('off').toBe(0);
  const total = first.len ?? 0;
  const parts = [first.data];
  let got = first.data.length;
  while (got < total) {
    const next = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.download, { off: got, name }))).field('off').toBe(got);
    ctx.expect.that(next.data.length > 0, { check: 'download progress', expected: `data at offset ${got} of ${total}`, actual: 'an empty chunk' });
    parts.push(next.data);
    got += next.data.length;
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** The hash types the device lists (command 3). */
export async function supportedHashTypes(ctx: CaseContext): Promise<Record<string, FsHashType>> {
  return ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.supportedHashes, {}))).types;
}

/** Hex of bytes, for messages. */
export function hex(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? []).toString('hex');
}

/** Upload a fresh `bytes`-long file for this case; resolves with its name and content. */
export async function freshFile(ctx: CaseContext, tag: string, bytes: number): Promise<{ name: string; content: Uint8Array }> {
  const name = fileName(tag);
  const content = ctx.fixtures.bytes(bytes, tag);
  await uploadFile(ctx, name, content);
  return { name, content };
}
