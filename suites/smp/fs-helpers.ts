/**
 * Steps the file-system suite shares: file names under the mount point, chunked upload and
 * download, and the checksums the harness computes itself to compare with the device's.
 * SMP has no delete, so a small file system fills up: every case writes the same scratch file
 * (an upload at offset 0 truncates it), and a write the file system refuses makes the case's
 * precondition unmet rather than failing it.
 * @see docs/spec/smp.md §3.5; docs/architecture.md "Limits the device sets"
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { fsCommands, FsMgmtErr, type FsHashType } from '../../src/codec/smp/groups/index.ts';
import { requestLimitBytes, type CaseContext } from '../../src/conformance/index.ts';

export { sha256 } from '../../src/conformance/index.ts';

/** Mount point of the smp_svr sample's LittleFS (the fs overlay), unless the target names one. */
export const FS_ROOT = '/lfs1';
/**
 * Most bytes the fs cases hold on the device at once when the target names no budget
 * (targets.json `smp.fs.budgetBytes`): a quarter of the sample's 16 KiB file system, so the
 * scratch file and LittleFS's copy-on-write blocks fit beside what the device keeps there.
 */
export const FS_DEFAULT_BUDGET_BYTES = 4096;
/** Most data bytes per upload chunk; less where the session's request limit is smaller. */
export const FS_CHUNK_BYTES = 512;
/** Room an upload request takes besides `data`: header, map keys, `off`, `len`, a 64-byte name. */
const FS_UPLOAD_OVERHEAD_BYTES = 8 + 40 + 64;

/** Mount point the fs cases write under: the target's `smp.fs.root`, else `FS_ROOT`. */
export function fsRoot(ctx: CaseContext): string {
  return ctx.session.fs?.root ?? FS_ROOT;
}

/** Most bytes the fs cases may hold on the device at once (targets.json `smp.fs.budgetBytes`). */
export function fsBudgetBytes(ctx: CaseContext): number {
  return ctx.session.fs?.budgetBytes ?? FS_DEFAULT_BUDGET_BYTES;
}

/** Path of a file name under `root` (the name the stimulus texts show). */
export function pathUnder(root: string, tag: string): string {
  return tag.startsWith('absent-') ? `${root}/mc-${tag}.bin` : `${root}/mc-scratch.bin`;
}

/**
 * The file a case writes: the one scratch file, reused by every case (short, as
 * CONFIG_MCUMGR_GRP_FS_PATH_LEN is 64 by default), so the cases hold at most one file's bytes;
 * tags starting `absent-` name a file that must not exist and keep their own name.
 */
export function fileName(ctx: CaseContext, tag: string): string {
  return pathUnder(fsRoot(ctx), tag);
}

/** Data bytes per fs upload chunk on this session's link (docs/spec/smp.md §4.3, §4.7). */
export function fsChunkBytes(ctx: CaseContext): number {
  return Math.max(16, Math.min(FS_CHUNK_BYTES, requestLimitBytes(ctx) - FS_UPLOAD_OVERHEAD_BYTES));
}

/** `wanted` bytes, or the fs budget when that is smaller. */
export function withinBudget(ctx: CaseContext, wanted: number): number {
  return Math.min(wanted, fsBudgetBytes(ctx));
}

/** IEEE CRC-32 (zlib's `crc32`), what the device's `crc32` hash type returns. */
export { crc32 } from '../../src/codec/smp/crc32.ts';

/**
 * Upload `content` to `name` from offset 0, each reply a success whose `off` is the bytes written
 * so far. A write the file system refuses (FILE_WRITE_FAILED: full, as SMP cannot delete) leaves
 * the case's precondition unmet, with the figures.
 */
export async function uploadFile(ctx: CaseContext, name: string, content: Uint8Array, chunkBytes = fsChunkBytes(ctx)): Promise<void> {
  let off = 0;
  do {
    const data = content.subarray(off, off + chunkBytes);
    const req = off === 0 ? { off, data, name, len: content.length } : { off, data, name };
    const reply = await ctx.smp.request(smpRequest(fsCommands.upload, req));
    if (isWriteRefused(reply.body)) {
      ctx.skip(`precondition not met: the file system refused ${data.length} bytes at offset ${off} of a ${content.length}-byte file (err {8, 10} FILE_WRITE_FAILED: full, and SMP cannot delete; ${fsRoot(ctx)} needs ${content.length} free bytes)`);
    }
    ctx.expect.smpOk(reply).field('off').toBe(off + data.length);
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

/** A FILE_WRITE_FAILED reply (v2 err {8, 10}): the file system refused the write, commonly because it is full. */
export function isWriteRefused(body: { kind: string; group?: number; rc?: number }): boolean {
  return body.kind === 'errV2' && body.group === 8 && body.rc === FsMgmtErr.FILE_WRITE_FAILED;
}

/**
 * Upload a fresh `bytes`-long file for this case; resolves with its name and content. A file
 * larger than the target's fs budget leaves the precondition unmet.
 */
export async function freshFile(ctx: CaseContext, tag: string, bytes: number): Promise<{ name: string; content: Uint8Array }> {
  const budget = fsBudgetBytes(ctx);
  if (bytes > budget) ctx.skip(`precondition not met: the case needs a ${bytes}-byte file, over the target's fs budget of ${budget} bytes (targets.json smp.fs.budgetBytes)`);
  const name = fileName(ctx, tag);
  const content = ctx.fixtures.bytes(bytes, tag);
  await uploadFile(ctx, name, content);
  return { name, content };
}
