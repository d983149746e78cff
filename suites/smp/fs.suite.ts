/**
 * File system group (8): upload/download round trip, status, hash/checksum computed here and
 * compared, supported types, offset rules, truncation, close. Request checks, missing files and
 * the properties are in fs-checks.suite.ts.
 * @see docs/spec/smp.md §3.5, §6.7 item 71
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtErr, MgmtGroup } from '../../src/codec/smp/constants.ts';
import { fsCommands, FsMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { crc32, downloadFile, fileName, freshFile, fsChunkBytes, hex, sha256, supportedHashTypes, uploadFile, withinBudget } from './fs-helpers.ts';

const FS = MgmtGroup.FS;
const FILES = ['smp.fs'];
const HASH = ['smp.fs', 'smp.fs.hash'];
const fsErr = (rc: number): { v2: { group: number; rc: number } } => ({ v2: { group: FS, rc } });


/** Skip unless the device lists `type` among its hash types. */
async function needHashType(ctx: CaseContext, type: string): Promise<void> {
  const types = await supportedHashTypes(ctx);
  if (!Object.hasOwn(types, type)) ctx.skip(`hash type ${type} not built in (listed: ${Object.keys(types).join(', ') || 'none'})`);
}



defineSuite({ id: 'smp/fs', protocol: 'SMP', feature: 'fs', title: 'File system management' }, (s) => {
  s.case({
    id: 'SMP-FS-UPLOAD-001',
    title: 'a file uploaded in chunks downloads back byte for byte',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File upload', quote: 'Allows to upload a file to a specified location.' }, requires: FILES, story: 'upload', destructive: true,
    stimulus: 'Upload 2.5 SMP buffers of random bytes (at most the target\'s fs budget, 4 KiB by default) in chunks of up to 512 bytes, then download from offset 0 until "len" bytes arrived.',
    requirement: 'Each upload reply\'s "off" = bytes written; the first download reply carries "len" = file size; each reply echoes its "off"; the bytes equal the upload.',
    async run(ctx) {
      const size = withinBudget(ctx, Math.min(16_384, Math.floor((ctx.session.params?.bufSize ?? 2048) * 2.5)));
      const { name, content } = await freshFile(ctx, 'rt', size);
      const back = await downloadFile(ctx, name);
      ctx.expect.that(back.length === content.length && hex(back) === hex(content), { check: 'round trip', expected: `${content.length} bytes as uploaded`, actual: `${back.length} bytes${back.length === content.length ? ', content differs' : ''}` });
    },
  });

  s.case({
    id: 'SMP-FS-UPLOAD-002',
    title: 'an upload chunk at a wrong offset is refused with err 11 plus "len" = the expected offset',
    level: 'MUST', spec: { doc: 'zephyr-fs-mgmt-h', section: 'enum fs_mgmt_err_code_t', quote: 'The specified data offset is not valid, this could indicate that the file on the device has changed since the previous command.' }, requires: FILES, story: 'upload', destructive: true,
    stimulus: 'Start a three-chunk upload with its first chunk (512 bytes, less where the request limit is smaller), then send the chunk for the third chunk\'s offset.',
    requirement: 'A group error 11 FILE_OFFSET_NOT_VALID with "len" = the first chunk\'s size (the expected offset) beside "err".',
    async run(ctx) {
      const name = fileName(ctx, 'off');
      const chunk = fsChunkBytes(ctx);
      const content = ctx.fixtures.bytes(3 * chunk);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.upload, { off: 0, data: content.subarray(0, chunk), name, len: content.length })));
      const reply = await ctx.smp.request(smpRequest(fsCommands.upload, { off: 2 * chunk, data: content.subarray(2 * chunk), name }));
      const { body } = ctx.expect.mgmtErr(reply, fsErr(FsMgmtErr.FILE_OFFSET_NOT_VALID));
      ctx.expect.that(body.rsp['len'] === chunk, { check: 'field "len"', expected: `"len": ${chunk} (the expected offset)`, actual: JSON.stringify(body.rsp['len'] ?? 'absent') });
    },
  });

  s.case({
    id: 'SMP-FS-UPLOAD-003',
    title: 'an upload starting at offset 0 replaces (truncates) an existing longer file',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File upload', quote: 'Command will automatically overwrite existing file or create a new one if it does not exist at specified path.' }, requires: FILES, story: 'upload', destructive: true,
    stimulus: 'Upload 1000 bytes, close, then upload 300 other bytes to the same name from offset 0; status and download it.',
    requirement: '"off" 0 on an existing file truncates it: status "len" 300 and the content is the second upload only.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'trunc', 1000);
      // Close whatever is open so the second upload starts a new context; SMP-FS-CLOSE-001 judges close.
      await ctx.smp.request(smpRequest(fsCommands.close, {}));
      const second = ctx.fixtures.bytes(300, 'second');
      await uploadFile(ctx, name, second);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.status, { name }))).field('len').toBe(300);
      ctx.expect.that(hex(await downloadFile(ctx, name)) === hex(second), { check: 'content', expected: 'the 300 bytes of the second upload', actual: 'other content' });
    },
  });

  s.case({
    id: 'SMP-FS-STATUS-001',
    title: 'file status answers the size of the uploaded file',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File status', quote: 'Command allows to retrieve status of an existing file from specified path of a target device.' }, requires: FILES, story: 'status',
    stimulus: 'Upload 700 bytes, then file status (id 1) with its name.',
    requirement: '{"len": 700}.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'stat', 700);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.status, { name }))).field('len').toBe(700);
    },
  });

  s.case({
    id: 'SMP-FS-DOWNLOAD-001',
    title: 'a download past the end of a file gives no data: err 12, or an empty chunk',
    level: 'MUST', spec: { doc: 'zephyr-fs-mgmt-h', section: 'enum fs_mgmt_err_code_t', quote: 'The requested offset is larger than the size of the file on the device.' }, requires: FILES, story: 'download', destructive: true,
    stimulus: 'Upload 300 bytes, then download with "off": 400.',
    requirement: 'Either err 12 FILE_OFFSET_LARGER_THAN_FILE (digest) or, as fs_mgmt.c\'s seek past the end gives, {"off": 400, "data": h\'\'}; never file bytes.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'end', 300);
      const reply = await ctx.smp.request(smpRequest(fsCommands.download, { off: 400, name }));
      const { index } = await ctx.expect.oneOf([
        () => ctx.expect.mgmtErr(reply, fsErr(FsMgmtErr.FILE_OFFSET_LARGER_THAN_FILE)),
        () => ctx.expect.smpOk(reply).field('off').toBe(400).field('data').toSatisfy((d) => d.length === 0, 'an empty byte string'),
      ]);
      ctx.expect.note(index === 0 ? 'past the end: err 12' : 'past the end: empty chunk');
    },
  });

  s.case({
    id: 'SMP-FS-HASH-001',
    title: 'crc32 of a file equals the IEEE CRC-32 the harness computes',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File hash/checksum', quote: 'Command allows to generate a hash/checksum of an existing file at a specified path on a target device.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 1000 random bytes, then hash/checksum with "type": "crc32".',
    requirement: '{"type": "crc32", "len": 1000, "output": CRC-32 of the bytes as an unsigned integer}, no "off".',
    async run(ctx) {
      await needHashType(ctx, 'crc32');
      const { name, content } = await freshFile(ctx, 'crc', 1000);
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type: 'crc32' })));
      rsp.field('type').toBe('crc32').field('len').toBe(1000).field('off').toBeAbsent().field('output').toBe(crc32(content));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-002',
    title: 'sha256 of a file equals the SHA-256 the harness computes',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File hash/checksum', quote: 'Command allows to generate a hash/checksum of an existing file at a specified path on a target device.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 1000 random bytes, then hash/checksum with "type": "sha256" (unsupported where not listed, as in the v4.0 capture).',
    requirement: '{"type": "sha256", "len": 1000, "output": the 32-byte SHA-256 of the bytes}.',
    async run(ctx) {
      await needHashType(ctx, 'sha256');
      const { name, content } = await freshFile(ctx, 'sha', 1000);
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type: 'sha256' })));
      rsp.field('type').toBe('sha256').field('len').toBe(1000).field('output').toBe(sha256(content));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-003',
    title: 'hash without "type" uses crc32 when built in, else sha256, and names it',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'Hash/checksum types', quote: 'Note that the default type will be crc32 if it is enabled, or sha256 if crc32 is not enabled.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 500 random bytes, then hash/checksum with only "name".',
    requirement: '"type" is crc32 if listed (capture fs-hash-default), else sha256; "output" matches the harness\'s value of that type.',
    async run(ctx) {
      const types = await supportedHashTypes(ctx);
      const type = Object.hasOwn(types, 'crc32') ? 'crc32' : 'sha256';
      const { name, content } = await freshFile(ctx, 'dflt', 500);
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name })));
      rsp.field('type').toBe(type).field('output').toBe(type === 'crc32' ? crc32(content) : sha256(content));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-004',
    title: 'crc32 of a range (off, len) covers exactly that range and echoes "off" and "len"',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File hash/checksum response', quote: 'offset that hash/checksum calculation started at (only present if off is not 0)' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 299 random bytes, then hash/checksum crc32 with "off": 23, "len": 46 (as in the capture fs-hash-crc32-range).',
    requirement: '{"type": "crc32", "off": 23, "len": 46, "output": CRC-32 of bytes 23..68}.',
    async run(ctx) {
      await needHashType(ctx, 'crc32');
      const { name, content } = await freshFile(ctx, 'range', 299);
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type: 'crc32', off: 23, len: 46 })));
      rsp.field('off').toBe(23).field('len').toBe(46).field('output').toBe(crc32(content.subarray(23, 69)));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-005',
    title: 'hash with "off" at or past the end of the file is refused with err 12',
    level: 'MUST', spec: { doc: 'zephyr-fs-mgmt-h', section: 'enum fs_mgmt_err_code_t', quote: 'The requested offset is larger than the size of the file on the device.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 200 bytes, then hash/checksum with "off": 200.',
    requirement: 'A group error 12 FILE_OFFSET_LARGER_THAN_FILE (the file length must exceed the offset).',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'hend', 200);
      ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(fsCommands.hash, { name, off: 200 })), fsErr(FsMgmtErr.FILE_OFFSET_LARGER_THAN_FILE));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-006',
    title: 'hash with an unknown type is refused with err 13',
    level: 'MUST', spec: { doc: 'zephyr-fs-mgmt-h', section: 'enum fs_mgmt_err_code_t', quote: 'The requested checksum or hash type was not found or is not supported by this build.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 100 bytes, then hash/checksum with "type": "md5" (not a Zephyr hash type).',
    requirement: 'A group error 13 CHECKSUM_HASH_NOT_FOUND.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'md5', 100);
      ctx.expect.mgmtErr(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type: 'md5' })), fsErr(FsMgmtErr.CHECKSUM_HASH_NOT_FOUND));
    },
  });

  s.case({
    id: 'SMP-FS-HASH-007',
    title: 'supported hash types list crc32 as a 4-byte number and sha256 as 32 bytes',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'Supported file hash/checksum types response', quote: 'format that the hash/checksum returns where 0 is for numerical and 1 is for byte array.' }, requires: HASH, story: 'supported hashes',
    stimulus: 'Supported hash/checksum types (id 3) with an empty map.',
    requirement: 'At least one type; "crc32" (if listed) has format 0, size 4; "sha256" (if listed) format 1, size 32.',
    async run(ctx) {
      const types = await supportedHashTypes(ctx);
      const known: Record<string, { format: number; size: number }> = { crc32: { format: 0, size: 4 }, sha256: { format: 1, size: 32 } };
      ctx.expect.that(Object.keys(types).length > 0, { expected: 'at least one hash type', actual: 'an empty "types" map' });
      for (const [name, want] of Object.entries(known)) {
        const got = types[name];
        if (got !== undefined) ctx.expect.that(got.format === want.format && got.size === want.size, { check: `type ${name}`, expected: JSON.stringify(want), actual: JSON.stringify(got) });
      }
    },
  });

  s.case({
    id: 'SMP-FS-HASH-008',
    title: 'every listed hash type is accepted and its output has the listed format and size',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'Supported file hash/checksum types response', quote: 'size (in bytes) of output hash/checksum response.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 64 bytes; for each listed type, hash/checksum with that "type".',
    requirement: 'Format 0: "output" an unsigned integer below 2^(8*size); format 1: a byte string of "size" bytes.',
    async run(ctx) {
      const types = await supportedHashTypes(ctx);
      const { name } = await freshFile(ctx, 'each', 64);
      for (const [type, t] of Object.entries(types)) {
        const out = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type }))).output;
        const fits = t.format === 0 ? typeof out === 'number' && out < 2 ** (8 * t.size) : out instanceof Uint8Array && out.length === t.size;
        ctx.expect.that(fits, { check: `type ${type}`, expected: `format ${t.format}, size ${t.size}`, actual: out instanceof Uint8Array ? `${out.length}-byte string` : `number ${out}` });
      }
    },
  });

  s.case({
    id: 'SMP-FS-CLOSE-001',
    title: 'close answers {} and the file can be downloaded again from offset 0',
    level: 'SHOULD', levelNote: 'the close command (id 4) is only named in fs_mgmt.h; no SMP document says what it answers or that it ends a download', spec: { doc: 'zephyr-fs-mgmt-h', section: 'Command IDs for File System Management group', quote: 'File close' }, requires: FILES, story: 'close', destructive: true,
    stimulus: 'Upload 600 bytes, download its first chunk, close (id 4, op 2), download from offset 0 again.',
    requirement: 'Close answers {} (capture fs-close); the next download starts afresh with "len" 600. rc 8 (no close command in older firmware) is unsupported.',
    async run(ctx) {
      const { name, content } = await freshFile(ctx, 'close', 600);
      ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.download, { off: 0, name })));
      const closed = await ctx.smp.request(smpRequest(fsCommands.close, {}));
      if (closed.body.kind === 'errV1' && closed.body.rc === MgmtErr.ENOTSUP) ctx.skip('no close command (rc 8)');
      ctx.expect.smpOk(closed);
      ctx.expect.that(hex(await downloadFile(ctx, name)) === hex(content), { check: 'content', expected: 'the 600 bytes uploaded', actual: 'other content' });
    },
  });

});
