/**
 * Steps the image-management suites share: read the state list, free the secondary slot (the
 * upload cases need it empty and not pending), upload a fixture image in chunks, and the hashes
 * the device is expected to report for it.
 * @see /work/shared/spec/smp.md §3.2
 */
import { createHash } from 'node:crypto';
import { readImgMgmtInfo } from '../../src/codec/image/index.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { imgCommands, ImgMgmtErr, osCommands, type ImageSlotState, type ImageStateRsp, type ImageUploadRsp } from '../../src/codec/smp/groups/index.ts';
import { MgmtGroup } from '../../src/codec/smp/constants.ts';
import type { CaseContext } from '../../src/conformance/index.ts';

/** The slot uploads go to (image 0's secondary slot). */
export const SECONDARY_SLOT = 1;
/** Data bytes per upload chunk: small enough for any buffer and the serial line limits. */
export const CHUNK_BYTES = 256;
/** Payload bytes of the fixture image most cases upload (a few chunks). */
export const IMAGE_PAYLOAD_BYTES = 1024;
/** The fixture images' version as img_mgmt prints it: `1.2.3.4` (v4.0, with build) or `1.2.3`. */
export const FIXTURE_VERSION_TEXT = /^1\.2\.3(\.4)?$/;
/** Time Zephyr waits between the reset reply and the reboot (CONFIG_MCUMGR_GRP_OS_RESET_MS is 250 by default). */
const RESET_SETTLE_MS = 1000;

/** SHA-256 of a whole file: the upload's `sha` field. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** The hash image state reports for `image` (its SHA-256 TLV, as img_mgmt reads it). */
export function stateHashOf(image: Uint8Array): Uint8Array {
  const info = readImgMgmtInfo(image);
  if (!info.ok) throw new RangeError(`fixture image is not listable by img_mgmt: ${info.error.name}`);
  return info.value.hash;
}

/** Read the image state list (a conforming success reply). */
export async function readState(ctx: CaseContext): Promise<ImageStateRsp> {
  return ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.state, {})));
}

/** The entry of image 0's slot `slot`, if listed. */
export function slotEntry(state: ImageStateRsp, slot: number): ImageSlotState | undefined {
  return state.images.find((e) => (e.image ?? 0) === 0 && e.slot === slot);
}

/** Erase is synchronous: the reply comes after the flash erase, which takes seconds on real parts. */
export function eraseTimeoutMs(ctx: CaseContext): number {
  return Math.max(ctx.session.timeouts.responseMs, 5000);
}

function isInUse(reply: Awaited<ReturnType<CaseContext['smp']['request']>>): boolean {
  const b = reply.body;
  return (b.kind === 'errV2' && b.group === MgmtGroup.IMAGE && b.rc === ImgMgmtErr.NO_FREE_SLOT) || (b.kind === 'errV1' && b.rc === 6);
}

async function resetAndWait(ctx: CaseContext): Promise<void> {
  await ctx.smp.request(smpRequest(osCommands.reset, {}));
  await new Promise((resolve) => setTimeout(resolve, RESET_SETTLE_MS));
  await ctx.session.awaitReady();
}

/**
 * Let MCUboot settle a pending or revert state left by an earlier case: reset once (the pending
 * swap happens), and once more when the running image is an unconfirmed test (it reverts).
 */
async function settleBootState(ctx: CaseContext): Promise<void> {
  ctx.mark('slot 1 in use: reset until no swap is pending');
  if (slotEntry(await readState(ctx), SECONDARY_SLOT)?.pending === true) await resetAndWait(ctx);
  if (slotEntry(await readState(ctx), 0)?.confirmed !== true) await resetAndWait(ctx);
}

/**
 * Make the secondary slot empty: erase it; when it is in use (pending, or the revert image),
 * reset the target until it is not (where the target may be reset), else end the case as
 * unsupported. Also clears any upload in progress (erase resets it, #51798).
 */
export async function freeSecondarySlot(ctx: CaseContext): Promise<void> {
  const erase = (): ReturnType<CaseContext['smp']['request']> => ctx.smp.request(smpRequest(imgCommands.erase, { slot: SECONDARY_SLOT }), { timeoutMs: eraseTimeoutMs(ctx) });
  const first = await erase();
  if (first.body.kind === 'ok') return;
  const canReset = ctx.session.capability('smp.os.reset').present && ctx.session.allowsDestructive;
  if (!isInUse(first) || !canReset) ctx.skip(`cannot empty slot ${SECONDARY_SLOT} first: erase answered ${JSON.stringify(first.body)}`);
  await settleBootState(ctx);
  const second = await erase();
  if (second.body.kind !== 'ok') ctx.skip(`slot ${SECONDARY_SLOT} still in use after reset: erase answered ${JSON.stringify(second.body)}`);
}

/** Leave no swap pending (cleanup of cases that mark an image for test). */
export async function settleAfterTest(ctx: CaseContext): Promise<void> {
  if (!ctx.session.capability('smp.os.reset').present || !ctx.session.allowsDestructive) return;
  await settleBootState(ctx);
}

/** The first chunk of `image` (with `len`, `sha` and `image` 0). */
export function firstChunk(image: Uint8Array, chunkBytes = CHUNK_BYTES, sha: Uint8Array = sha256(image)): { image: number; len: number; off: number; sha: Uint8Array; data: Uint8Array } {
  return { image: 0, len: image.length, off: 0, sha, data: image.subarray(0, chunkBytes) };
}

/**
 * Upload `image` from offset 0 in `chunkBytes` chunks, each reply judged a success whose `off`
 * is the bytes accepted so far; resolves with the last reply.
 */
export async function uploadImage(ctx: CaseContext, image: Uint8Array, options: { chunkBytes?: number; sha?: Uint8Array } = {}): Promise<ImageUploadRsp> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  let last = ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, firstChunk(image, chunkBytes, options.sha ?? sha256(image)))));
  let off = Math.min(chunkBytes, image.length);
  while (off < image.length) {
    last.field('off').toBe(off);
    const data = image.subarray(off, off + chunkBytes);
    last = ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, { off, data })));
    off += data.length;
  }
  return last.field('off').toBe(image.length);
}

/** The running image's hash (slot 0 of image 0), failing the case when it is not listed. */
export async function runningHash(ctx: CaseContext): Promise<Uint8Array> {
  const entry = slotEntry(await readState(ctx), 0);
  ctx.expect.that(entry !== undefined, { check: 'precondition', expected: 'image state lists slot 0 (the running image)', actual: 'slot 0 not listed' });
  return entry?.hash ?? new Uint8Array(0);
}

/** A state write whose body is given as is (wrong lengths and types on purpose). */
export async function stateWrite(ctx: CaseContext, body: Record<string, unknown>, version?: number) {
  return ctx.smp.request(version === undefined ? { command: imgCommands.stateWrite, body } : { command: imgCommands.stateWrite, body, version });
}

/** Upload a fixture image to slot 1 and mark it for test; `body` runs, then the boot state is settled. */
export async function withPendingTest(ctx: CaseContext, body: (hash: Uint8Array) => Promise<void>): Promise<void> {
  const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
  await freeSecondarySlot(ctx);
  await uploadImage(ctx, image);
  ctx.expect.smpOk(await stateWrite(ctx, { hash: stateHashOf(image), confirm: false }));
  try {
    await body(stateHashOf(image));
  } finally {
    await settleAfterTest(ctx);
  }
}
