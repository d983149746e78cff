/**
 * File system group (8): request checks (missing "off" or "len", zero "len", wrong types),
 * missing files, and properties over offsets and ranges of one uploaded file.
 * @see docs/spec/smp.md §3.5, §1.7, §6.7 item 71
 */
import fc from 'fast-check';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtErr, MgmtGroup } from '../../src/codec/smp/constants.ts';
import { fsCommands, FsMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { crc32, fileName, freshFile, FS_ROOT, hex, pathUnder, sha256, supportedHashTypes } from './fs-helpers.ts';

const FS = MgmtGroup.FS;
const FILES = ['smp.fs'];
const HASH = ['smp.fs', 'smp.fs.hash'];
const fsErr = (rc: number): { v2: { group: number; rc: number } } => ({ v2: { group: FS, rc } });

/** The hash of `name` with the body given as is. */
async function hashOf(ctx: CaseContext, body: Record<string, unknown>) {
  return ctx.smp.request({ command: fsCommands.hash, body });
}

/** Size of the file the properties read from. */
const PROPERTY_FILE_BYTES = 1500;
/** Per property run: the file uploaded once. */
const propertyFiles = new WeakMap<CaseContext, Promise<{ name: string; content: Uint8Array }>>();

function propertyFile(ctx: CaseContext, tag: string): Promise<{ name: string; content: Uint8Array }> {
  let file = propertyFiles.get(ctx);
  if (file === undefined) {
    file = freshFile(ctx, tag, PROPERTY_FILE_BYTES);
    propertyFiles.set(ctx, file);
  }
  return file;
}

defineSuite({ id: 'smp/fs-checks', protocol: 'SMP', feature: 'fs', title: 'File system management: request checks and properties' }, (s) => {
  const missing = (id: string, story: string, send: (ctx: CaseContext, name: string) => ReturnType<CaseContext['smp']['request']>): void =>
    s.case({
      id, title: `${story} of a file that does not exist is refused with err 3 (FILE_NOT_FOUND)`,
      level: 'MUST', spec: { doc: 'zephyr-fs-mgmt-h', section: 'enum fs_mgmt_err_code_t', quote: 'The specified file does not exist.' }, requires: story === 'hash' ? HASH : FILES, story,
      stimulus: `${story} of "${pathUnder(FS_ROOT, 'absent-<random>')}" (under the target's fs root).`,
      requirement: 'A group error 3 FILE_NOT_FOUND.',
      async run(ctx) {
        ctx.expect.mgmtErr(await send(ctx, fileName(ctx, `absent-${ctx.fixtures.text(8)}`)), fsErr(FsMgmtErr.FILE_NOT_FOUND));
      },
    });
  missing('SMP-FS-MISSING-001', 'status', (ctx, name) => ctx.smp.request(smpRequest(fsCommands.status, { name })));
  missing('SMP-FS-MISSING-002', 'download', (ctx, name) => ctx.smp.request(smpRequest(fsCommands.download, { off: 0, name })));
  missing('SMP-FS-MISSING-003', 'hash', (ctx, name) => ctx.smp.request(smpRequest(fsCommands.hash, { name })));

  s.case({
    id: 'SMP-FS-TYPES-001',
    title: 'hash with "type" as a number is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 100 bytes, then hash/checksum {"name": ..., "type": 32}.',
    requirement: 'A known key with the wrong type fails decoding: {"rc": 3}.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'ty1', 100);
      ctx.expect.mgmtErr(await hashOf(ctx, { name, type: 32 }), { rc: MgmtErr.EINVAL });
      await ctx.expect.alive();
    },
  });

  s.case({
    id: 'SMP-FS-TYPES-002',
    title: 'hash with "off" as a text string is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 100 bytes, then hash/checksum {"name": ..., "off": "0"}.',
    requirement: 'A known key with the wrong type fails decoding: {"rc": 3}.',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'ty2', 100);
      ctx.expect.mgmtErr(await hashOf(ctx, { name, off: '0' }), { rc: MgmtErr.EINVAL });
    },
  });

  s.property({
    id: 'SMP-FS-DOWNLOAD-002',
    title: 'a download at any offset inside the file returns the bytes found there',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File download', quote: 'Command allows to download contents of an existing file from specified path of a target device.' }, requires: FILES, story: 'download', destructive: true,
    stimulus: 'Upload 1500 random bytes once, then download at generated offsets 0..1499.',
    requirement: 'Each reply echoes "off" and carries a non-empty "data" equal to the file\'s bytes from "off" on.',
    numRuns: { udp: 60, serial: 15 },
    arbitrary: fc.integer({ min: 0, max: PROPERTY_FILE_BYTES - 1 }),
    async predicate(ctx, off) {
      const { name, content } = await propertyFile(ctx, 'pdl');
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.download, { off, name }))).field('off').toBe(off);
      const want = content.subarray(off, off + rsp.data.length);
      ctx.expect.that(rsp.data.length > 0 && hex(rsp.data) === hex(want), { check: 'field "data"', expected: `bytes ${off}.. of the file`, actual: `${rsp.data.length} bytes${rsp.data.length > 0 ? ' that differ' : ''}` });
    },
  });

  s.property({
    id: 'SMP-FS-HASH-009',
    title: 'the checksum of any range of a file equals the harness\'s over the same bytes',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File hash/checksum request', quote: 'maximum length of data to read from file to generate hash/checksum with (optional, full file size if not provided)' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 1500 random bytes once, then hash/checksum (crc32 when listed, else sha256) with generated "off" 0..1499 and "len" 1..2000.',
    requirement: '"len" = min(len, size - off); "off" echoed when not 0; "output" = the harness\'s checksum of exactly those bytes.',
    numRuns: { udp: 60, serial: 15 },
    arbitrary: fc.record({ off: fc.integer({ min: 0, max: PROPERTY_FILE_BYTES - 1 }), len: fc.integer({ min: 1, max: 2000 }) }),
    async predicate(ctx, { off, len }) {
      const { name, content } = await propertyFile(ctx, 'phs');
      const type = Object.hasOwn(await supportedHashTypes(ctx), 'crc32') ? 'crc32' : 'sha256';
      const bytes = content.subarray(off, off + len);
      const rsp = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.hash, { name, type, off, len })));
      (off === 0 ? rsp.field('off').toBeAbsent() : rsp.field('off').toBe(off)).field('len').toBe(bytes.length);
      rsp.field('output').toBe(type === 'crc32' ? crc32(bytes) : sha256(bytes));
    },
  });

  s.case({
    id: 'SMP-FS-UPLOAD-004',
    title: 'a first upload chunk without "len" is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-smp-g8', section: 'File upload request', quote: 'length of file, this field is only mandatory when "off" is 0' }, requires: FILES, story: 'upload', destructive: true,
    stimulus: 'File upload {"off": 0, "data": 16 bytes, "name": ...} with no "len".',
    requirement: '"len" is mandatory when "off" is 0: {"rc": 3} (fs_mgmt.c returns MGMT_ERR_EINVAL).',
    async run(ctx) {
      const reply = await ctx.smp.request({ command: fsCommands.upload, body: { off: 0, data: ctx.fixtures.bytes(16), name: fileName(ctx, 'nolen') } });
      ctx.expect.mgmtErr(reply, { rc: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-FS-DOWNLOAD-003',
    title: 'a download without "off" is refused with rc 3',
    level: 'MUST', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: FILES, story: 'download', destructive: true,
    stimulus: 'Upload 100 bytes, then file download {"name": ...} with no "off".',
    requirement: '"off" is mandatory: {"rc": 3} (fs_mgmt.c returns MGMT_ERR_EINVAL).',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'nooff', 100);
      ctx.expect.mgmtErr(await ctx.smp.request({ command: fsCommands.download, body: { name } }), { rc: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-FS-HASH-010',
    title: 'hash with "len": 0 is refused with rc 3',
    level: 'SHOULD', levelNote: 'the group document defines "len" as a maximum and says nothing of 0; refusing "len": 0 with rc 3 is fs_mgmt.c', spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' }, requires: HASH, story: 'hash', destructive: true,
    stimulus: 'Upload 100 bytes, then hash/checksum {"name": ..., "len": 0}.',
    requirement: 'A zero length is invalid: {"rc": 3} (fs_mgmt.c returns MGMT_ERR_EINVAL).',
    async run(ctx) {
      const { name } = await freshFile(ctx, 'len0', 100);
      ctx.expect.mgmtErr(await hashOf(ctx, { name, len: 0 }), { rc: MgmtErr.EINVAL });
    },
  });
});
