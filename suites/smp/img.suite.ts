/**
 * Image management (group 1): state read shape and flags, state write rules and errors. Erase and
 * slot info are in img-erase.suite.ts, upload rules in img-upload.suite.ts, DFU flows in
 * img-dfu.suite.ts.
 * @see docs/spec/smp.md §3.2.1, §3.2.2, §6.6 items 59, 62
 */
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { ImgMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { FIXTURE_VERSION_TEXT, freeSecondarySlot, IMAGE_PAYLOAD_BYTES, readState, runningHash, SECONDARY_SLOT, slotEntry, stateHashOf, stateWrite, uploadImage, withPendingTest } from './img-helpers.ts';

const IMG = MgmtGroup.IMAGE;
const STATE = ['smp.img.state'];
const UPLOAD = ['smp.img.state', 'smp.img.upload', 'smp.img.erase'];
const invalidHash = { v2: { group: IMG, rc: ImgMgmtErr.INVALID_HASH } } as const;
const VERSION_TEXT = /^\d+\.\d+\.\d+(\.\d+)?$/;



/** Skip when a test swap is pending: confirming would then be refused with 28, as it should. */
async function skipIfPending(ctx: CaseContext): Promise<void> {
  if (slotEntry(await readState(ctx), SECONDARY_SLOT)?.pending === true) ctx.skip('a test swap is pending (left by an earlier case): confirm is refused with 28 then');
}


defineSuite({ id: 'smp/img', protocol: 'SMP', feature: 'img', title: 'Image management: state read and write' }, (s) => {
  s.case({
    id: 'SMP-IMG-STATE-001',
    title: 'state read lists the running image in slot 0 as active, with a version text and a 32-byte hash',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'MCUmgr in applications must support sending hashes.' }, requires: STATE, story: 'state read',
    stimulus: 'Image state read (group 1, id 0, op 0) with an empty map.',
    requirement: '"images" lists slot 0 with "active": true, "version" "maj.min.rev[.build]", "hash" of 32 bytes; no other slot of image 0 is active.',
    async run(ctx) {
      const state = await readState(ctx);
      const running = slotEntry(state, 0);
      ctx.expect.that(running?.active === true, { expected: 'slot 0 listed with "active": true', actual: JSON.stringify(running ?? 'slot 0 not listed') });
      ctx.expect.that(VERSION_TEXT.test(running?.version ?? ''), { expected: '"version" like 1.0.0 or 1.2.3.4', actual: String(running?.version) });
      ctx.expect.that(slotEntry(state, SECONDARY_SLOT)?.active !== true, { expected: 'slot 1 not active', actual: 'slot 1 listed with "active": true' });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-002',
    title: 'after an upload, state read lists slot 1 with the image\'s SHA-256 TLV and version, neither active nor pending',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'Note that this will not be the same as the SHA256 of the whole file, it is the field in the MCUboot TLV section that contains a hash of the data which is used for signature verification purposes.' }, requires: UPLOAD, story: 'state read', destructive: true,
    stimulus: 'Empty slot 1, upload a hash-only MCUboot image (version 1.2.3+4) in 256-byte chunks, read image state.',
    requirement: 'Slot 1 listed with "hash" = the image\'s SHA-256 TLV value (computed here), "version" 1.2.3.4 (v4.0) or 1.2.3, not active, not pending.',
    async run(ctx) {
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      await freeSecondarySlot(ctx);
      await uploadImage(ctx, image);
      const entry = slotEntry(await readState(ctx), SECONDARY_SLOT);
      ctx.expect.that(entry !== undefined, { expected: 'slot 1 listed after the upload', actual: 'slot 1 not listed' });
      const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
      ctx.expect.that(hex(entry?.hash) === hex(stateHashOf(image)), { check: 'field "hash"', expected: hex(stateHashOf(image)), actual: hex(entry?.hash) });
      ctx.expect.that(FIXTURE_VERSION_TEXT.test(entry?.version ?? ''), { check: 'field "version"', expected: '1.2.3.4 or 1.2.3', actual: String(entry?.version) });
      ctx.expect.that(entry?.active !== true && entry?.pending !== true, { expected: 'slot 1 neither active nor pending', actual: JSON.stringify({ active: entry?.active, pending: entry?.pending }) });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-001',
    title: 'state write with a 31-byte hash is refused with err 24 (INVALID_HASH)',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The hash parameter provided is not valid.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"hash": 31 bytes, "confirm": false}.',
    requirement: 'A group error 24 INVALID_HASH; nothing changes.',
    async run(ctx) {
      ctx.expect.mgmtErr(await stateWrite(ctx, { hash: ctx.fixtures.bytes(31), confirm: false }), invalidHash);
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-002',
    title: 'state write with a 33-byte hash is refused with err 24 (INVALID_HASH)',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The hash parameter provided is not valid.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"hash": the running image\'s hash plus one byte, "confirm": true}.',
    requirement: 'A group error 24 INVALID_HASH (the length is checked before the slots are searched).',
    async run(ctx) {
      const hash = new Uint8Array([...(await runningHash(ctx)), 0]);
      ctx.expect.mgmtErr(await stateWrite(ctx, { hash, confirm: true }), invalidHash);
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-003',
    title: 'state write with a 32-byte hash no slot holds is refused with err 8 (HASH_NOT_FOUND)',
    level: 'SHOULD', levelNote: 'HASH_NOT_FOUND is documented for a slot image without a hash TLV; answering it for a hash no slot holds is Zephyr\'s choice, the documents name no code for that', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The image in the slot does not have a hash TLV, which is required.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"hash": 32 random bytes, "confirm": false}.',
    requirement: 'A group error 8 HASH_NOT_FOUND.',
    async run(ctx) {
      ctx.expect.mgmtErr(await stateWrite(ctx, { hash: ctx.fixtures.bytes(32), confirm: false }), { v2: { group: IMG, rc: ImgMgmtErr.HASH_NOT_FOUND } });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-004',
    title: 'state write with "hash" as a text string is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"hash": the running image\'s hash as 64 hex characters (text), "confirm": true}.',
    requirement: 'The code decodes "hash" as a byte string (the document says str): a text value fails decoding, {"rc": 3}.',
    async run(ctx) {
      const hash = Buffer.from(await runningHash(ctx)).toString('hex');
      ctx.expect.mgmtErr(await stateWrite(ctx, { hash, confirm: true }), { rc: MgmtErr.EINVAL });
      await ctx.expect.alive();
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-005',
    title: 'state write without a hash and with "confirm": false is refused with err 24',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'If "confirm" is false or not provided, an image with the "hash" will be set for test, which means that it will not be marked as permanent and upon hard reset the previous application will be restored to the primary slot.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"confirm": false}.',
    requirement: 'Testing needs a hash: group error 24 INVALID_HASH.',
    async run(ctx) {
      ctx.expect.mgmtErr(await stateWrite(ctx, { confirm: false }), invalidHash);
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-006',
    title: 'state write with an empty map (no hash, no confirm) is refused with err 24',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'If "confirm" is false or not provided, an image with the "hash" will be set for test, which means that it will not be marked as permanent and upon hard reset the previous application will be restored to the primary slot.' }, requires: STATE, story: 'state write',
    stimulus: 'State write {}.',
    requirement: '"confirm" defaults to false, so this is a test without a hash: group error 24 INVALID_HASH.',
    async run(ctx) {
      ctx.expect.mgmtErr(await stateWrite(ctx, {}), invalidHash);
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-007',
    title: 'marking the running image for test is refused with err 33',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'Setting test to active slot is not allowed' }, requires: STATE, story: 'state write',
    stimulus: 'State write {"hash": the running (slot 0) image\'s hash, "confirm": false}.',
    requirement: 'A group error 33 IMAGE_SETTING_TEST_TO_ACTIVE_DENIED; slot 0 stays active and nothing becomes pending.',
    async run(ctx) {
      const hash = await runningHash(ctx);
      ctx.expect.mgmtErr(await stateWrite(ctx, { hash, confirm: false }), { v2: { group: IMG, rc: ImgMgmtErr.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED } });
      const after = slotEntry(await readState(ctx), 0);
      ctx.expect.that(after?.active === true && after.pending !== true, { check: 'state afterwards', expected: 'slot 0 active, not pending', actual: JSON.stringify(after) });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-008',
    title: 'confirm without a hash confirms the running image and answers the state list',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'In case when "confirm" is true, the "hash" is optional as the currently running application will be assumed as target for confirmation.' }, requires: STATE, story: 'state write',
    stimulus: 'With no swap pending: state write {"confirm": true}.',
    requirement: 'A success reply with the state list (same content as state read): slot 0 active and confirmed.',
    async run(ctx) {
      await skipIfPending(ctx);
      const reply = ctx.expect.smpOk(await stateWrite(ctx, { confirm: true }));
      const running = slotEntry(reply, 0);
      ctx.expect.that(running?.active === true && running.confirmed === true, { expected: 'slot 0 "active": true, "confirmed": true', actual: JSON.stringify(running ?? 'slot 0 not listed') });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-009',
    title: 'confirming the running image by its hash succeeds',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'In case when "confirm" is true, the "hash" is optional as the currently running application will be assumed as target for confirmation.' }, requires: STATE, story: 'state write',
    stimulus: 'With no swap pending: state write {"hash": the running image\'s hash, "confirm": true}.',
    requirement: 'A success reply listing slot 0 (confirming the image that runs is allowed and a no-op when already confirmed).',
    async run(ctx) {
      await skipIfPending(ctx);
      const hash = await runningHash(ctx);
      const reply = ctx.expect.smpOk(await stateWrite(ctx, { hash, confirm: true }));
      ctx.expect.that(slotEntry(reply, 0) !== undefined, { expected: 'the reply lists slot 0', actual: JSON.stringify(reply.images) });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-010',
    title: 'under SMP v1, an unknown hash is refused with rc 1 (translation of err 8)',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (HASH_NOT_FOUND → EUNKNOWN); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one', spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' }, requires: [...STATE, 'smp.v1'], story: 'state write',
    stimulus: 'SMP v1 state write {"hash": 32 random bytes, "confirm": false}.',
    requirement: 'v1 requests get the group error translated: HASH_NOT_FOUND (8) -> {"rc": 1}.',
    async run(ctx) {
      const reply = await stateWrite(ctx, { hash: ctx.fixtures.bytes(32), confirm: false }, SmpVersion.V1);
      ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.HASH_NOT_FOUND }, v1: MgmtErr.EUNKNOWN });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-011',
    title: 'under SMP v1, a 31-byte hash is refused with rc 3 (translation of err 24)',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (INVALID_HASH → EINVAL); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one', spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' }, requires: [...STATE, 'smp.v1'], story: 'state write',
    stimulus: 'SMP v1 state write {"hash": 31 bytes, "confirm": false}.',
    requirement: 'INVALID_HASH (24) translates to {"rc": 3} (EINVAL).',
    async run(ctx) {
      const reply = await stateWrite(ctx, { hash: ctx.fixtures.bytes(31), confirm: false }, SmpVersion.V1);
      ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.INVALID_HASH }, v1: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-012',
    title: 'confirming the running image while a test swap is pending is refused with err 28',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'There is already an image operating pending.' }, requires: [...UPLOAD, 'smp.os.reset'], story: 'state write', destructive: true, timeoutMs: 60_000,
    stimulus: 'Upload an image to slot 1 and mark it for test, then state write {"confirm": true}; afterwards reset twice to leave nothing pending.',
    requirement: 'A group error 28 IMAGE_ALREADY_PENDING; slot 1 stays pending.',
    async run(ctx) {
      await withPendingTest(ctx, async () => {
        ctx.expect.mgmtErr(await stateWrite(ctx, { confirm: true }), { v2: { group: IMG, rc: ImgMgmtErr.IMAGE_ALREADY_PENDING } });
        const after = slotEntry(await readState(ctx), SECONDARY_SLOT);
        ctx.expect.that(after?.pending === true, { check: 'state afterwards', expected: 'slot 1 still pending', actual: JSON.stringify(after ?? 'slot 1 not listed') });
      });
    },
  });

  s.case({
    id: 'SMP-IMG-STATE-WRITE-013',
    title: 'marking the pending image for test again succeeds and it stays pending',
    level: 'SHOULD', levelNote: 'the documents do not say what a second test request for the image already pending answers; a no-op success is Zephyr\'s img_mgmt', spec: { doc: 'zephyr-smp-g1', section: 'State of images', quote: 'If "confirm" is false or not provided, an image with the "hash" will be set for test, which means that it will not be marked as permanent and upon hard reset the previous application will be restored to the primary slot.' }, requires: [...UPLOAD, 'smp.os.reset'], story: 'state write', destructive: true, timeoutMs: 60_000,
    stimulus: 'Upload an image to slot 1, mark it for test, then send the same test request again; afterwards reset twice.',
    requirement: 'Re-asking for the same test is a no-op success: the reply lists slot 1 pending, not permanent.',
    async run(ctx) {
      await withPendingTest(ctx, async (hash) => {
        const entry = slotEntry(ctx.expect.smpOk(await stateWrite(ctx, { hash, confirm: false })), SECONDARY_SLOT);
        ctx.expect.that(entry?.pending === true && entry.permanent !== true, { expected: 'slot 1 pending, not permanent', actual: JSON.stringify(entry ?? 'slot 1 not listed') });
      });
    },
  });

});
