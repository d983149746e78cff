/**
 * Image upload protocol rules (group 1, id 1): request checks on the first chunk, offsets,
 * overrun, empty chunks, resume by sha, and the upload state an erase clears. Full DFU flows are
 * in img-dfu.suite.ts.
 * @see docs/spec/smp.md §3.2.3, §6.6 items 48–58, 62
 */
import fc from 'fast-check';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtErr, MgmtGroup, SmpVersion } from '../../src/codec/smp/constants.ts';
import { imgCommands, ImgMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite, uploadImageSteps, type CaseContext } from '../../src/conformance/index.ts';
import { CHUNK_BYTES, eraseTimeoutMs, firstChunk, freeSecondarySlot, IMAGE_PAYLOAD_BYTES, sha256, uploadImage } from './img-helpers.ts';

const IMG = MgmtGroup.IMAGE;
const UPLOAD = ['smp.img.state', 'smp.img.upload', 'smp.img.erase'];
const groupErr = (rc: number): { v2: { group: number; rc: number } } => ({ v2: { group: IMG, rc } });

/** Send an upload request body as given (fields left out or mistyped on purpose). */
async function rawUpload(ctx: CaseContext, body: Record<string, unknown>, version?: number) {
  return ctx.smp.request(version === undefined ? { command: imgCommands.upload, body } : { command: imgCommands.upload, body, version });
}

/** Empty slot 1, then send the first `chunks` chunks of a fresh fixture image; resolves with the image. */
async function startUpload(ctx: CaseContext, chunks: number, label = 'image'): Promise<Uint8Array> {
  const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES, { label });
  await freeSecondarySlot(ctx);
  const last = await uploadImageSteps(ctx, image, { image: 0, chunkBytes: CHUNK_BYTES, stopAt: chunks * CHUNK_BYTES });
  ctx.expect.smpOk(last).field('off').toBe(Math.min(chunks * CHUNK_BYTES, image.length));
  return image;
}

/** A continuation chunk of `image` at `off`. */
function chunkAt(image: Uint8Array, off: number, bytes = CHUNK_BYTES): { off: number; data: Uint8Array } {
  return { off, data: image.subarray(off, off + bytes) };
}

/** The sentence img_mgmt.h documents each first-chunk refusal with. */
const ERR_SENTENCE: Readonly<Record<number, string>> = {
  [ImgMgmtErr.INVALID_OFFSET]: 'The offset parameter was not provided and is required.',
  [ImgMgmtErr.INVALID_LENGTH]: 'The length parameter was not provided and is required.',
  [ImgMgmtErr.INVALID_IMAGE_HEADER]: 'The image length is smaller than the size of an image header.',
  [ImgMgmtErr.INVALID_IMAGE_HEADER_MAGIC]: 'The image header magic value does not match the expected value.',
  [ImgMgmtErr.INVALID_HASH]: 'The hash parameter provided is not valid.',
  [ImgMgmtErr.INVALID_IMAGE_TOO_LARGE]: 'The image it too large to fit.',
};

/** Per property run: the upload started once (first chunk sent, expected offset 256). */
const startedUploads = new WeakMap<CaseContext, Promise<Uint8Array>>();

defineSuite({ id: 'smp/img-upload', protocol: 'SMP', feature: 'img', title: 'Image management: upload protocol rules' }, (s) => {
  const firstChunkError = (id: string, title: string, stimulus: string, rc: number, body: (image: Uint8Array) => Record<string, unknown>): void =>
    s.case({
      id, title, level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: ERR_SENTENCE[rc] ?? '' }, requires: UPLOAD, story: 'upload', destructive: true, stimulus,
      requirement: `A group error ${rc}; nothing is written and the device stays alive.`,
      async run(ctx) {
        await freeSecondarySlot(ctx);
        ctx.expect.mgmtErr(await rawUpload(ctx, body(ctx.fixtures.image(IMAGE_PAYLOAD_BYTES))), groupErr(rc));
        await ctx.expect.alive();
      },
    });

  firstChunkError('SMP-IMG-UPLOAD-001', 'upload without "off" is refused with err 20 (INVALID_OFFSET)', 'A first chunk with "image", "len", "sha", "data" but no "off".',
    ImgMgmtErr.INVALID_OFFSET, (image) => { const { off: _off, ...rest } = firstChunk(image); return rest; });
  firstChunkError('SMP-IMG-UPLOAD-002', 'a first chunk without "len" is refused with err 21 (INVALID_LENGTH)', 'A first chunk ("off": 0) with a valid header in "data" but no "len".',
    ImgMgmtErr.INVALID_LENGTH, (image) => { const { len: _len, ...rest } = firstChunk(image); return rest; });
  firstChunkError('SMP-IMG-UPLOAD-003', 'a first chunk shorter than the 32-byte image header is refused with err 22', 'A first chunk with 31 bytes of "data" (the start of a valid image).',
    ImgMgmtErr.INVALID_IMAGE_HEADER, (image) => ({ ...firstChunk(image), data: image.subarray(0, 31) }));
  firstChunkError('SMP-IMG-UPLOAD-004', 'a first chunk whose header magic is wrong is refused with err 23', 'A first chunk whose first 4 bytes are the legacy magic 0x96f3b83c.',
    ImgMgmtErr.INVALID_IMAGE_HEADER_MAGIC, (image) => ({ ...firstChunk(image), data: Uint8Array.of(0x3c, 0xb8, 0xf3, 0x96, ...image.subarray(4, CHUNK_BYTES)) }));
  firstChunkError('SMP-IMG-UPLOAD-005', 'a first chunk with a "sha" longer than 32 bytes is refused with err 24', 'A first chunk whose "sha" is 33 bytes.',
    ImgMgmtErr.INVALID_HASH, (image) => ({ ...firstChunk(image), sha: new Uint8Array([...sha256(image), 0]) }));
  firstChunkError('SMP-IMG-UPLOAD-006', 'a first chunk announcing a 256 MiB image is refused with err 30 (too large)', 'A first chunk with "len": 268435456, larger than any image slot.',
    ImgMgmtErr.INVALID_IMAGE_TOO_LARGE, (image) => ({ ...firstChunk(image), len: 0x1000_0000 }));

  s.case({
    id: 'SMP-IMG-UPLOAD-007',
    title: 'under SMP v1, a wrong header magic is refused with rc 1 (translation of err 23)',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (INVALID_IMAGE_HEADER_MAGIC → EUNKNOWN); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one', spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' }, requires: [...UPLOAD, 'smp.v1'], story: 'upload', destructive: true,
    stimulus: 'SMP v1 first chunk whose magic is 0x96f3b83c.',
    requirement: 'INVALID_IMAGE_HEADER_MAGIC (23) translates to {"rc": 1} under v1.',
    async run(ctx) {
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      await freeSecondarySlot(ctx);
      const reply = await rawUpload(ctx, { ...firstChunk(image), data: Uint8Array.of(0x3c, 0xb8, 0xf3, 0x96, ...image.subarray(4, CHUNK_BYTES)) }, SmpVersion.V1);
      ctx.expect.mgmtErr(reply, { v2: { group: IMG, rc: ImgMgmtErr.INVALID_IMAGE_HEADER_MAGIC }, v1: MgmtErr.EUNKNOWN });
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-008',
    title: 'a continuation chunk with no upload in progress is answered with "off": 0 and not written',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload request', quote: 'It is possible that a server will respond to an upload with "off" of 0, this may happen if an upload on another transport (or outside of MCUmgr entirely) is started, if the device has rebooted or if a packet has been lost.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Complete a small upload (the device then holds no upload state), then send {"off": 256, "data": 256 bytes}.',
    requirement: 'A success reply {"off": 0}: the client is told to start over with a first chunk.',
    async run(ctx) {
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      await freeSecondarySlot(ctx);
      await uploadImage(ctx, image);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, CHUNK_BYTES)))).field('off').toBe(0);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-009',
    title: 'a chunk that skips ahead is answered with the expected offset, and the upload still completes intact',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: `After 2 chunks of ${CHUNK_BYTES} bytes, send the chunk at offset ${3 * CHUNK_BYTES} (expected ${2 * CHUNK_BYTES}); then finish chunk by chunk from ${2 * CHUNK_BYTES}.`,
    requirement: `The skipping chunk gets {"off": ${2 * CHUNK_BYTES}} and is not written; the upload completes, "match" true where present.`,
    async run(ctx) {
      const image = await startUpload(ctx, 2);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, 3 * CHUNK_BYTES)))).field('off').toBe(2 * CHUNK_BYTES);
      let last = ctx.expect.smpOk(await uploadImageSteps(ctx, image, { from: 2 * CHUNK_BYTES, chunkBytes: CHUNK_BYTES }));
      last = last.field('off').toBe(image.length);
      if (last.match !== undefined) last.field('match').toBe(true);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-010',
    title: 'a chunk at an earlier offset is answered with the expected offset, not written again',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After 3 chunks (expected offset 768), send the chunk at offset 256 again.',
    requirement: 'A success reply {"off": 768}; the upload does not move back.',
    async run(ctx) {
      const image = await startUpload(ctx, 3);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, CHUNK_BYTES)))).field('off').toBe(3 * CHUNK_BYTES);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-011',
    title: 'a chunk reaching past the announced "len" is refused with err 31 (data overrun)',
    level: 'MUST', spec: { doc: 'zephyr-img-mgmt-h', section: 'enum img_mgmt_err_code_t', quote: 'The amount of data sent is larger than the provided image size.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Upload all but the last chunk, then send the rest of the image plus 16 extra bytes in one chunk at the expected offset.',
    requirement: 'A group error 31 INVALID_IMAGE_DATA_OVERRUN.',
    async run(ctx) {
      // Every chunk but the last, so the overrunning one stays within the request limit.
      const lastStart = Math.floor((ctx.fixtures.image(IMAGE_PAYLOAD_BYTES).length - 1) / CHUNK_BYTES) * CHUNK_BYTES;
      const image = await startUpload(ctx, lastStart / CHUNK_BYTES);
      const data = new Uint8Array([...image.subarray(lastStart), ...ctx.fixtures.bytes(16)]);
      ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(imgCommands.upload, { off: lastStart, data })), groupErr(ImgMgmtErr.INVALID_IMAGE_DATA_OVERRUN));
      await ctx.expect.alive();
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-012',
    title: 'a zero-length chunk at the expected offset writes nothing and answers the current offset',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After 2 chunks, send {"off": 512, "data": h\'\'}, then the real chunk at 512.',
    requirement: 'The empty chunk gets {"off": 512}; the next chunk is accepted at 512 ({"off": 768}).',
    async run(ctx) {
      const image = await startUpload(ctx, 2);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, { off: 2 * CHUNK_BYTES, data: new Uint8Array(0) }))).field('off').toBe(2 * CHUNK_BYTES);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, 2 * CHUNK_BYTES)))).field('off').toBe(3 * CHUNK_BYTES);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-013',
    title: 'repeating the first chunk with the same "sha" mid-upload resumes at the current offset',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'If library gets request with "off" equal zero it checks stored "sha" within its state and if it matches it will respond to update client application with offset that it should continue with.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After 3 chunks, send the first chunk again (same "len" and "sha").',
    requirement: 'A success reply {"off": 768}: the upload resumes, nothing is rewritten.',
    async run(ctx) {
      const image = await startUpload(ctx, 3);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, firstChunk(image)))).field('off').toBe(3 * CHUNK_BYTES);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-014',
    title: 'a first chunk with a different "sha" mid-upload starts a new upload',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'If library gets request with "off" equal zero it checks stored "sha" within its state and if it matches it will respond to update client application with offset that it should continue with.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After 3 chunks of image A, send the first chunk of image B (its own "sha").',
    requirement: 'Resume needs an identical sha: image B starts afresh, {"off": 256}.',
    async run(ctx) {
      await startUpload(ctx, 3, 'image-a');
      const other = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES, { label: 'image-b' });
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, firstChunk(other)))).field('off').toBe(CHUNK_BYTES);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-015',
    title: 'an image erase clears the upload in progress (Zephyr #51798)',
    level: 'SHOULD', levelNote: 'no SMP document says an image erase ends the upload in progress; Zephyr does since PR #51798', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After 2 chunks, erase slot 1, then send the next chunk (offset 512).',
    requirement: 'The chunk gets {"off": 0}: the upload state is gone, the client must start over.',
    async run(ctx) {
      const image = await startUpload(ctx, 2);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.erase, { slot: 1 }), { timeoutMs: eraseTimeoutMs(ctx) }));
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, 2 * CHUNK_BYTES)))).field('off').toBe(0);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-016',
    title: 'upload with "off" as a text string is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'A first chunk whose "off" is the text "0".',
    requirement: 'A known key with the wrong type fails decoding: {"rc": 3}.',
    async run(ctx) {
      await freeSecondarySlot(ctx);
      ctx.expect.mgmtErr(await rawUpload(ctx, { ...firstChunk(ctx.fixtures.image(IMAGE_PAYLOAD_BYTES)), off: '0' }), { rc: MgmtErr.EINVAL });
      await ctx.expect.alive();
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-017',
    title: 'upload with "data" as a text string is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'A first chunk whose "data" is a 64-character text string.',
    requirement: '"data" is a byte string: a text value fails decoding, {"rc": 3}.',
    async run(ctx) {
      await freeSecondarySlot(ctx);
      ctx.expect.mgmtErr(await rawUpload(ctx, { ...firstChunk(ctx.fixtures.image(IMAGE_PAYLOAD_BYTES)), data: ctx.fixtures.text(64) }), { rc: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-018',
    title: 'an upload whose "sha" is shorter than 32 bytes is accepted and completes',
    level: 'SHOULD', levelNote: 'the group document asks the client for a full SHA-256; accepting a shorter "sha" is Zephyr\'s img_mgmt, not a requirement', spec: { doc: 'zephyr-smp-g1', section: 'Image upload request', quote: 'This must be a full SHA256 hash of the whole image being uploaded, or not included if the hash is not available (in which case, upload session continuation and image verification functionality will be unavailable).' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Upload a whole image with a 16-byte "sha" (the first half of its SHA-256).',
    requirement: '0–32 sha bytes are accepted (a session tag); every chunk is accepted and the last reply\'s "off" = "len". No verification is implied.',
    async run(ctx) {
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      await freeSecondarySlot(ctx);
      const last = await uploadImage(ctx, image, { sha: sha256(image).subarray(0, 16) });
      if (last.match !== undefined) ctx.expect.note(`short sha: last reply "match": ${String(last.match)}`);
    },
  });

  s.case({
    id: 'SMP-IMG-UPLOAD-019',
    title: 'a 16-byte "sha" works as a session tag: repeating the first chunk with it resumes the upload',
    level: 'SHOULD', levelNote: 'the group document asks for a full SHA-256 "sha"; resuming on a 16-byte one is Zephyr\'s img_mgmt, not a requirement', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'If library gets request with "off" equal zero it checks stored "sha" within its state and if it matches it will respond to update client application with offset that it should continue with.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'Start an upload with a 16-byte "sha", send 2 chunks, then repeat the first chunk with the same "sha".',
    requirement: 'Resume compares the stored sha (any non-empty length): {"off": 512}.',
    async run(ctx) {
      const image = ctx.fixtures.image(IMAGE_PAYLOAD_BYTES);
      const tag = sha256(image).subarray(0, 16);
      await freeSecondarySlot(ctx);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, firstChunk(image, CHUNK_BYTES, tag)))).field('off').toBe(CHUNK_BYTES);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, chunkAt(image, CHUNK_BYTES)))).field('off').toBe(2 * CHUNK_BYTES);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, firstChunk(image, CHUNK_BYTES, tag)))).field('off').toBe(2 * CHUNK_BYTES);
    },
  });

  s.property({
    id: 'SMP-IMG-UPLOAD-020',
    title: 'a chunk at any offset other than the expected one is answered with the expected offset',
    level: 'MUST', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, requires: UPLOAD, story: 'upload', destructive: true,
    stimulus: 'After one first chunk (expected offset 256): chunks of 16 bytes at generated offsets 1..2^31-1 other than 256.',
    requirement: 'Every such chunk gets {"off": 256} and is not written (the expected offset never moves).',
    numRuns: { udp: 100, serial: 20 },
    arbitrary: fc.integer({ min: 1, max: 0x7fff_ffff }).filter((off) => off !== CHUNK_BYTES),
    async predicate(ctx, off) {
      let started = startedUploads.get(ctx);
      if (started === undefined) {
        started = startUpload(ctx, 1);
        startedUploads.set(ctx, started);
      }
      await started;
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, { off, data: ctx.fixtures.bytes(16) }))).field('off').toBe(CHUNK_BYTES);
    },
  });
});
