/**
 * The SMP header and the request loop: length field, several requests per packet, sequence
 * numbers, response op and version, reserved bits and flags, short packets, unknown groups and
 * commands. Every reply is judged against the header rules of `smp_make_rsp_hdr`.
 * @see /work/shared/spec/smp.md §1.1–1.6, §6.1
 */
import { encodeCborDefinite } from '../../src/codec/cbor/writer.ts';
import { MgmtErr, MgmtGroup, SmpOp, SmpVersion } from '../../src/codec/smp/constants.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { ImgCmd, OsCmd, osCommands } from '../../src/codec/smp/groups/index.ts';
import type { SmpHeader } from '../../src/codec/smp/header.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { answered, answerWindowMs, asReply, collectAnswers, exchange, headerOf, stillAlive } from './support/raw-replies.ts';

const ENOTSUP = { rc: MgmtErr.ENOTSUP };
const DIGEST_DISPATCH = { doc: 'smp-digest', section: '1.5 Length field, multiple requests per packet' } as const;
const DIGEST_EDGES = { doc: 'smp-digest', section: '6.1 Header / dispatcher' } as const;
const DIGEST_RSP_HDR = { doc: 'smp-digest', section: '1.3 How the server builds the response header' } as const;

/** An echo request frame with header fields as given (seq from the client unless set). */
function echoFrame(ctx: CaseContext, d: string, base: Partial<u.FrameBase> = {}): u.UncheckedFrame {
  return u.rawFrame({ ...u.frameBaseFor(osCommands.echo, base.seq ?? ctx.smp.nextSeq()), ...base }, encodeCborDefinite({ d }), `echo "${d}"`);
}

/** A request to `group`/`id` with `op` and an empty map, seq from the client. */
function frameTo(ctx: CaseContext, group: number, id: number, op: number): u.UncheckedFrame {
  return u.rawFrame({ op, group, id, seq: ctx.smp.nextSeq() }, Uint8Array.of(0xa0), `group ${group} id ${id} op ${op}`);
}

/** Exchange `frame` and require `{"rc": 8}` with a conforming header. */
async function expectNotSupported(ctx: CaseContext, frame: u.UncheckedFrame): Promise<void> {
  ctx.mark(frame.label);
  ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), ENOTSUP);
}

/** Send one packet holding `frames` and return the replies in arrival order, judged against each frame. */
async function repliesTo(ctx: CaseContext, frames: readonly u.UncheckedFrame[]): Promise<{ packets: Awaited<ReturnType<typeof collectAnswers>>; headers: SmpHeader[] }> {
  const headers = frames.map((f) => headerOf(f.bytes));
  const packets = await collectAnswers(ctx, u.concatenated(frames).bytes, headers);
  return { packets, headers };
}

/** Judge replies to concatenated echo frames: one per frame, in order, each echoing its own "d". */
function expectEchoReplies(ctx: CaseContext, frames: readonly u.UncheckedFrame[], texts: readonly string[], got: Awaited<ReturnType<typeof repliesTo>>): void {
  const seqs = got.packets.map((p) => p.header?.seq);
  ctx.expect.that(got.packets.length === frames.length, { expected: `${frames.length} replies, seqs ${got.headers.map((h) => h.seq).join(', ')}`, actual: `${got.packets.length} replies, seqs ${seqs.join(', ')}` });
  got.packets.forEach((p, i) => {
    const frame = frames[i]!;
    ctx.expect.smpOk(asReply(p, frame.bytes, got.headers[i]!, osCommands.echo)).field('r').toBe(texts[i]!);
  });
}

defineSuite({ id: 'smp/header', protocol: 'SMP', feature: 'header', title: 'SMP header and request loop' }, (s) => {
  s.case({
    id: 'SMP-HDR-LEN-001',
    title: 'a length field equal to the body is answered, and the reply length field equals its payload',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'SMP header' },
    stimulus: 'Echo whose header length field is exactly the CBOR body length.',
    requirement: 'A success reply whose length field counts exactly the payload bytes that follow the header.',
    requires: ['smp.os.echo'],
    story: 'length field',
    async run(ctx) {
      const frame = echoFrame(ctx, 'exact-length');
      ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe('exact-length');
    },
  });

  s.case({
    id: 'SMP-HDR-LEN-002',
    title: 'a length field larger than the data is answered with rc 9, group/seq/id echoed',
    level: 'MUST',
    spec: DIGEST_DISPATCH,
    stimulus: 'Echo whose length field is 4 more than the body bytes sent.',
    requirement: '{"rc": 9} (MGMT_ERR_ECORRUPT) carrying the request group, seq and id; the device stays alive.',
    requires: ['smp.os.echo'],
    story: 'length field',
    async run(ctx) {
      const frame = u.withLengthDelta(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), { d: 'too-long' }, 4);
      ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), { rc: MgmtErr.ECORRUPT });
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-LEN-003',
    title: 'a length field of 0xffff with a short body is answered with rc 9',
    level: 'MUST',
    spec: DIGEST_DISPATCH,
    stimulus: 'Echo whose length field claims 65535 payload bytes.',
    requirement: '{"rc": 9} with the request group, seq and id; the device stays alive.',
    requires: ['smp.os.echo'],
    story: 'length field',
    async run(ctx) {
      const frame = u.withLengthField(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), { d: 'huge' }, 0xffff);
      ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), { rc: MgmtErr.ECORRUPT });
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-LEN-004',
    title: 'bytes beyond a smaller length field are parsed as the next request',
    level: 'SHOULD',
    spec: DIGEST_DISPATCH,
    stimulus: 'MCUmgr params read with length field 0, followed in the same packet by a complete echo request.',
    requirement: 'The length field, not the packet size, ends a request: params is answered, then the surplus echo is answered.',
    requires: ['smp.os.params', 'smp.os.echo'],
    story: 'length field',
    async run(ctx) {
      const params = u.rawFrame({ ...u.frameBaseFor(osCommands.mcumgrParams, ctx.smp.nextSeq()), length: 0 }, new Uint8Array(0), 'params, length 0');
      const echo = echoFrame(ctx, 'surplus');
      const got = await repliesTo(ctx, [params, echo]);
      ctx.expect.that(got.packets.length === 2, { expected: 'a params reply, then an echo reply', actual: `${got.packets.length} replies` });
      ctx.expect.smpOk(asReply(got.packets[0]!, params.bytes, got.headers[0]!, osCommands.mcumgrParams));
      ctx.expect.smpOk(asReply(got.packets[1]!, echo.bytes, got.headers[1]!, osCommands.echo)).field('r').toBe('surplus');
    },
  });

  s.case({
    id: 'SMP-HDR-MULTI-001',
    title: 'two different requests in one packet get one reply each, in order',
    level: 'SHOULD',
    spec: DIGEST_DISPATCH,
    stimulus: 'One transport packet holding an echo request and an MCUmgr params read.',
    requirement: 'Two replies: the echo first, then params, each with its own header.',
    requires: ['smp.os.echo', 'smp.os.params'],
    story: 'several requests',
    async run(ctx) {
      const echo = echoFrame(ctx, 'first');
      const params = u.rawFrame(u.frameBaseFor(osCommands.mcumgrParams, ctx.smp.nextSeq()), Uint8Array.of(0xa0), 'params');
      const got = await repliesTo(ctx, [echo, params]);
      ctx.expect.that(got.packets.length === 2, { expected: 'an echo reply, then a params reply', actual: `${got.packets.length} replies` });
      ctx.expect.smpOk(asReply(got.packets[0]!, echo.bytes, got.headers[0]!, osCommands.echo)).field('r').toBe('first');
      ctx.expect.smpOk(asReply(got.packets[1]!, params.bytes, got.headers[1]!, osCommands.mcumgrParams));
    },
  });

  s.case({
    id: 'SMP-HDR-MULTI-002',
    title: 'three echo requests in one packet are answered one by one, in order',
    level: 'SHOULD',
    spec: DIGEST_DISPATCH,
    stimulus: 'One transport packet holding three echo requests with consecutive seqs.',
    requirement: 'Three replies in the order of the requests, each echoing its own "d".',
    requires: ['smp.os.echo'],
    story: 'several requests',
    async run(ctx) {
      const texts = ['one', 'two', 'three'];
      const frames = texts.map((d) => echoFrame(ctx, d));
      expectEchoReplies(ctx, frames, texts, await repliesTo(ctx, frames));
    },
  });

  s.case({
    id: 'SMP-HDR-MULTI-003',
    title: 'an error stops processing of the rest of the packet',
    level: 'SHOULD',
    spec: DIGEST_DISPATCH,
    stimulus: 'One packet: a request to unknown group 40, then a valid echo.',
    requirement: 'Only {"rc": 8} for the first request; the echo after it is not processed.',
    requires: ['smp.os.echo'],
    story: 'several requests',
    async run(ctx) {
      const bad = frameTo(ctx, 40, 0, SmpOp.WRITE);
      const echo = echoFrame(ctx, 'after-error');
      const got = await repliesTo(ctx, [bad, echo]);
      ctx.expect.that(got.packets.length === 1, { expected: 'one reply ({"rc": 8})', actual: `${got.packets.length} replies` });
      ctx.expect.mgmtErr(asReply(got.packets[0]!, bad.bytes, got.headers[0]!), ENOTSUP);
    },
  });

  s.case({
    id: 'SMP-HDR-SEQ-001',
    title: 'sequence numbers 0 and 255 are echoed unchanged',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'SMP header' },
    stimulus: 'Echo with seq 0, then echo with seq 255.',
    requirement: 'Each reply carries the request seq (0, 255).',
    requires: ['smp.os.echo'],
    story: 'sequence number',
    async run(ctx) {
      for (const seq of [0, 255]) {
        const frame = echoFrame(ctx, `seq-${seq}`, { seq });
        ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe(`seq-${seq}`);
      }
    },
  });

  s.case({
    id: 'SMP-HDR-SEQ-002',
    title: 'out-of-order sequence numbers are each echoed unchanged',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'SMP header' },
    stimulus: 'Echo requests with seqs 200, 7, 131, 64 in that order.',
    requirement: 'Each reply carries its request seq; no ordering is enforced.',
    requires: ['smp.os.echo'],
    story: 'sequence number',
    async run(ctx) {
      for (const seq of [200, 7, 131, 64]) {
        const frame = echoFrame(ctx, `order-${seq}`, { seq });
        ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe(`order-${seq}`);
      }
    },
  });

  s.case({
    id: 'SMP-HDR-SEQ-003',
    title: 'a repeated sequence number is executed again, not answered from a cache',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '1.6 Sequence number' },
    stimulus: 'Two echo requests with the same seq and different "d", one after the other.',
    requirement: 'The server does no duplicate detection: each reply echoes its own "d".',
    requires: ['smp.os.echo'],
    story: 'sequence number',
    async run(ctx) {
      const seq = ctx.smp.nextSeq();
      for (const d of ['again-1', 'again-2']) {
        const frame = echoFrame(ctx, d, { seq });
        ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe(d);
      }
    },
  });

  s.case({
    id: 'SMP-HDR-SEQ-004',
    title: 'ten requests in a row are each answered',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'SMP header' },
    stimulus: 'Ten echo requests, each sent after the previous reply.',
    requirement: 'Every request gets its reply (the client matches on group, seq and id).',
    requires: ['smp.os.echo'],
    story: 'sequence number',
    async run(ctx) {
      for (let i = 0; i < 10; i++) {
        const d = `row-${i}`;
        ctx.expect.smpOk(await answered(ctx, `echo ${d}`, () => ctx.smp.request(smpRequest(osCommands.echo, { d })))).field('r').toBe(d);
      }
    },
  });

  s.case({
    id: 'SMP-HDR-OP-001',
    title: 'error replies carry op 1 for a read and op 3 for a write',
    level: 'MUST',
    spec: DIGEST_RSP_HDR,
    stimulus: 'A read, then a write, to unknown group 40.',
    requirement: '{"rc": 8} both times; the reply op is 1 (read response) for the read and 3 (write response) for the write.',
    requires: [],
    story: 'op',
    async run(ctx) {
      await expectNotSupported(ctx, frameTo(ctx, 40, 0, SmpOp.READ));
      await expectNotSupported(ctx, frameTo(ctx, 40, 0, SmpOp.WRITE));
    },
  });

  s.case({
    id: 'SMP-HDR-OP-002',
    title: 'op 1 (read response) sent as a request is refused with rc 8 and op 3, or ignored',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '6.1 Header / dispatcher' },
    stimulus: 'Echo request bytes with op 1.',
    requirement: 'Without an SMP client: {"rc": 8} with reply op 3. With CONFIG_SMP_CLIENT the device takes it for a response: no reply.',
    requires: ['smp.os.echo'],
    story: 'op',
    async run(ctx) {
      await refusedOrIgnored(ctx, echoFrame(ctx, 'op-1', { op: SmpOp.READ_RSP }));
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-OP-003',
    title: 'op 3 (write response) sent as a request is refused with rc 8, or ignored',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '6.1 Header / dispatcher' },
    stimulus: 'Echo request bytes with op 3.',
    requirement: 'Without an SMP client: {"rc": 8} with reply op 3; with CONFIG_SMP_CLIENT: no reply.',
    requires: ['smp.os.echo'],
    story: 'op',
    async run(ctx) {
      await refusedOrIgnored(ctx, echoFrame(ctx, 'op-3', { op: SmpOp.WRITE_RSP }));
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-OP-004',
    title: 'undefined ops 4-7 are refused with rc 8 and reply op 3',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'Echo request bytes with op 4, 5, 6 and 7.',
    requirement: '{"rc": 8} (MGMT_ERR_ENOTSUP) each time, reply op 3, group/seq/id echoed.',
    requires: ['smp.os.echo'],
    story: 'op',
    async run(ctx) {
      for (const op of [4, 5, 6, 7]) await expectNotSupported(ctx, echoFrame(ctx, `op-${op}`, { op }));
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-VER-001',
    title: 'the reply carries the request version: v1 gets 00, v2 gets 01',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '1.4 Version handling (v1 vs v2)' },
    stimulus: 'Echo with version bits 00, then echo with version bits 01.',
    requirement: 'Success both times; reply version bits 00 for the v1 request and 01 for the v2 request.',
    requires: ['smp.os.echo', 'smp.v1', 'smp.v2'],
    story: 'version',
    async run(ctx) {
      for (const version of [SmpVersion.V1, SmpVersion.V2]) {
        const d = `version-${version}`;
        const reply = await answered(ctx, `echo ${d}`, () => ctx.smp.request(smpRequest(osCommands.echo, { d }, { version })));
        ctx.expect.smpOk(reply).field('r').toBe(d);
      }
    },
  });

  s.case({
    id: 'SMP-HDR-VER-002',
    title: 'reserved version bits 10 and 11 are refused with rc 13 and reply version 01',
    level: 'MUST',
    spec: { doc: 'smp-digest', section: '1.4 Version handling (v1 vs v2)' },
    stimulus: 'MCUmgr params read with version bits 10, then 11.',
    requirement: '{"rc": 13} (MGMT_ERR_UNSUPPORTED_TOO_NEW) with reply version bits 01, group/seq/id echoed.',
    requires: ['smp.v2', 'smp.os.params'],
    story: 'version',
    async run(ctx) {
      for (const version of [2, 3]) {
        const frame = u.withVersion(u.frameBaseFor(osCommands.mcumgrParams, ctx.smp.nextSeq()), {}, version);
        ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), { rc: MgmtErr.UNSUPPORTED_TOO_NEW });
      }
    },
  });

  s.case({
    id: 'SMP-HDR-BITS-001',
    title: 'reserved bits in byte 0 are ignored and cleared in the reply',
    level: 'MUST',
    spec: DIGEST_RSP_HDR,
    stimulus: 'Echo with the three reserved bits of byte 0 set (0b111).',
    requirement: 'The echo succeeds; the reply has its reserved bits 0.',
    requires: ['smp.os.echo'],
    story: 'reserved bits',
    async run(ctx) {
      const frame = u.withReservedBits(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), { d: 'reserved' }, 0b111);
      ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe('reserved');
    },
  });

  s.case({
    id: 'SMP-HDR-BITS-002',
    title: 'the flags byte is ignored and 0 in the reply',
    level: 'MUST',
    spec: DIGEST_RSP_HDR,
    stimulus: 'Echo with flags 0xff.',
    requirement: 'The echo succeeds; the reply flags byte is 0 (no flags are defined).',
    requires: ['smp.os.echo'],
    story: 'flags',
    async run(ctx) {
      const frame = u.withFlags(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), { d: 'flags' }, 0xff);
      const reply = await exchange(ctx, frame.bytes, { command: osCommands.echo });
      ctx.expect.smpOk(reply).field('r').toBe('flags');
      ctx.expect.that(reply.header.flags === 0, { check: 'reply flags', expected: 'flags 0', actual: `flags 0x${reply.header.flags.toString(16)}` });
    },
  });

  s.case({
    id: 'SMP-HDR-SHORT-001',
    title: 'packets of 1 to 7 bytes get no reply',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '6.1 Header / dispatcher' },
    stimulus: 'Seven packets holding the first 1…7 bytes of an echo header.',
    requirement: 'No header can be parsed, so nothing is answered; the device stays alive.',
    requires: ['smp.os.echo'],
    story: 'short packet',
    async run(ctx) {
      const frame = echoFrame(ctx, 'short');
      const window = answerWindowMs(ctx);
      for (let n = 1; n <= 7; n++) await ctx.expect.silence(window / 3, { send: () => ctx.smp.sendRaw(frame.bytes.subarray(0, n)) });
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-SHORT-002',
    title: 'an empty packet gets no reply',
    level: 'SHOULD',
    spec: DIGEST_DISPATCH,
    stimulus: 'A transport packet with no bytes (empty datagram, or an empty packet in valid serial framing).',
    requirement: 'Silently ignored; the device stays alive.',
    requires: ['smp.os.echo'],
    story: 'short packet',
    async run(ctx) {
      await ctx.expect.silence(answerWindowMs(ctx), { send: () => ctx.smp.sendRaw(new Uint8Array(0)) });
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-HDR-GROUP-001',
    title: 'requests to unknown groups 40, 62 and 64 are refused with rc 8',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'A write with an empty map to groups 40, 62 and 64 (no application handler).',
    requirement: '{"rc": 8} (MGMT_ERR_ENOTSUP) each time, with group/seq/id echoed.',
    requires: [],
    story: 'unknown group',
    async run(ctx) {
      for (const group of [40, 62, MgmtGroup.PERUSER]) await expectNotSupported(ctx, frameTo(ctx, group, 0, SmpOp.WRITE));
    },
  });

  s.case({
    id: 'SMP-HDR-CMD-001',
    title: 'the OS group holes (ids 1 and 3) are refused with rc 8',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'Reads and writes with an empty map to OS command ids 1 (console echo control) and 3 (memory pools).',
    requirement: '{"rc": 8} for every one (no handler in current Zephyr).',
    requires: ['smp.os'],
    story: 'unknown command',
    async run(ctx) {
      for (const id of [OsCmd.CONS_ECHO_CTRL, OsCmd.MPSTAT]) {
        for (const op of [SmpOp.READ, SmpOp.WRITE]) await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, id, op));
      }
    },
  });

  s.case({
    id: 'SMP-HDR-CMD-002',
    title: 'the image group holes (ids 2, 3, 4) are refused with rc 8',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'Reads with an empty map to image command ids 2, 3 and 4.',
    requirement: '{"rc": 8} each time.',
    requires: ['smp.img'],
    story: 'unknown command',
    async run(ctx) {
      for (const id of [2, 3, 4]) await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.IMAGE, id, SmpOp.READ));
    },
  });

  s.case({
    id: 'SMP-HDR-CMD-003',
    title: 'command ids beyond a group table are refused with rc 8',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'Reads to OS command 200 and image command 200.',
    requirement: '{"rc": 8} each time.',
    requires: ['smp.os', 'smp.img'],
    story: 'unknown command',
    async run(ctx) {
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, 200, SmpOp.READ));
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.IMAGE, 200, SmpOp.READ));
    },
  });

  s.case({
    id: 'SMP-HDR-CMD-004',
    title: 'a supported command sent with the other op is refused with rc 8',
    level: 'MUST',
    spec: DIGEST_EDGES,
    stimulus: 'Read of image upload, write of task statistics, write of MCUmgr params (each with an empty map).',
    requirement: '{"rc": 8} each time: the op selects the handler and these have none for it.',
    requires: ['smp.img.upload', 'smp.os.taskstat', 'smp.os.params'],
    story: 'unknown command',
    async run(ctx) {
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.IMAGE, ImgCmd.UPLOAD, SmpOp.READ));
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, OsCmd.TASKSTAT, SmpOp.WRITE));
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, OsCmd.MCUMGR_PARAMS, SmpOp.WRITE));
    },
  });
});

/** `{"rc": 8}` with a conforming header, or no reply at all (a firmware with an SMP client). */
async function refusedOrIgnored(ctx: CaseContext, frame: u.UncheckedFrame): Promise<void> {
  const request = headerOf(frame.bytes);
  const got = await collectAnswers(ctx, frame.bytes, [request]);
  const mine = got.filter((p) => p.header?.seq === request.seq);
  if (mine.length === 0) {
    ctx.expect.note(`${frame.label}: no reply (the firmware takes it for a response: CONFIG_SMP_CLIENT)`);
    return;
  }
  ctx.expect.that(mine.length === 1, { expected: 'one reply', actual: `${mine.length} replies` });
  ctx.expect.mgmtErr(asReply(mine[0]!, frame.bytes, request), ENOTSUP);
}
