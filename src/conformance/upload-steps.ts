/**
 * Image upload as a case performs it: chunk by chunk, every reply judged where the case can see
 * it, sized by the client's exact chunk arithmetic (src/client/chunk-size.ts) for the session's
 * link and MCUmgr buffer. Unlike the client's pipelined engine (src/client/image-upload.ts), which
 * recovers from whatever the device does, this one stops at the first error reply and hands it to
 * the case, and can stop or resume at a given offset: the upload is the stimulus here.
 * @see docs/spec/smp.md §3.2.3, §4.1, §4.7
 */
import { createHash } from 'node:crypto';
import { maxChunkData, maxRequestBytes } from '../client/chunk-size.ts';
import type { SmpReply } from '../client/smp-client.ts';
import { smpRequest, type SmpRequest } from '../codec/smp/command.ts';
import { IMAGE_HASH_BYTES, imgCommands, type ImageUploadReq, type ImageUploadRsp } from '../codec/smp/groups/img.ts';
import type { CaseContext } from './declaration.ts';
import { hasErrorCode } from './errors.ts';

/**
 * SMP buffer size assumed when the device does not report MCUmgr params: Zephyr's default
 * `CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE`.
 * @see docs/spec/smp.md §4.1
 */
export const ASSUMED_BUF_SIZE_BYTES = 384;

/** SHA-256 of a whole image file: the upload's `sha` field. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * Largest request packet a case builds on purpose: the session's limit (buf_size, serial transport
 * MTU, UDP 1500), else what buf_size and the link allow.
 * @see docs/spec/smp.md §4.3, §4.7
 */
export function requestLimitBytes(ctx: CaseContext): number {
  const own = maxRequestBytes({ kind: ctx.transport, bufSize: ctx.session.params?.bufSize ?? ASSUMED_BUF_SIZE_BYTES });
  const session = ctx.session.maxRequestBytes;
  return session === undefined ? own : Math.min(own, session);
}

/** Widest first-chunk fields: 32-bit `len` and `off`, a full `sha`, `image` and `upgrade`. */
const WIDEST_FIELDS = { image: 0, len: 0xffff_ffff, off: 0xffff_ffff, sha: new Uint8Array(IMAGE_HASH_BYTES), upgrade: true };

/**
 * Data bytes per chunk on this case's link: the largest `data` that keeps any chunk, even a first
 * one with the widest fields, within the device buffer and the transport's packet limit. The same
 * for every chunk and image, so a case can name chunk boundaries (`stopAt: 2 * size`).
 */
export function uploadChunkBytes(ctx: CaseContext): number {
  const limit = requestLimitBytes(ctx);
  return Math.max(1, maxChunkData(WIDEST_FIELDS, Number.isFinite(limit) ? limit : ASSUMED_BUF_SIZE_BYTES));
}

/** Send a request; a lost reply is asked for once more (same request, new seq). `isRetry` says it was. */
export async function askTwice<Rsp>(ctx: CaseContext, req: SmpRequest<Rsp>, timeoutMs = ctx.session.timeouts.responseMs): Promise<{ reply: SmpReply<Rsp>; isRetry: boolean }> {
  try {
    return { reply: await ctx.smp.request(req, { timeoutMs }), isRetry: false };
  } catch (e) {
    if (!hasErrorCode(e, 'E_TIMEOUT')) throw e;
    ctx.log(`no reply to ${req.command.name} within ${timeoutMs} ms; asked once more`);
    return { reply: await ctx.smp.request(req, { timeoutMs }), isRetry: true };
  }
}

/** How a case's upload should go. */
export interface UploadSteps {
  /** The first chunk's `sha` (default: the image's SHA-256). */
  sha?: Uint8Array;
  upgrade?: boolean;
  /** The first chunk's `image` field (default: omitted). */
  image?: number;
  /** Data bytes per chunk (default: `uploadChunkBytes`). */
  chunkBytes?: number;
  /** Start at this offset with a continuation chunk (no first-chunk fields). */
  from?: number;
  /** Stop before sending the chunk that would start at or after this offset. */
  stopAt?: number;
}

/**
 * Upload `image` chunk by chunk. Each success reply must carry `off` = the end of the chunk (or
 * `len` at once when the device already holds the image); returns the last reply, or the first
 * error reply for the case to judge. A lost reply is asked for once more.
 */
export async function uploadImageSteps(ctx: CaseContext, image: Uint8Array, steps: UploadSteps = {}): Promise<SmpReply<ImageUploadRsp>> {
  const size = steps.chunkBytes ?? uploadChunkBytes(ctx);
  let off = steps.from ?? 0;
  let restarts = 0;
  for (;;) {
    const data = image.subarray(off, Math.min(off + size, image.length));
    const first: Omit<ImageUploadReq, 'off' | 'data'> =
      off === 0 ? { len: image.length, sha: steps.sha ?? sha256(image), ...(steps.image === undefined ? {} : { image: steps.image }), ...(steps.upgrade ? { upgrade: true } : {}) } : {};
    const { reply, isRetry } = await askTwice(ctx, smpRequest(imgCommands.upload, { ...first, off, data }));
    if (reply.body.kind !== 'ok') return reply;
    const next = ctx.expect.smpOk(reply).off;
    if (off === 0 && next === image.length) return reply;
    // The lost reply was the last one: the device finished and forgot the upload, so start over.
    if (isRetry && next === 0 && off !== 0 && restarts++ === 0) {
      off = 0;
      continue;
    }
    ctx.expect.that(next === off + data.length, { check: 'upload "off"', expected: `"off": ${off + data.length} (end of the chunk at ${off})`, actual: `"off": ${next}` });
    off = next;
    if (off >= image.length || (steps.stopAt !== undefined && off >= steps.stopAt)) return reply;
  }
}
