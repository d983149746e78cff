/**
 * Image DFU flows (group 1): upload → image state → test / confirm → reset → erase, re-upload,
 * resume, downgrade prevention, slots that cannot be written, and every corrupt variant of the
 * image codec's corruptor with the verdict a correct img_mgmt gives.
 * @see docs/spec/smp.md §3.2, §5.7, §6.6
 */
import {
  CORRUPTIONS, corruptImage, generateImageKeyPem, signMcubootImage, type CorruptionKind, type ImgMgmtSlotError, type ImgMgmtSlotInfo,
} from '../../src/codec/image/index.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { ImgMgmtErr, imgCommands } from '../../src/codec/smp/groups/img.ts';
import { MgmtGroup } from '../../src/codec/smp/constants.ts';
import { defineSuite, uploadChunkBytes, uploadImageSteps, type CaseContext, type SuiteBuilder } from '../../src/conformance/index.ts';
import { ask, bytesEqual, expectResetReboots, freeSecondarySlot, resetAndWait, sha256, slotState, stateHashOf } from './img-helpers.ts';

const IMG = MgmtGroup.IMAGE;
const UPLOAD = ['smp.img.upload', 'smp.img.state'];
/** Newer than anything a test device runs, so test/confirm swaps are upgrades. */
const NEW_VERSION = { major: 9, minor: 1, revision: 0, build: 0 };

/** A hash-only image of about two and a half chunks. */
function dfuImage(ctx: CaseContext, label: string, version = NEW_VERSION): Uint8Array {
  return ctx.fixtures.image(Math.floor(uploadChunkBytes(ctx) * 2.5), { version, label });
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '(none)' : Buffer.from(bytes).toString('hex');
}

/** Slot `slot` must be listed with `image`'s SHA-256 TLV value. */
async function expectListed(ctx: CaseContext, slot: number, image: Uint8Array): Promise<void> {
  const listed = await slotState(ctx, slot);
  const want = stateHashOf(image);
  ctx.expect.that(listed !== undefined && want !== undefined && bytesEqual(listed.hash, want), {
    check: `image state slot ${slot}`, expected: `slot ${slot} listed with "hash" ${hex(want)} (the SHA-256 TLV, not the file hash)`,
    actual: listed ? `slot ${slot} "hash" ${hex(listed.hash)}` : `slot ${slot} not listed`,
  });
}

/** Fixed ids per corrupt variant: ids never move when the catalogue grows. */
const CORRUPT_IDS: Partial<Record<CorruptionKind, number>> = {
  'bad-magic': 101, 'legacy-magic': 102, 'erased-header': 103, 'wrong-hash-tlv': 104, 'flipped-payload-byte': 105, truncated: 106,
  'bad-signature': 107, 'wrong-key': 108, 'tlv-area-too-long': 109, 'tlv-area-too-short': 110, 'tlv-entry-too-long': 111,
  'protected-size-lie': 112, 'version-downgrade': 113, 'duplicate-hash-tlv': 114, 'no-hash-tlv': 115,
};

const SIGNING_KEY = generateImageKeyPem('ecdsa-p256').privatePem;

/** A signed base image (ECDSA P-256) for the variants; deterministic body per case. */
function signedImage(ctx: CaseContext): Uint8Array {
  const built = signMcubootImage({ payload: ctx.fixtures.bytes(Math.floor(uploadChunkBytes(ctx) * 2.5), 'corrupt-base'), version: NEW_VERSION, key: SIGNING_KEY });
  if (!built.ok) throw new RangeError(built.error);
  return built.value;
}

defineSuite({ id: 'smp/img-dfu', protocol: 'SMP', feature: 'img', title: 'Image management: DFU flows' }, (s) => {
  s.case({
    id: 'SMP-IMG-DFU-001',
    title: 'after an upload, image state lists the image\'s SHA-256 TLV in slot 1, not pending, not active',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'Note that this will not be the same as the SHA256 of the whole file, it is the field in the MCUboot TLV section that contains a hash of the data which is used for signature verification purposes.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Erase slot 1, upload a valid image (chunk by chunk, sha = SHA-256 of the file), read image state.',
    requirement: 'Every chunk answered with the next offset; slot 1 listed with "hash" = the image\'s SHA-256 TLV (§5.7), its version, and neither pending, active nor confirmed.',
    async run(ctx) {
      const image = dfuImage(ctx, 'dfu-001');
      await freeSecondarySlot(ctx, 'note');
      const last = ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      ctx.expect.that(last.match !== false, { expected: '"match" absent or true for a correct sha', actual: '"match": false' });
      await expectListed(ctx, 1, image);
      const slot1 = await slotState(ctx, 1);
      ctx.expect.that(slot1?.version.startsWith('9.1.0') === true && slot1.pending !== true && slot1.active !== true && slot1.confirmed !== true, {
        expected: 'version 9.1.0, not pending, not active, not confirmed', actual: JSON.stringify({ ...slot1, hash: undefined }),
      });
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-002',
    title: 're-uploading the image a slot already holds completes (at once with match true, or by rewriting it)',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'indicates if the uploaded data successfully matches the provided SHA256 hash or not, only sent in the final packet if CONFIG_IMG_ENABLE_IMAGE_CHECK is enabled.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Upload an image, then upload the same image again with the same full 32-byte sha.',
    requirement: 'The second upload ends with "off" = len (image-check builds answer the first chunk with off = len and "match": true, PR #50478); slot 1 still lists the image\'s hash.',
    async run(ctx) {
      const image = dfuImage(ctx, 'dfu-002');
      await freeSecondarySlot(ctx, 'note');
      ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      const again = ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      again.field('off').toBe(image.length);
      ctx.expect.note(again.match === true ? 'answered at once: off = len, match true' : 'image rewritten');
      await expectListed(ctx, 1, image);
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-003',
    title: 'an upload whose sha does not match the data ends with "match": false',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'indicates if the uploaded data successfully matches the provided SHA256 hash or not, only sent in the final packet if CONFIG_IMG_ENABLE_IMAGE_CHECK is enabled.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Upload a valid image with "sha" = 32 bytes that are not its SHA-256.',
    requirement: 'No error: the upload completes (off = len); with image check the last reply has "match": false (AuTerm#64 had this inverted). Without "match" the device does not check (informational).',
    async run(ctx) {
      const image = dfuImage(ctx, 'dfu-003');
      await freeSecondarySlot(ctx, 'note');
      const wrong = sha256(image).map((b) => b ^ 0xff);
      const last = ctx.expect.smpOk(await uploadImageSteps(ctx, image, { sha: wrong }));
      last.field('off').toBe(image.length);
      if (last.match === undefined) ctx.expect.note('no "match" in the last reply: image check not built in');
      else last.field('match').toBe(false);
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-004',
    title: 'erase of slot 1 removes its image from image state',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'A response will only contain information for valid images, if an image can not be identified as valid it is simply skipped.' }, requires: [...UPLOAD, 'smp.img.erase'], story: 'erase', destructive: true,
    stimulus: 'Upload an image to slot 1, then erase with "slot": 1, then read image state.',
    requirement: 'Erase answers {} and slot 1 is no longer listed (an erased slot has no valid header).',
    async run(ctx) {
      const image = dfuImage(ctx, 'dfu-004');
      ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.erase, { slot: 1 }), Math.max(ctx.session.timeouts.responseMs, 5000)));
      const listed = await slotState(ctx, 1);
      ctx.expect.that(listed === undefined, { expected: 'slot 1 not listed after erase', actual: `slot 1 listed, "hash" ${hex(listed?.hash)}` });
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-005',
    title: 'an interrupted upload resumes at the offset the device names, and the image arrives whole',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'If library gets request with "off" equal zero it checks stored "sha" within its state and if it matches it will respond to update client application with offset that it should continue with.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Upload two chunks, repeat the first chunk (same sha), then send a chunk that skips ahead, then finish from the offset the device names.',
    requirement: 'The repeated first chunk is answered with the current offset (resume, nothing rewritten); the skipping chunk with {"off": expected} and nothing written; the finished image is listed with its hash.',
    async run(ctx) {
      const image = dfuImage(ctx, 'dfu-005');
      await freeSecondarySlot(ctx, 'note');
      // Two chunks in: a device that restarts instead of resuming would answer the end of one.
      const first = ctx.expect.smpOk(await uploadImageSteps(ctx, image, { stopAt: 2 * uploadChunkBytes(ctx) }));
      const again = { len: image.length, off: 0, sha: sha256(image), data: image.subarray(0, uploadChunkBytes(ctx)) };
      const resumed = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.upload, again)));
      resumed.field('off').toBe(first.off);
      const skip = first.off + 64;
      const mismatch = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.upload, { off: skip, data: image.subarray(skip, skip + 64) })));
      mismatch.field('off').toBe(first.off);
      ctx.expect.smpOk(await uploadImageSteps(ctx, image, { from: mismatch.off }));
      await expectListed(ctx, 1, image);
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-006',
    title: 'an upload to an image number the device does not have should be refused (err 9 NO_FREE_SLOT)',
    level: 'SHOULD',
    levelNote: 'the SMP documents name no refusal for an image number the device lacks; Zephyr\'s single-image builds ignore it on upload by design (zephyr_img_mgmt.c)',
    spec: { doc: 'smp-digest', section: '3.2.3 Upload (1, op 2)', quote: 'no usable slot → expected group error 9 NO_FREE_SLOT' },
    requires: UPLOAD, story: 'upload',
    stimulus: 'First upload chunk with "image": 7 (Zephyr has at most 2 images, 4 slots; with direct upload 7 means slot 6).',
    requirement: 'A group error: 9 NO_FREE_SLOT (older firmware rc 5 "no slot"); 14 INVALID_SLOT is accepted too. Nothing is written. SHOULD, not MUST: the SMP text only says "image" is the "target image number", and names no refusal for a number the device lacks; Zephyr\'s single-image builds ignore it on upload by design (zephyr_img_mgmt.c, "ignoring the slot parameter").',
    async run(ctx) {
      const reply = await uploadImageSteps(ctx, dfuImage(ctx, 'dfu-006'), { image: 7 });
      ctx.expect.mgmtErr(reply, [{ v2: { group: IMG, rc: ImgMgmtErr.NO_FREE_SLOT } }, { v2: { group: IMG, rc: ImgMgmtErr.INVALID_SLOT } }, { rc: 5 }]);
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-007',
    title: 'with "upgrade": true an image older than the running one is refused (err 27)',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload request', quote: 'optional flag that states that only upgrade should be allowed, so if the version of uploaded software is not higher then already on a device, the image upload will be rejected.' }, requires: UPLOAD, story: 'upload',
    stimulus: 'First upload chunk of a version 0.0.1 image with "upgrade": true.',
    requirement: 'Group error 27 CURRENT_VERSION_IS_NEWER (v1: rc 6); nothing written.',
    async run(ctx) {
      const older = dfuImage(ctx, 'dfu-007', { major: 0, minor: 0, revision: 1, build: 0 });
      await freeSecondarySlot(ctx, 'note');
      ctx.expect.mgmtErr(await uploadImageSteps(ctx, older, { upgrade: true }), { v2: { group: IMG, rc: ImgMgmtErr.CURRENT_VERSION_IS_NEWER } });
      const listed = await slotState(ctx, 1);
      const refused = stateHashOf(older);
      ctx.expect.that(!(listed && refused && bytesEqual(listed.hash, refused)), { expected: 'the refused image is not in slot 1', actual: `slot 1 holds it (version ${listed?.version ?? ''})` });
    },
  });

  defineCorruptCases(s);
  defineSwapCases(s);
});

function defineCorruptCases(s: SuiteBuilder): void {
  for (const c of CORRUPTIONS) {
    const n = CORRUPT_IDS[c.kind];
    if (n === undefined) continue;
    const isRejected = c.verdict.upload === 'rejected';
    s.case({
      id: `SMP-IMG-DFU-${n}`,
      title: isRejected
        ? `corrupt image "${c.kind}": the first chunk is refused (err ${c.verdict.imgMgmtErr?.rc ?? '?'})`
        : `corrupt image "${c.kind}": upload accepted, image state shows what img_mgmt reads from the slot`,
      level: isRejected ? 'MUST' : 'SHOULD',
      ...(isRejected ? {} : { levelNote: 'no SMP document says whether a server verifies an image at upload; accepting every chunk and listing what the slot holds is Zephyr\'s img_mgmt' }),
      spec: isRejected
        ? { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The image header magic value does not match the expected value.' }
        : { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'A response will only contain information for valid images, if an image can not be identified as valid it is simply skipped.' },
      requires: UPLOAD, story: 'upload', destructive: !isRejected,
      stimulus: `Upload a ${c.description} variant of a signed image to an erased slot 1, then read image state.`,
      requirement: isRejected
        ? `${c.verdict.summary}.`
        : `img_mgmt checks only the magic at upload, so every chunk is accepted; image state lists slot 1 exactly when img_mgmt_read_info accepts its TLVs, with the SHA-256 TLV value it reads (the device only finds the defect at swap: ${c.verdict.boot === 'refused' ? 'MCUboot refuses to boot it' : 'boot ' + c.verdict.boot}, not checked here).`,
      async run(ctx) {
        const variant = corruptImage(signedImage(ctx), c.kind, { key: SIGNING_KEY });
        if (!variant.ok) return ctx.skip(`variant not applicable: ${variant.error}`);
        await freeSecondarySlot(ctx, 'note');
        const reply = await uploadImageSteps(ctx, variant.value.bytes);
        if (isRejected) {
          ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: c.verdict.imgMgmtErr?.rc ?? 0 } });
          return;
        }
        ctx.expect.smpOk(reply).field('off').toBe(variant.value.bytes.length);
        await expectStateVerdict(ctx, variant.value.bytes, variant.value.imgMgmt);
      },
    });
  }
}

/** Listed with the hash img_mgmt reads, or (rejected by its TLV walk) not listed with any hash of this image. */
async function expectStateVerdict(ctx: CaseContext, bytes: Uint8Array, model: { ok: true; value: ImgMgmtSlotInfo } | { ok: false; error: ImgMgmtSlotError }): Promise<void> {
  const listed = await slotState(ctx, 1);
  if (model.ok) {
    ctx.expect.that(listed !== undefined && bytesEqual(listed.hash, model.value.hash), {
      check: 'image state slot 1', expected: `slot 1 listed with "hash" ${hex(model.value.hash)}`,
      actual: listed ? `slot 1 "hash" ${hex(listed.hash)}` : 'slot 1 not listed',
    });
    return;
  }
  const computed = sha256(bytes);
  ctx.expect.that(listed === undefined, {
    check: 'image state slot 1', expected: `slot 1 not listed (img_mgmt_read_info: ${model.error.name} at byte ${model.error.at})`,
    actual: `slot 1 listed, "hash" ${hex(listed?.hash)}${listed && bytesEqual(listed.hash, computed) ? ' (the file hash)' : ''}`,
  });
}

function defineSwapCases(s: SuiteBuilder): void {
  const requires = [...UPLOAD, 'smp.img.erase', 'smp.os.reset'];
  s.case({
    id: 'SMP-IMG-DFU-009',
    title: 'test marks slot 1 pending; after a reset it runs unconfirmed; a second reset reverts to the old image',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'If "confirm" is false or not provided, an image with the "hash" will be set for test, which means that it will not be marked as permanent and upon hard reset the previous application will be restored to the primary slot.' }, requires, story: 'state', destructive: true, timeoutMs: 120_000,
    stimulus: 'Check a reset reboots; upload a newer image; state write {hash, confirm: false}; reset; read state; reset again; read state; erase slot 1.',
    requirement: 'After test: slot 1 pending, not permanent. After the first reset: slot 0 runs the new image, not confirmed. After the second: the old image runs again, confirmed (MCUboot revert, §5.8).',
    async run(ctx) {
      await freeSecondarySlot(ctx, 'note');
      await expectResetReboots(ctx, dfuImage(ctx, 'dfu-009-probe'));
      const before = await slotState(ctx, 0);
      const image = dfuImage(ctx, 'dfu-009');
      ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      const tested = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.stateWrite, { hash: stateHashOf(image)!, confirm: false })));
      const slot1 = tested.images.find((x) => x.slot === 1);
      ctx.expect.that(slot1?.pending === true && slot1.permanent !== true, { expected: 'slot 1 pending, not permanent', actual: JSON.stringify({ ...slot1, hash: undefined }) });
      await resetAndWait(ctx);
      await expectListed(ctx, 0, image);
      ctx.expect.that((await slotState(ctx, 0))?.confirmed !== true, { expected: 'the test image runs unconfirmed', actual: 'slot 0 confirmed' });
      await resetAndWait(ctx);
      const after = await slotState(ctx, 0);
      ctx.expect.that(after !== undefined && before !== undefined && bytesEqual(after.hash, before.hash), { expected: `reverted: slot 0 "hash" ${hex(before?.hash)}`, actual: `slot 0 "hash" ${hex(after?.hash)}` });
      await freeSecondarySlot(ctx, 'note');
    },
  });

  s.case({
    id: 'SMP-IMG-DFU-010',
    title: 'confirm marks slot 1 pending and permanent; after a reset the new image runs confirmed',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'true if image is to stay in primary slot after the next boot; this does not have to be present if false.' }, requires, story: 'state', destructive: true, timeoutMs: 120_000,
    stimulus: 'Check a reset reboots; upload a newer image; state write {hash, confirm: true}; reset; read state; then restore the old image (test it, reset, confirm the running image).',
    requirement: 'After confirm: slot 1 pending and permanent. After the reset: slot 0 runs the new image, confirmed and active.',
    async run(ctx) {
      await freeSecondarySlot(ctx, 'note');
      await expectResetReboots(ctx, dfuImage(ctx, 'dfu-010-probe'));
      const old = await slotState(ctx, 0);
      const image = dfuImage(ctx, 'dfu-010');
      ctx.expect.smpOk(await uploadImageSteps(ctx, image));
      const confirmed = ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.stateWrite, { hash: stateHashOf(image)!, confirm: true })));
      const slot1 = confirmed.images.find((x) => x.slot === 1);
      ctx.expect.that(slot1?.pending === true && slot1.permanent === true, { expected: 'slot 1 pending and permanent', actual: JSON.stringify({ ...slot1, hash: undefined }) });
      await resetAndWait(ctx);
      await expectListed(ctx, 0, image);
      const running = await slotState(ctx, 0);
      ctx.expect.that(running?.confirmed === true && running.active === true, { expected: 'slot 0 active and confirmed', actual: JSON.stringify({ ...running, hash: undefined }) });
      if (old !== undefined) await restore(ctx, old.hash);
    },
  });
}

/** Bring the old image back to slot 0 (it sits in slot 1 after a permanent swap), confirmed. */
async function restore(ctx: CaseContext, hash: Uint8Array): Promise<void> {
  ctx.mark('restore the previous image');
  ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.stateWrite, { hash, confirm: false })));
  await resetAndWait(ctx);
  ctx.expect.smpOk(await ask(ctx, smpRequest(imgCommands.stateWrite, { confirm: true })));
  await freeSecondarySlot(ctx, 'note');
}
