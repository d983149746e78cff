/**
 * The SMP header and the request loop: length field, several requests per packet, sequence
 * numbers, version bits, reserved bits and flags. Every reply is judged against the header rules
 * of `smp_make_rsp_hdr`.
 * @see docs/spec/smp.md §1.1–1.6, §6.1
 */
import { MgmtErr, SmpOp, SmpVersion } from '../../src/codec/smp/constants.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { osCommands } from '../../src/codec/smp/groups/index.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { answered, asReply, exchange, stillAlive } from './support/raw-replies.ts';
import { echoFrame, ENOTSUP, expectEchoReplies, frameTo, repliesTo } from './support/header-frames.ts';

const DIGEST_DISPATCH = { doc: 'smp-digest', section: '1.5 Length field, multiple requests per packet' } as const;

defineSuite({ id: 'smp/header', protocol: 'SMP', feature: 'header', title: 'SMP header and request loop' }, (s) => {
  s.case({
    id: 'SMP-HDR-LEN-001',
    title: 'a length field equal to the body is answered, and the reply length field equals its payload',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'Length of the Data field' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Corrupt' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Corrupt' },
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
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'The Sequence Num of a response should match the one in the request.' },
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
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'The Sequence Num of a response should match the one in the request.' },
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
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response', quote: 'Regardless of a command issued, as long as there is SMP client on the other side of a request, a response should be issued containing the header followed by CBOR map container.' },
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
    id: 'SMP-HDR-VER-001',
    title: 'the reply carries the request version: v1 gets 00, v2 gets 01',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'This indicates the version of the protocol being used, this should be set to 0b01 to use the newer SMP transport where error codes are more detailed and returned in the map, otherwise left as 0b00 to use the legacy SMP protocol.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Requested SMP MCUmgr protocol version is not supported (too new)' },
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
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'This is reserved, not-used field and must be always set to 0.' },
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
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'Reserved for flags; there are no flags defined yet, the field should be set to 0' },
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
});
