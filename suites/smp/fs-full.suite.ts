/**
 * File system group (8) at its limit: SMP has no delete, so a small file system fills up. This
 * case fills it on purpose through the one scratch file (past the target's fs budget, up to a
 * cap), judges how the device says it is full, then truncates the scratch file so the space is
 * free again for the cases after it.
 * @see docs/spec/smp.md §3.5
 */
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtGroup } from '../../src/codec/smp/constants.ts';
import { fsCommands, FsMgmtErr } from '../../src/codec/smp/groups/index.ts';
import { defineSuite, type CaseContext, type SmpReply } from '../../src/conformance/index.ts';
import { fileName, fsChunkBytes } from './fs-helpers.ts';

/** Most bytes the case writes before it stops looking for the end of the file system. */
const FILL_MAX_BYTES = 64 * 1024;
/** What the scratch file is cut down to afterwards (an upload at offset 0 truncates). */
const TRUNCATED_BYTES = 16;

/** Upload chunks from offset 0 until a reply is not a success or `FILL_MAX_BYTES` are written. */
async function fill(ctx: CaseContext, name: string): Promise<{ acknowledged: number; refusal: SmpReply<unknown> | undefined }> {
  const block = ctx.fixtures.bytes(fsChunkBytes(ctx), 'fill');
  let off = 0;
  while (off < FILL_MAX_BYTES) {
    const data = block.subarray(0, Math.min(block.length, FILL_MAX_BYTES - off));
    const reply = await ctx.smp.request(smpRequest(fsCommands.upload, off === 0 ? { off, data, name, len: FILL_MAX_BYTES } : { off, data, name }));
    if (reply.body.kind !== 'ok') return { acknowledged: off, refusal: reply };
    ctx.expect.smpOk(reply).field('off').toBe(off + data.length);
    off += data.length;
  }
  return { acknowledged: off, refusal: undefined };
}

/** Cut the scratch file down so the space is free again; a failure here is the next case's business. */
async function truncate(ctx: CaseContext, name: string): Promise<void> {
  const data = ctx.fixtures.bytes(TRUNCATED_BYTES, 'truncate');
  await ctx.smp.request(smpRequest(fsCommands.upload, { off: 0, data, name, len: data.length })).catch(() => undefined);
}

defineSuite({ id: 'smp/fs-full', protocol: 'SMP', feature: 'fs', title: 'File system management: a full file system' }, (s) => {
  s.case({
    id: 'SMP-FS-FULL-001',
    title: 'a write the full file system cannot take is refused with err 10, and "off" never counts bytes not stored',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '3.5 File system — group 8', quote: '`{"off": uint}` (offset after the write)' },
    requires: ['smp.fs'],
    story: 'upload',
    destructive: true,
    timeoutMs: 180_000,
    stimulus: `Upload to the scratch file chunk by chunk (past the target's fs budget) until a chunk is refused or ${FILL_MAX_BYTES / 1024} KiB are written, then file status; afterwards the file is truncated to ${TRUNCATED_BYTES} bytes.`,
    requirement: 'Every success reply\'s "off" is the offset after the write; a write the file system cannot take is a group error 10 FILE_WRITE_FAILED; status "len" equals the last "off" acknowledged.',
    async run(ctx) {
      const name = fileName(ctx, 'fill');
      try {
        const { acknowledged, refusal } = await fill(ctx, name);
        if (refusal === undefined) ctx.expect.note(`the file system took all ${FILL_MAX_BYTES} bytes: not full, the refusal is not judged`);
        else ctx.expect.mgmtErr(refusal, { v2: { group: MgmtGroup.FS, rc: FsMgmtErr.FILE_WRITE_FAILED } });
        const { len } = ctx.expect.smpOk(await ctx.smp.request(smpRequest(fsCommands.status, { name })));
        ctx.expect.that(len === acknowledged, {
          check: 'bytes stored',
          expected: `status "len" ${acknowledged} (the last "off" the device acknowledged)`,
          actual: `"len" ${len}${len < acknowledged ? `: ${acknowledged - len} acknowledged bytes were not stored` : ''}`,
        });
      } finally {
        await truncate(ctx, name);
      }
    },
  });
});
