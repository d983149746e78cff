/**
 * What the dispatcher refuses or ignores: response ops of error replies, ops that are not
 * requests, packets too short for a header, unknown groups, holes and ends of command tables,
 * commands sent with the op they lack.
 * @see docs/spec/smp.md §1.3, §1.5, §6.1
 */
import { MgmtGroup, SmpOp } from '../../src/codec/smp/constants.ts';
import { ImgCmd, OsCmd } from '../../src/codec/smp/groups/index.ts';
import { defineSuite } from '../../src/conformance/index.ts';
import { answerWindowMs, stillAlive } from './support/raw-replies.ts';
import { echoFrame, expectNotSupported, frameTo, refusedOrIgnored } from './support/header-frames.ts';

const DIGEST_DISPATCH = { doc: 'smp-digest', section: '1.5 Length field, multiple requests per packet' } as const;

defineSuite({ id: 'smp/header-dispatch', protocol: 'SMP', feature: 'header', title: 'SMP dispatcher: refused and ignored requests' }, (s) => {
  s.case({
    id: 'SMP-HDR-OP-001',
    title: 'error replies carry op 1 for a read and op 3 for a write',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'determines whether information is written to a device or requested from it and whether a packet contains request to an SMP server or response from it.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
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
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Command not supported.' },
    stimulus: 'Read of image upload, write of task statistics, write of MCUmgr params (each with an empty map).',
    requirement: '{"rc": 8} each time: the op selects the handler and these have none for it.',
    requires: ['smp.img.upload', 'smp.os.taskstat', 'smp.os.params'],
    story: 'unknown command',
    async run(ctx) {
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.IMAGE, ImgCmd.UPLOAD, SmpOp.READ));
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, OsCmd.TASKSTAT, SmpOp.WRITE));
      await expectNotSupported(ctx, frameTo(ctx, MgmtGroup.OS, OsCmd.MCUMGR_PARAMS, SmpOp.WRITE));
    },
  });});
