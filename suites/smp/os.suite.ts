/**
 * OS group (0) beyond the echo basics of os-echo.suite.ts: long and v1 echo, task statistics,
 * MCUmgr parameters, OS/application info, reset (bootloader info: os-bootloader.suite.ts,
 * date/time: os-datetime.suite.ts). The reset cases come last: they reboot the device.
 * @see docs/spec/smp.md §3.1, §6.7 items 63–66
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { encodeImageHeader } from '../../src/codec/image/sign.ts';
import { MgmtErr, MgmtGroup, SMP_HEADER_BYTES, SmpVersion } from '../../src/codec/smp/constants.ts';
import { imgCommands } from '../../src/codec/smp/groups/img.ts';
import { osCommands, OsMgmtErr } from '../../src/codec/smp/groups/os.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { defineSuite, requestLimitBytes, type CaseContext } from '../../src/conformance/index.ts';

const EINVAL = { rc: MgmtErr.EINVAL } as const;
/** os info letters in their fixed output order; `b` only with build-date support. */
const INFO_LETTERS = ['s', 'n', 'r', 'v', 'b', 'm', 'p', 'i', 'o'] as const;
/** Letters every Zephyr build accepts (`b` needs the build-date option). */
const ALWAYS_VALID_LETTERS = INFO_LETTERS.filter((l) => l !== 'b');
/** Zephyr's CONFIG_MCUMGR_GRP_OS_RESET_MS default is 250 ms: wait past it before polling. */
const RESET_SETTLE_MS = 1000;
/** Echo request bytes besides the text: header, map head, key "d", up to a 3-byte text head. */
const ECHO_OVERHEAD_BYTES = SMP_HEADER_BYTES + 6;
/** Data bytes of the reset cases' upload chunks: a packet within a 256-byte serial MTU (docs/spec/smp.md §4.3). */
const CHUNK_BYTES = 128;

/** The "output" of os info for `format` (absent when undefined). */
async function infoOutput({ smp, expect }: CaseContext, format?: string): Promise<string> {
  const req = format === undefined ? {} : { format };
  return expect.smpOk(await smp.request(smpRequest(osCommands.info, req))).output;
}

/** Per-letter outputs; `b` is dropped when the device refuses it as an unknown letter (no build date). */
async function letterOutputs(ctx: CaseContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const letter of INFO_LETTERS) {
    const reply = await ctx.smp.request(smpRequest(osCommands.info, { format: letter }));
    if (letter === 'b' && reply.body.kind !== 'ok') {
      ctx.expect.mgmtErr(reply, { v2: { group: MgmtGroup.OS, rc: OsMgmtErr.INVALID_FORMAT } });
      ctx.expect.note('"b" refused: built without CONFIG_MCUMGR_GRP_OS_INFO_BUILD_DATE_TIME');
      continue;
    }
    out.set(letter, ctx.expect.smpOk(reply).output);
  }
  return out;
}

/** First chunk of an image upload (header with the MCUboot magic): starts the device's upload context. */
function firstChunk(ctx: CaseContext): { len: number; data: Uint8Array } {
  const len = 4 * CHUNK_BYTES;
  const header = encodeImageHeader({ loadAddr: 0, hdrSize: 32, protectTlvSize: 0, imgSize: len - 32, flags: 0, version: { major: 0, minor: 0, revision: 1, build: 0 } });
  const data = ctx.fixtures.bytes(CHUNK_BYTES, 'chunk0');
  data.set(header);
  return { len, data };
}

/**
 * Start an upload, reset with `body`, wait for the device, and check the upload context is gone:
 * a continuation chunk is answered {"off": 0}.
 */
async function resetForgetsUpload(ctx: CaseContext, body: Record<string, unknown>): Promise<void> {
  const { len, data } = firstChunk(ctx);
  const start = await ctx.smp.request(smpRequest(imgCommands.upload, { image: 0, len, off: 0, data }));
  // A secondary slot in use (a pending image) refuses the upload: the reset is still judged.
  const isUploading = start.body.kind === 'ok';
  if (isUploading) ctx.expect.smpOk(start).field('off').toBe(CHUNK_BYTES);
  else ctx.expect.note(`upload state not checked: the first chunk was refused (${JSON.stringify(start.body)})`);
  ctx.expect.smpOk(await ctx.smp.request({ command: osCommands.reset, body }));
  await sleep(RESET_SETTLE_MS);
  ctx.expect.note(`device answered again after ${await ctx.expect.ready()} ms`);
  if (!isUploading) return;
  const next = { off: CHUNK_BYTES, data: ctx.fixtures.bytes(CHUNK_BYTES, 'chunk1') };
  ctx.expect.smpOk(await ctx.smp.request(smpRequest(imgCommands.upload, next))).field('off').toBe(0);
}

defineSuite({ id: 'smp/os', protocol: 'SMP', feature: 'os', title: 'OS management' }, (s) => {
  s.case({
    id: 'SMP-OS-ECHO-007',
    title: 'echo returns a 200-character string unchanged',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' },
    stimulus: 'Echo with "d": 200 letters and digits.',
    requirement: '"r" equals "d", all 200 characters (no length limit below the buffer size).',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run({ smp, expect, fixtures }) {
      const d = fixtures.text(200);
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d }))).field('r').toBe(d);
    },
  });

  s.case({
    id: 'SMP-OS-ECHO-008',
    title: 'echo with an SMP v1 header answers version 0 and the same string',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'This indicates the version of the protocol being used, this should be set to 0b01 to use the newer SMP transport where error codes are more detailed and returned in the map, otherwise left as 0b00 to use the legacy SMP protocol.' },
    stimulus: 'Echo with header version bits 00 and a 100-character "d".',
    requirement: 'Reply header version 0, op 3; success payloads are the same in v1 and v2: "r" equals "d".',
    requires: ['smp.os.echo', 'smp.v1'],
    story: 'echo',
    async run({ smp, expect, fixtures }) {
      const d = fixtures.text(100);
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d }, { version: SmpVersion.V1 }))).field('r').toBe(d);
    },
  });

  s.case({
    id: 'SMP-OS-ECHO-009',
    title: 'echo returns multi-byte UTF-8 text unchanged',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' },
    stimulus: 'Echo with "d": up to 90 code points mixing 2-, 3- and 4-byte UTF-8 sequences (as many as the request limit takes).',
    requirement: '"r" equals "d" byte for byte.',
    requires: ['smp.os.echo'],
    story: 'echo',
    async run(ctx) {
      const { smp, expect } = ctx;
      // 30 repeats (270 bytes of text) where the request limit allows, fewer on a small serial MTU.
      const d = 'ü€𝄞'.repeat(Math.min(30, Math.floor((requestLimitBytes(ctx) - ECHO_OVERHEAD_BYTES) / 9)));
      expect.smpOk(await smp.request(smpRequest(osCommands.echo, { d }))).field('r').toBe(d);
    },
  });

  s.case({
    id: 'SMP-OS-TASKSTAT-001',
    title: 'task statistics list tasks with prio, tid and state, distinct tids, and no task using more stack than it has',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'Task statistics command', quote: 'The command responds with some system statistics.' },
    stimulus: 'Task statistics (op 0) with an empty map.',
    requirement: '"tasks": task name -> {"prio": int, "tid": uint, "state": uint, …}, at least one, tids distinct; where "stksiz" and "stkuse" are reported (words), stkuse <= stksiz.',
    requires: ['smp.os.taskstat'],
    story: 'taskstat',
    async run({ smp, expect }) {
      const { tasks } = expect.smpOk(await smp.request(smpRequest(osCommands.taskstat, {})));
      const entries = Object.entries(tasks);
      const tids = entries.map(([, t]) => t.tid);
      expect.that(tids.length > 0, { expected: 'at least one task', actual: 'an empty "tasks" map' });
      expect.that(new Set(tids).size === tids.length, { expected: 'distinct "tid" values', actual: `tids ${tids.join(', ')}` });
      const over = entries.filter(([, t]) => t.stksiz !== undefined && t.stkuse !== undefined && t.stkuse > t.stksiz);
      expect.that(over.length === 0, { expected: 'stkuse <= stksiz for every task', actual: over.map(([n, t]) => `${n}: stkuse ${t.stkuse} > stksiz ${t.stksiz}`).join('; ') });
      expect.note(entries.some(([, t]) => t.stksiz !== undefined) ? 'stack info reported' : 'no stack info (built without ..._TASKSTAT_STACK_INFO)');
    },
  });

  s.case({
    id: 'SMP-OS-PARAMS-001',
    title: 'MCUmgr parameters report a usable buffer size and at least one buffer, the same under v1',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'MCUmgr Parameters', quote: 'Single SMP buffer size, this includes SMP header and CBOR payload.' },
    stimulus: 'MCUmgr parameters (op 0) with a v2 header, then with a v1 header where the device answers v1.',
    requirement: '"buf_size" (uint, including the 8-byte header) larger than a header, "buf_count" >= 1; the v1 answer carries the same values.',
    requires: ['smp.os.params'],
    story: 'mcumgr params',
    async run({ smp, expect, session }) {
      const p = expect.smpOk(await smp.request(smpRequest(osCommands.mcumgrParams, {})))
        .field('buf_size').toSatisfy((n) => n > SMP_HEADER_BYTES, `more than ${SMP_HEADER_BYTES} (the header)`)
        .field('buf_count').toSatisfy((n) => n >= 1, 'at least 1');
      if (!session.smpVersions.v1) return;
      expect.smpOk(await smp.request(smpRequest(osCommands.mcumgrParams, {}, { version: SmpVersion.V1 })))
        .field('buf_size').toBe(p.buf_size)
        .field('buf_count').toBe(p.buf_count);
    },
  });

  s.case({
    id: 'SMP-OS-INFO-001',
    title: 'os info without a format, or with an empty one, answers the kernel name like "s"',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'OS/Application Info Request', quote: 'If this option is not provided, the s Kernel name option will be used.' },
    stimulus: 'OS info with no "format", with "format": "", with "s", and with "a".',
    requirement: 'The first three answer the same "output" (the kernel name, "s"), which is the first of the items "a" answers.',
    requires: ['smp.os.info'],
    story: 'info',
    async run(ctx) {
      const [none, empty, s1, all] = [await infoOutput(ctx), await infoOutput(ctx, ''), await infoOutput(ctx, 's'), await infoOutput(ctx, 'a')];
      ctx.expect.that(none === s1 && empty === s1, { expected: `no format and "" answer like "s": ${JSON.stringify(s1)}`, actual: `no format: ${JSON.stringify(none)}, "": ${JSON.stringify(empty)}` });
      ctx.expect.that(all.startsWith(`${s1} `), { expected: `"a" starts with the "s" item ${JSON.stringify(s1)} and more`, actual: `"a": ${JSON.stringify(all)}` });
    },
  });

  s.case({
    id: 'SMP-OS-INFO-002',
    title: 'os info "a" answers every item, each as its own letter gives it, space-separated in fixed order',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'OS/Application Info', quote: 'Format specifier of returned response, fields are appended in their natural ascending index order, not the order of characters that are received by the command.' },
    stimulus: 'OS info once per letter s n r v b m p i o ("b" may be refused without build-date support), then "a".',
    requirement: '"a" equals the single-letter outputs joined by spaces in the order s n r v b m p i o.',
    requires: ['smp.os.info'],
    story: 'info',
    async run(ctx) {
      const parts = await letterOutputs(ctx);
      const all = await infoOutput(ctx, 'a');
      const expected = [...parts.values()].join(' ');
      ctx.expect.that(all === expected, { expected: `"output": ${JSON.stringify(expected)}`, actual: `"output": ${JSON.stringify(all)}` });
    },
  });

  s.case({
    id: 'SMP-OS-INFO-003',
    title: 'os info letters given out of order and repeated answer each item once, in fixed order',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'OS/Application Info', quote: 'Format specifier of returned response, fields are appended in their natural ascending index order, not the order of characters that are received by the command.' },
    stimulus: 'OS info with "format": "ovsos", then "s", "v" and "o" alone.',
    requirement: 'Output assembled in the fixed order, duplicates accepted: "ovsos" answers s, v, o joined by spaces.',
    requires: ['smp.os.info'],
    story: 'info',
    async run(ctx) {
      const mixed = await infoOutput(ctx, 'ovsos');
      const expected = [await infoOutput(ctx, 's'), await infoOutput(ctx, 'v'), await infoOutput(ctx, 'o')].join(' ');
      ctx.expect.that(mixed === expected, { expected: `"output": ${JSON.stringify(expected)}`, actual: `"output": ${JSON.stringify(mixed)}` });
    },
  });

  s.case({
    id: 'SMP-OS-INFO-004',
    title: 'os info with an unknown format letter answers INVALID_FORMAT err{0,2}',
    level: 'MUST',
    spec: { doc: 'zephyr-os-mgmt-h', section: 'enum os_mgmt_err_code_t', quote: 'The provided format value is not valid.' },
    stimulus: 'OS info with "format": "sx" (v2 header).',
    requirement: 'Group error 2 (OS_MGMT_ERR_INVALID_FORMAT) as err{group 0, rc 2}.',
    requires: ['smp.os.info'],
    story: 'info',
    async run({ smp, expect }) {
      expect.mgmtErr(await smp.request(smpRequest(osCommands.info, { format: 'sx' })), { v2: { group: MgmtGroup.OS, rc: OsMgmtErr.INVALID_FORMAT } });
      await expect.alive();
    },
  });

  s.case({
    id: 'SMP-OS-INFO-005',
    title: 'os info with an unknown format letter under SMP v1 answers rc 3',
    level: 'SHOULD', levelNote: 'the v1 code is Zephyr\'s translation table (INVALID_FORMAT → EINVAL); the SMP documents say only that v1 errors are an "rc" from mcumgr_err_t, not which one',
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' },
    stimulus: 'OS info with "format": "x" and header version bits 00.',
    requirement: 'INVALID_FORMAT translated for v1: {"rc": 3} (MGMT_ERR_EINVAL), reply version 0.',
    requires: ['smp.os.info', 'smp.v1'],
    story: 'info',
    async run({ smp, expect }) {
      expect.mgmtErr(await smp.request(smpRequest(osCommands.info, { format: 'x' }, { version: SmpVersion.V1 })), { v2: { group: MgmtGroup.OS, rc: OsMgmtErr.INVALID_FORMAT }, v1: MgmtErr.EINVAL });
    },
  });

  s.case({
    id: 'SMP-OS-INFO-006',
    title: 'os info with "format" not a text string is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'OS info with "format": 115 (an unsigned integer), then "format": h\'73\' (bytes).',
    requirement: 'A known key with the wrong major type fails decoding: {"rc": 3}.',
    requires: ['smp.os.info'],
    story: 'info',
    async run({ smp, expect }) {
      for (const format of [115, Uint8Array.of(0x73)]) expect.mgmtErr(await smp.request({ command: osCommands.info, body: { format } }), EINVAL);
      await expect.alive();
    },
  });

  s.property({
    id: 'SMP-OS-INFO-007',
    title: 'any os info format of known letters answers their items once each, in fixed order',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'OS/Application Info', quote: 'Format specifier of returned response, fields are appended in their natural ascending index order, not the order of characters that are received by the command.' },
    stimulus: 'OS info with generated formats: 1–12 letters from s n r v m p i o, in any order, repeats allowed.',
    requirement: '"output" equals the single-letter outputs of the distinct letters, joined by spaces in the order s n r v (b) m p i o.',
    requires: ['smp.os.info'],
    story: 'info',
    numRuns: { udp: 40, serial: 6 },
    arbitrary: fc.array(fc.constantFrom(...ALWAYS_VALID_LETTERS), { minLength: 1, maxLength: 12 }).map((letters) => letters.join('')),
    async predicate(ctx, format) {
      const wanted = INFO_LETTERS.filter((l) => format.includes(l));
      const parts: string[] = [];
      for (const letter of wanted) parts.push(await infoOutput(ctx, letter));
      const got = await infoOutput(ctx, format);
      ctx.expect.that(got === parts.join(' '), { expected: `"output": ${JSON.stringify(parts.join(' '))} for "${format}"`, actual: `"output": ${JSON.stringify(got)}` });
    },
  });

  s.case({
    id: 'SMP-OS-RESET-001',
    title: 'reset answers {}, the device comes back, and the image upload in progress is forgotten',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'System reset', quote: 'The device should issue response before resetting so that the SMP client could receive information that the command has been accepted.' },
    stimulus: 'Start an image upload (first chunk), reset with {}, wait for the device, then send the second chunk.',
    requirement: 'Reset answers {} before rebooting; afterwards the device answers again and the upload context is gone: the second chunk gets {"off": 0}.',
    requires: ['smp.os.reset', 'smp.img.upload'],
    story: 'reset',
    destructive: true,
    timeoutMs: 60_000,
    async run(ctx) {
      await resetForgetsUpload(ctx, {});
    },
  });

  // The document gives "force" as an int; Zephyr decodes a bool and ignores the decode failure.
  s.case({
    id: 'SMP-OS-RESET-002',
    title: 'reset with the documented integer "force": 1 is accepted and reboots the device',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'System reset request', quote: 'Force reset if value > 0, optional if 0.' },
    stimulus: 'Start an image upload, reset with {"force": 1}, wait for the device, then send the second chunk.',
    requirement: 'Answered {} and the device reboots (upload context gone: {"off": 0}), as for a plain reset.',
    requires: ['smp.os.reset', 'smp.img.upload'],
    story: 'reset',
    destructive: true,
    timeoutMs: 60_000,
    async run(ctx) {
      await resetForgetsUpload(ctx, { force: 1 });
    },
  });
});
