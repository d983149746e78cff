/**
 * Steps of the image DFU cases (suites/smp/img-dfu.suite.ts): chunked upload that judges every
 * reply, image state, erase, reset and wait. Requests the device may lose (a dropped reply) are
 * asked once more: the cases judge the device's answers, not the link's luck.
 * @see /work/shared/spec/smp.md §3.2, §3.1.5
 */
import { createHash } from 'node:crypto';
import { readImgMgmtInfo } from '../../src/codec/image/index.ts';
import { smpRequest, type SmpRequest } from '../../src/codec/smp/command.ts';
import { imgCommands, type ImageSlotState, type ImageUploadReq } from '../../src/codec/smp/groups/img.ts';
import { osCommands } from '../../src/codec/smp/groups/os.ts';
import type { CaseContext } from '../../src/conformance/index.ts';

/** Room the first chunk's other fields (image, len, off, sha, upgrade) take, rounded up. */
const FIELD_OVERHEAD_BYTES = 100;
const UDP_LIMIT_BYTES = 1500;

function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'E_TIMEOUT';
}

/** Send a request; a lost reply is asked for once more (same request, new seq). */
export async function ask<Rsp>(ctx: CaseContext, req: SmpRequest<Rsp>, timeoutMs = ctx.session.timeouts.responseMs) {
  return (await askTwice(ctx, req, timeoutMs)).reply;
}

/** `ask`, also saying whether the first reply was lost (the device may have acted on the request). */
async function askTwice<Rsp>(ctx: CaseContext, req: SmpRequest<Rsp>, timeoutMs = ctx.session.timeouts.responseMs) {
  try {
    return { reply: await ctx.smp.request(req, { timeoutMs }), isRetry: false };
  } catch (e) {
    if (!isTimeout(e)) throw e;
    ctx.log(`no reply to ${req.command.name} within ${timeoutMs} ms; asked once more`);
    return { reply: await ctx.smp.request(req, { timeoutMs }), isRetry: true };
  }
}

/** Data bytes per chunk: the device buffer (less serial length + CRC) and UDP's 1500, less the fields. */
export function chunkBytes(ctx: CaseContext): number {
  const bufSize = ctx.session.params?.bufSize ?? 384;
  const limit = ctx.transport === 'serial' ? bufSize - 4 : ctx.transport === 'udp' ? Math.min(bufSize, UDP_LIMIT_BYTES) : bufSize;
  return Math.max(32, limit - 8 - FIELD_OVERHEAD_BYTES);
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** SHA-256 of the whole file: the upload `sha`. */
export function fileSha(image: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(image).digest());
}

/** The hash image state shows for a slot holding `image` (the SHA-256 TLV as img_mgmt reads it). */
export function stateHash(image: Uint8Array): Uint8Array | undefined {
  const info = readImgMgmtInfo(image);
  return info.ok ? info.value.hash : undefined;
}

/** How an upload run should go. */
export interface UploadPlan {
  sha?: Uint8Array;
  upgrade?: boolean;
  image?: number;
  /** Start at this offset with a continuation chunk (no first-chunk fields). */
  from?: number;
  /** Stop before sending the chunk that would start at or after this offset. */
  stopAt?: number;
}

/**
 * Upload `image` chunk by chunk. Each success reply must carry `off` = the end of the chunk (or
 * `len` at once when the device already holds the image); returns the last reply, or the first
 * error reply for the case to judge.
 */
export async function upload(ctx: CaseContext, image: Uint8Array, plan: UploadPlan = {}) {
  const size = chunkBytes(ctx);
  let off = plan.from ?? 0;
  let restarts = 0;
  for (;;) {
    const data = image.subarray(off, Math.min(off + size, image.length));
    const first: Omit<ImageUploadReq, 'off' | 'data'> =
      off === 0 ? { len: image.length, sha: plan.sha ?? fileSha(image), ...(plan.image === undefined ? {} : { image: plan.image }), ...(plan.upgrade ? { upgrade: true } : {}) } : {};
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
    if (off >= image.length || (plan.stopAt !== undefined && off >= plan.stopAt)) return reply;
  }
}

/** The image state's slots (a success reply is required). */
export async function slots(ctx: CaseContext): Promise<ImageSlotState[]> {
  return ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.state, {}))).images;
}

/** The listed entry of `slot` (image 0), if any. */
export async function slotState(ctx: CaseContext, slot: number): Promise<ImageSlotState | undefined> {
  return (await slots(ctx)).find((s) => s.slot === slot && (s.image ?? 0) === 0);
}

/** Erase slot 1 so each case starts from an empty secondary slot; a refusal is only noted. */
export async function clearSecondary(ctx: CaseContext): Promise<void> {
  const reply = await ask(ctx, smpRequest(imgCommands.erase, { slot: 1 }), Math.max(ctx.session.timeouts.responseMs, 5000));
  if (reply.body.kind !== 'ok') ctx.log(`erase of slot 1 before the case was refused (${reply.body.kind})`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reset and wait until the device answers again (it replies first, then reboots). */
export async function resetAndWait(ctx: CaseContext): Promise<void> {
  // Not asked twice: a lost reply may hide a reset already under way, and a second one would
  // undo a test swap (revert).
  try {
    ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.reset, {}), { timeoutMs: ctx.session.timeouts.responseMs }));
  } catch (e) {
    if (!isTimeout(e)) throw e;
    ctx.log('no reply to reset; waiting for the device anyway');
  }
  ctx.mark('reset');
  await sleep(1000);
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await ctx.smp.request(smpRequest(imgCommands.state, {}), { timeoutMs: 1000 });
      return;
    } catch (e) {
      if (!isTimeout(e) || Date.now() > deadline) throw e;
    }
  }
}

/**
 * Check that a reset really reboots before a case marks anything pending: an upload in progress
 * must be gone afterwards (a continuation chunk is answered with off 0).
 */
export async function expectResetReboots(ctx: CaseContext, probe: Uint8Array): Promise<void> {
  await upload(ctx, probe, { stopAt: 1 });
  const expected = Math.min(chunkBytes(ctx), probe.length);
  await resetAndWait(ctx);
  const after = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.upload, { off: expected, data: probe.subarray(expected, expected + 16) })));
  ctx.expect.that(after.off === 0, { check: 'reset reboots', expected: 'upload state gone after the reset: "off": 0', actual: `"off": ${after.off}` });
}
