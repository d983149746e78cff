/**
 * Image management (group 1): erase rules (active, pending, missing and default slots, wrong
 * types) and slot info.
 * @see docs/spec/smp.md §3.2.4, §3.2.5, §6.6 items 58, 60, 62
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { imgCommands, ImgMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { CHUNK_BYTES, eraseTimeoutMs, freeSecondarySlot, IMAGE_PAYLOAD_BYTES, readState, runningHash, SECONDARY_SLOT, slotEntry, uploadImage, withPendingTest } from './img-helpers.ts';

const IMG = MgmtGroup.IMAGE;
const STATE = ['smp.img.state'];
const UPLOAD = ['smp.img.state', 'smp.img.upload', 'smp.img.erase'];

defineSuite({ id: 'smp/img-erase', protocol: 'SMP', feature: 'img', title: 'Image management: erase and slot info' }, (s) => {
  s.case({
    id: 'SMP-IMG-ERASE-001',
    title: 'erase of the active slot 0 is refused with err 9 and the running image stays listed',
    level: 'SHOULD', levelNote: 'the group document names no refusal code for erasing the running slot; NO_FREE_SLOT is what Zephyr\'s img_mgmt answers', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'There is no free slot to place the image.' }, requires: [...STATE, 'smp.img.erase'], story: 'erase', destructive: true,
    stimulus: 'Image erase {"slot": 0} (the running image).',
    requirement: 'A group error 9 NO_FREE_SLOT; slot 0 is still listed with the same hash.',
    async run(ctx) {
      const before = await runningHash(ctx);
      ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(imgCommands.erase, { slot: 0 }), { timeoutMs: eraseTimeoutMs(ctx) }), { v2: { group: IMG, rc: ImgMgmtErr.NO_FREE_SLOT } });
      const after = slotEntry(await readState(ctx), 0);
      ctx.expect.that(after !== undefined && Buffer.from(after.hash).equals(before), { check: 'state afterwards', expected: 'slot 0 listed with its hash', actual: JSON.stringify(after ?? 'slot 0 not listed') });
    },
  });

  s.case({
    id: 'SMP-IMG-ERASE-002',
    title: 'under SMP v1, erase of the active slot is refused with rc 6 (translation of err 9)',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (NO_FREE_SLOT → EBADSTATE); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one', spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' }, requires: [...STATE, 'smp.img.erase', 'smp.v1'], story: 'erase', destructive: true,
    stimulus: 'SMP v1 image erase {"slot": 0}.',
    requirement: 'NO_FREE_SLOT (9) translates to {"rc": 6} (EBADSTATE).',
    async run(ctx) {
      const reply = await ctx.smp.request(smpRequest(imgCommands.erase, { slot: 0 }, { version: SmpVersion.V1 }), { timeoutMs: eraseTimeoutMs(ctx) });
      ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.NO_FREE_SLOT }, v1: MgmtErr.EBADSTATE });
    },
  });

  s.case({
    id: 'SMP-IMG-ERASE-003',
    title: 'erase of a slot marked for test (pending) is refused with err 9',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image erase response', quote: 'Response from Zephyr running device may have "rc" value of MGMT_ERR_EBADSTATE, which means that the secondary image has been marked for next boot already and may not be erased.' }, requires: [...UPLOAD, 'smp.os.reset'], story: 'erase', destructive: true, timeoutMs: 60_000,
    stimulus: 'Upload an image to slot 1, mark it for test, erase {"slot": 1}; afterwards reset twice (swap, then revert) to leave nothing pending.',
    requirement: 'A group error 9 NO_FREE_SLOT, as Zephyr v4.0 answers (capture img-erase-pending).',
    async run(ctx) {
      await withPendingTest(ctx, async () => {
        const reply = await ctx.smp.request(smpRequest(imgCommands.erase, { slot: SECONDARY_SLOT }), { timeoutMs: eraseTimeoutMs(ctx) });
        ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.NO_FREE_SLOT } });
      });
    },
  });

  s.case({
    id: 'SMP-IMG-ERASE-004',
    title: 'erase with "slot" as a text string is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: [...STATE, 'smp.img.erase'], story: 'erase', destructive: true,
    stimulus: 'Image erase {"slot": "1"}.',
    requirement: 'A known key with the wrong type fails decoding: {"rc": 3}, nothing erased.',
    async run(ctx) {
      ctx.expect.mgmtErr(await ctx.smp.request({ command: imgCommands.erase, body: { slot: '1' } }, { timeoutMs: eraseTimeoutMs(ctx) }), { rc: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-IMG-ERASE-005',
    title: 'erase without "slot" erases the slot opposite the running one (slot 1)',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image erase request', quote: 'optional slot number, it does not have to appear in the request at all, in which case it is assumed to be 1.' }, requires: UPLOAD, story: 'erase', destructive: true,
    stimulus: 'Upload an image to slot 1, then image erase {} (no "slot"), then read image state.',
    requirement: 'Erase answers {} (capture img-erase-before-upload) and slot 1 is no longer listed; slot 0 still is.',
    async run(ctx) {
      await freeSecondarySlot(ctx);
      await uploadImage(ctx, ctx.fixtures.image(IMAGE_PAYLOAD_BYTES));
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.erase, {}), { timeoutMs: eraseTimeoutMs(ctx) }));
      const state = await readState(ctx);
      ctx.expect.that(slotEntry(state, SECONDARY_SLOT) === undefined, { expected: 'slot 1 not listed after erase', actual: 'slot 1 still listed' });
      ctx.expect.that(slotEntry(state, 0) !== undefined, { expected: 'slot 0 still listed', actual: 'slot 0 not listed' });
    },
  });

  s.case({
    id: 'SMP-IMG-ERASE-006',
    title: 'erase of a slot number that has no flash area is refused',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The provided slot is not valid.' }, requires: [...STATE, 'smp.img.erase'], story: 'erase', destructive: true,
    stimulus: 'Image erase {"slot": 7} (Zephyr has at most 4 image slots).',
    requirement: 'An error reply: an image-group error or, on older firmware, an rc (the exact code is not pinned by the digest); never {}.',
    async run(ctx) {
      const reply = await ctx.smp.request(smpRequest(imgCommands.erase, { slot: 7 }), { timeoutMs: eraseTimeoutMs(ctx) });
      const b = ctx.expect.smpShape(reply).body;
      ctx.expect.that((b.kind === 'errV2' && b.group === IMG) || b.kind === 'errV1', { expected: 'an image-group error or an rc', actual: JSON.stringify(b) });
      ctx.expect.note(`erase of slot 7 answered ${JSON.stringify(b)}`);
    },
  });

  s.case({
    id: 'SMP-IMG-SLOT-INFO-001',
    title: 'slot info lists image 0 with slots 0 and 1, each with a size or an rc',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Slot info', quote: 'The command is used for fetching information on slots that are available.' }, requires: ['smp.img.slot-info'], story: 'slot info',
    stimulus: 'Slot info (group 1, id 6, op 0) with an empty map (Zephyr v4.0 builds without CONFIG_MCUMGR_GRP_IMG_SLOT_INFO answer rc 8: unsupported).',
    requirement: '"images" holds image 0 whose "slots" list slot 0 and slot 1; each slot has "size" > 0 or an "rc".',
    async run(ctx) {
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.slotInfo, {})));
      const slots = rsp.images.find((i) => i.image === 0)?.slots ?? [];
      for (const n of [0, 1]) {
        const slot = slots.find((x) => x.slot === n);
        ctx.expect.that(slot !== undefined && ((slot.size ?? 0) > 0 || slot.rc !== undefined), { expected: `image 0 slot ${n} with "size" > 0 or "rc"`, actual: JSON.stringify(slots) });
      }
    },
  });

  s.case({
    id: 'SMP-IMG-SLOT-INFO-002',
    title: 'an upload one byte larger than the slot size slot info reports is refused with err 30',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The image it too large to fit.' }, requires: ['smp.img.slot-info', ...UPLOAD], story: 'upload', destructive: true,
    stimulus: 'Read slot 1\'s size from slot info; send a valid first upload chunk with "len" = that size + 1.',
    requirement: 'A group error 30 INVALID_IMAGE_TOO_LARGE at the start (older firmware stalled later, #60899).',
    async run(ctx) {
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.slotInfo, {})));
      const size = rsp.images.find((i) => i.image === 0)?.slots.find((x) => x.slot === SECONDARY_SLOT)?.size;
      if (size === undefined) return ctx.skip('slot info gives no size for slot 1');
      await freeSecondarySlot(ctx);
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      const reply = await ctx.smp.request(smpRequest(imgCommands.upload, { image: 0, len: size + 1, off: 0, data: image.subarray(0, CHUNK_BYTES) }));
      ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.INVALID_IMAGE_TOO_LARGE } });
    },
  });
});
