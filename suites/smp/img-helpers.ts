/**
 * Steps the image-management suites share: read the state list, free the secondary slot, upload a
 * fixture image (through the case kit's `uploadImageSteps`), reset and wait, and the hashes the
 * device is expected to report. Requests the device may lose (a dropped reply) are asked once
 * more: the cases judge the device's answers, not the link's luck.
 * @see docs/spec/smp.md §3.2, §3.1.5
 */
import { readImgMgmtInfo } from '../../src/codec/image/index.ts';
import { MgmtGroup } from '../../src/codec/smp/constants.ts';
import { smpRequest, type SmpRequest } from '../../src/codec/smp/command.ts';
import { imgCommands, ImgMgmtErr, osCommands, type ImageSlotState, type ImageStateRsp, type ImageUploadRsp } from '../../src/codec/smp/groups/index.ts';
import { askTwice, sha256, uploadChunkBytes, uploadImageSteps, type CaseContext, type SmpReply, type UploadSteps } from '../../src/conformance/index.ts';

export { sha256 };

/** The slot uploads go to (image 0's secondary slot). */
export const SECONDARY_SLOT = 1;
/**
 * Data bytes per chunk of the upload cases' hand-made chunks: even a first chunk with the widest
 * fields (32-bit `len` and `off`, a 33-byte `sha`, `image`, `upgrade`) stays a 217-byte packet,
 * within Zephyr's default serial transport MTU of 256 (docs/spec/smp.md §4.3, §4.7).
 */
export const CHUNK_BYTES = 128;
/** Payload bytes of the fixture image most cases upload (a few chunks). */
export const IMAGE_PAYLOAD_BYTES = 1024;
/** The fixture images' version as img_mgmt prints it: `1.2.3.4` (v4.0, with build) or `1.2.3`. */
export const FIXTURE_VERSION_TEXT = /^1\.2\.3(\.4)?$/;
/** Time Zephyr waits between the reset reply and the reboot (CONFIG_MCUMGR_GRP_OS_RESET_MS is 250 by default). */
const RESET_SETTLE_MS = 1000;
/** How long a device may take to answer again after a reset (a swap copies both slots). */
const REBOOT_WAIT_MS = 20_000;

/** Send a request; a lost reply is asked for once more (same request, new seq). */
export async function ask<Rsp>(ctx: CaseContext, req: SmpRequest<Rsp>, timeoutMs = ctx.session.timeouts.responseMs): Promise<SmpReply<Rsp>> {
  return (await askTwice(ctx, req, timeoutMs)).reply;
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The hash image state shows for a slot holding `image` (its SHA-256 TLV, as img_mgmt reads it); undefined when img_mgmt cannot list it. */
export function stateHashOf(image: Uint8Array): Uint8Array | undefined {
  const info = readImgMgmtInfo(image);
  return info.ok ? info.value.hash : undefined;
}

/** `stateHashOf` for a fixture image, which img_mgmt always lists. */
export function fixtureStateHash(image: Uint8Array): Uint8Array {
  const hash = stateHashOf(image);
  if (hash === undefined) throw new RangeError('fixture image is not listable by img_mgmt');
  return hash;
}

/** Read the image state list (a conforming success reply). */
export async function readState(ctx: CaseContext): Promise<ImageStateRsp> {
  return ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.state, {})));
}

/** The entry of image 0's slot `slot`, if listed. */
export function slotEntry(state: ImageStateRsp, slot: number): ImageSlotState | undefined {
  return state.images.find((e) => (e.image ?? 0) === 0 && e.slot === slot);
}

/** The listed entry of `slot` (image 0), read now. */
export async function slotState(ctx: CaseContext, slot: number): Promise<ImageSlotState | undefined> {
  return slotEntry(await readState(ctx), slot);
}

/** Erase is synchronous: the reply comes after the flash erase, which takes seconds on real parts. */
export function eraseTimeoutMs(ctx: CaseContext): number {
  return Math.max(ctx.session.timeouts.responseMs, 5000);
}

function isInUse(reply: SmpReply<unknown>): boolean {
  const b = reply.body;
  return (b.kind === 'errV2' && b.group === MgmtGroup.IMAGE && b.rc === ImgMgmtErr.NO_FREE_SLOT) || (b.kind === 'errV1' && b.rc === 6);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reset and wait until the device answers again (it replies first, then reboots). */
export async function resetAndWait(ctx: CaseContext): Promise<void> {
  // A target reset another way (a probe command, a relay) is reset that way, then waited for.
  if (ctx.session.resetMethod === 'command' && ctx.session.resetDevice) {
    ctx.mark('reset');
    ctx.log(`reset by the target's command: ready again after ${(await ctx.session.resetDevice()).toFixed(0)} ms`);
    return;
  }
  // Not asked twice: a lost reply may hide a reset already under way, and a second one would
  // undo a test swap (revert).
  try {
    ctx.expect.smpOk(await ctx.smp.request(smpRequest(osCommands.reset, {}), { timeoutMs: ctx.session.timeouts.responseMs }));
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'E_TIMEOUT') throw e;
    ctx.log('no reply to reset; waiting for the device anyway');
  }
  ctx.mark('reset');
  await sleep(RESET_SETTLE_MS);
  await ctx.session.awaitReady({ timeoutMs: REBOOT_WAIT_MS });
}

/**
 * Let MCUboot settle a pending or revert state left by an earlier case: reset once (the pending
 * swap happens), and once more when the running image is an unconfirmed test (it reverts).
 */
async function settleBootState(ctx: CaseContext): Promise<void> {
  ctx.mark('slot 1 in use: reset until no swap is pending');
  if ((await slotState(ctx, SECONDARY_SLOT))?.pending === true) await resetAndWait(ctx);
  if ((await slotState(ctx, 0))?.confirmed !== true) await resetAndWait(ctx);
}

/**
 * Make the secondary slot empty: erase it; when it is in use (pending, or the revert image),
 * reset the target until it is not (where the target may be reset). Otherwise `onRefusal`
 * decides: `skip` ends the case as unsupported (it needs the slot empty), `note` only logs it
 * (the case judges what follows). Also clears any upload in progress (erase resets it, #51798).
 */
export async function freeSecondarySlot(ctx: CaseContext, onRefusal: 'skip' | 'note' = 'skip'): Promise<void> {
  const erase = (): Promise<SmpReply<unknown>> => ask(ctx, smpRequest(imgCommands.erase, { slot: SECONDARY_SLOT }), eraseTimeoutMs(ctx));
  const first = await erase();
  if (first.body.kind === 'ok') return;
  const canReset = ctx.session.capability('smp.os.reset').present && ctx.session.allowsDestructive;
  if (onRefusal === 'note') return ctx.log(`erase of slot ${SECONDARY_SLOT} before the case was refused (${first.body.kind})`);
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

/** The first chunk of `image` (with `len`, `sha` and `image` 0), `chunkBytes` of data. */
export function firstChunk(image: Uint8Array, chunkBytes = CHUNK_BYTES, sha: Uint8Array = sha256(image)): { image: number; len: number; off: number; sha: Uint8Array; data: Uint8Array } {
  return { image: 0, len: image.length, off: 0, sha, data: image.subarray(0, chunkBytes) };
}

/**
 * Upload a whole fixture image to image 0 in `CHUNK_BYTES` chunks, every reply judged a success
 * whose `off` is the bytes accepted so far; resolves with the last reply.
 */
export async function uploadImage(ctx: CaseContext, image: Uint8Array, steps: Pick<UploadSteps, 'sha'> = {}): Promise<ImageUploadRsp> {
  return ctx.expect.smpOk(await uploadImageSteps(ctx, image, { image: 0, chunkBytes: CHUNK_BYTES, ...steps }));
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
  ctx.expect.smpOk(await stateWrite(ctx, { hash: fixtureStateHash(image), confirm: false }));
  try {
    await body(fixtureStateHash(image));
  } finally {
    await settleAfterTest(ctx);
  }
}

/**
 * Check that a reset really reboots before a case marks anything pending: an upload in progress
 * must be gone afterwards (a continuation chunk is answered with off 0).
 */
export async function expectResetReboots(ctx: CaseContext, probe: Uint8Array): Promise<void> {
  await uploadImageSteps(ctx, probe, { stopAt: 1 });
  const expected = Math.min(uploadChunkBytes(ctx), probe.length);
  await resetAndWait(ctx);
  const after = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.upload, { off: expected, data: probe.subarray(expected, expected + 16) })));
  ctx.expect.that(after.off === 0, { check: 'reset reboots', expected: 'upload state gone after the reset: "off": 0', actual: `"off": ${after.off}` });
}
