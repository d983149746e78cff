/**
 * The CBOR request body as Zephyr's zcbor bulk decoder reads it: a map with text keys, unknown
 * keys skipped (whatever their value), indefinite lengths accepted; anything it cannot decode
 * (not a map, truncated, duplicate or non-text keys, wrong value types) refused with rc 3. Every
 * malformed body is followed by a liveness check.
 * @see docs/spec/smp.md §1.7, §6.2
 */
import { CborWriter, encodeCborIndefinite } from '../../src/codec/cbor/writer.ts';
import { MgmtErr } from '../../src/codec/smp/constants.ts';
import { osCommands, statCommands } from '../../src/codec/smp/groups/index.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import { exchange, stillAlive } from './support/raw-replies.ts';

const CONVENTIONS = { doc: 'smp-digest', section: '1.7 CBOR conventions' } as const;
const EDGES = { doc: 'smp-digest', section: '6.2 CBOR payload' } as const;
const INFO = ['smp.os.info'];
const ECHO = ['smp.os.echo'];

/** Header fields of an os info request (a command that parses its optional "format"), and of an echo. */
const infoBase = (ctx: CaseContext): u.FrameBase => u.frameBaseFor(osCommands.info, ctx.smp.nextSeq());
const echoBase = (ctx: CaseContext): u.FrameBase => u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq());

/** The body must be refused with `{"rc": 3}`, and the device must still answer afterwards. */
async function expectRefused(ctx: CaseContext, frame: u.UncheckedFrame): Promise<void> {
  ctx.mark(frame.label);
  ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), { rc: MgmtErr.EINVAL });
  await stillAlive(ctx);
}

/** An echo body written token by token: `{"d": d, ...extra pairs}`. */
function echoWith(ctx: CaseContext, d: string, label: string, extra: (w: CborWriter) => void, pairs: number): u.UncheckedFrame {
  const w = new CborWriter().mapHeader(1 + pairs).text('d').text(d);
  extra(w);
  return u.rawFrame(echoBase(ctx), w.toBytes(), label);
}

/** The echo must come back unchanged (the extra content was skipped). */
async function expectEchoed(ctx: CaseContext, frame: u.UncheckedFrame, d: string): Promise<void> {
  ctx.mark(frame.label);
  ctx.expect.smpOk(await exchange(ctx, frame.bytes, { command: osCommands.echo })).field('r').toBe(d);
}

/** Rc 3 or the echo (decoders differ in nesting depth); the device must stay alive either way. */
async function refusedOrEchoed(ctx: CaseContext, frame: u.UncheckedFrame, d: string): Promise<void> {
  const reply = await exchange(ctx, frame.bytes, { command: osCommands.echo });
  const { index } = await ctx.expect.oneOf([() => ctx.expect.mgmtErr(reply, { rc: MgmtErr.EINVAL }), () => ctx.expect.smpOk(reply).field('r').toBe(d)]);
  ctx.expect.note(index === 0 ? 'refused with rc 3 (decoder depth limit)' : 'skipped and echoed');
  await stillAlive(ctx);
}

defineSuite({ id: 'smp/cbor-body', protocol: 'SMP', feature: 'cbor body', title: 'CBOR request bodies' }, (s) => {
  const notMap = (id: string, kind: u.NonMapKind, what: string): void =>
    s.case({
      id,
      title: `a body that is ${what} instead of a map is refused with rc 3`,
      level: 'MUST',
      spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
      stimulus: `os info whose CBOR body is ${what}.`,
      requirement: 'The body is not a map: {"rc": 3} (MGMT_ERR_EINVAL); the device stays alive.',
      requires: INFO,
      story: 'body structure',
      run: (ctx) => expectRefused(ctx, u.nonMapBody(infoBase(ctx), kind)),
    });
  notMap('SMP-CBOR-MAP-001', 'array', 'an array');
  notMap('SMP-CBOR-MAP-002', 'uint', 'an unsigned integer');
  notMap('SMP-CBOR-MAP-003', 'tstr', 'a text string');

  s.case({
    id: 'SMP-CBOR-MAP-004',
    title: 'no body at all is refused with rc 3 by a command that parses its body',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '6.1 Header / dispatcher' },
    stimulus: 'os info with length field 0 and no payload.',
    requirement: 'The bulk decoder finds no map: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'body structure',
    run: (ctx) => expectRefused(ctx, u.nonMapBody(infoBase(ctx), 'empty')),
  });

  s.case({
    id: 'SMP-CBOR-TRUNC-001',
    title: 'a map promising a pair that is missing is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'os info whose body is the single byte a1 (a map of one pair, nothing after it).',
    requirement: 'Truncated CBOR: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'truncated body',
    run: (ctx) => expectRefused(ctx, u.rawFrame(infoBase(ctx), Uint8Array.of(0xa1), 'map of 1 pair, no pair')),
  });

  s.case({
    id: 'SMP-CBOR-TRUNC-002',
    title: 'a text value cut short of its length is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'os info {"format": "sssss"} with the body cut two bytes before its end.',
    requirement: 'The string runs past the data: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'truncated body',
    run: (ctx) => expectRefused(ctx, u.truncatedBody(infoBase(ctx), { format: 'sssss' }, 10)),
  });

  s.case({
    id: 'SMP-CBOR-TRUNC-003',
    title: 'a text value claiming 4 GiB is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'os info whose "format" text head claims 0xffffffff bytes, followed by 4 bytes.',
    requirement: 'The length is bounded by the data: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'truncated body',
    run: (ctx) => expectRefused(ctx, u.hugeLengthClaim(infoBase(ctx), 'format', 'tstr')),
  });

  s.case({
    id: 'SMP-CBOR-INDEF-001',
    title: 'an indefinite-length request map is accepted',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '6.2 CBOR payload' },
    stimulus: 'Echo whose body is an indefinite-length map (bf … ff), as zcbor itself encodes.',
    requirement: 'The map is decoded like a definite one: "r" equals "d".',
    requires: ECHO,
    story: 'indefinite length',
    async run(ctx) {
      await expectEchoed(ctx, u.rawFrame(echoBase(ctx), encodeCborIndefinite({ d: 'indefinite' }), 'indefinite map'), 'indefinite');
    },
  });

  s.case({
    id: 'SMP-CBOR-UNKNOWN-001',
    title: 'unknown keys are skipped',
    level: 'SHOULD',
    spec: CONVENTIONS,
    stimulus: 'Echo {"d": …, "x-extra": 7, "list": [1, "two"], "map": {"k": h\'00\'}}.',
    requirement: 'Unknown keys are skipped without error: "r" equals "d".',
    requires: ECHO,
    story: 'unknown keys',
    async run(ctx) {
      const frame = echoWith(ctx, 'unknown-keys', 'three unknown keys', (w) => {
        w.text('x-extra').uint(7).text('list').arrayHeader(2).uint(1).text('two');
        w.text('map').mapHeader(1).text('k').bytes(Uint8Array.of(0));
      }, 3);
      await expectEchoed(ctx, frame, 'unknown-keys');
    },
  });

  s.case({
    id: 'SMP-CBOR-UNKNOWN-002',
    title: 'tagged values under unknown keys are skipped',
    level: 'SHOULD',
    spec: EDGES,
    stimulus: 'Echo with unknown keys holding tag 1 (epoch time) around an integer and tag 24 around a byte string.',
    requirement: 'The tagged items are skipped: "r" equals "d".',
    requires: ECHO,
    story: 'unknown keys',
    async run(ctx) {
      const frame = echoWith(ctx, 'tags', 'tagged unknown values', (w) => {
        w.text('when').tag(1).uint(1_700_000_000).text('wrapped').tag(24).bytes(Uint8Array.of(0xa0));
      }, 2);
      await expectEchoed(ctx, frame, 'tags');
    },
  });

  s.case({
    id: 'SMP-CBOR-UNKNOWN-003',
    title: 'floats and simple values under unknown keys are skipped',
    level: 'SHOULD',
    spec: EDGES,
    stimulus: 'Echo with unknown keys holding a half, a single and a double float, null and undefined.',
    requirement: 'Every value is skipped: "r" equals "d".',
    requires: ECHO,
    story: 'unknown keys',
    async run(ctx) {
      const frame = echoWith(ctx, 'floats', 'float and simple unknown values', (w) => {
        w.text('h').float16(1.5).text('f').float32(0.25).text('g').float64(-2.5).text('n').null().text('u').undefined();
      }, 5);
      await expectEchoed(ctx, frame, 'floats');
    },
  });

  s.case({
    id: 'SMP-CBOR-KEY-001',
    title: 'a known key given twice is refused with rc 3',
    level: 'SHOULD',
    spec: CONVENTIONS,
    stimulus: 'os info {"format": "s", "format": "v"} (definite map of two pairs).',
    requirement: 'The bulk decoder refuses a repeated known key: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'map keys',
    run: (ctx) => expectRefused(ctx, u.duplicateKey(infoBase(ctx), {}, 'format', 's', 'v')),
  });

  s.case({
    id: 'SMP-CBOR-KEY-002',
    title: 'an integer map key is refused with rc 3',
    level: 'SHOULD',
    spec: CONVENTIONS,
    stimulus: 'os info {1: 0, "format": "s"}.',
    requirement: 'A non-text key stops key scanning and the map cannot be closed: {"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'map keys',
    run: (ctx) => expectRefused(ctx, u.nonTextKey(infoBase(ctx), { format: 's' }, 1)),
  });

  s.case({
    id: 'SMP-CBOR-KEY-003',
    title: 'a byte-string map key is refused with rc 3',
    level: 'SHOULD',
    spec: CONVENTIONS,
    stimulus: 'os info {h\'666f726d6174\': 0, "format": "s"} (the key "format" as bytes).',
    requirement: '{"rc": 3}; the device stays alive.',
    requires: INFO,
    story: 'map keys',
    run: (ctx) => expectRefused(ctx, u.nonTextKey(infoBase(ctx), { format: 's' }, new TextEncoder().encode('format'))),
  });

  s.case({
    id: 'SMP-CBOR-TYPE-001',
    title: 'os info "format" of the wrong type (uint, bytes, bool) is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'Three os info requests with "format" as 7, as h\'73\' and as true.',
    requirement: 'A known key with the wrong major type fails decoding: {"rc": 3} each time.',
    requires: INFO,
    story: 'value types',
    async run(ctx) {
      for (const value of [7, Uint8Array.of(0x73), true]) {
        const frame = u.withFieldValue(infoBase(ctx), {}, 'format', value);
        ctx.mark(frame.label);
        ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), { rc: MgmtErr.EINVAL });
      }
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-CBOR-TYPE-002',
    title: 'stat show "name" as an integer is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'stat show {"name": 1}.',
    requirement: '{"rc": 3}; the device stays alive.',
    requires: ['smp.stat'],
    story: 'value types',
    run: (ctx) => expectRefused(ctx, u.withFieldValue(u.frameBaseFor(statCommands.show, ctx.smp.nextSeq()), {}, 'name', 1)),
  });

  s.case({
    id: 'SMP-CBOR-TYPE-003',
    title: 'date/time set "datetime" as an integer is refused with rc 3',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'date/time set {"datetime": 1700000000}.',
    requirement: '{"rc": 3} and the clock is not set; the device stays alive.',
    requires: ['smp.os.datetime'],
    story: 'value types',
    run: (ctx) => expectRefused(ctx, u.withFieldValue(u.frameBaseFor(osCommands.datetimeSet, ctx.smp.nextSeq()), {}, 'datetime', 1_700_000_000)),
  });

  for (const [id, kind] of [['SMP-CBOR-DEPTH-001', 'array'], ['SMP-CBOR-DEPTH-002', 'map']] as const) {
    s.case({
      id,
      title: `${kind}s nested 64 deep under an unknown key are refused with rc 3 or skipped, and the device survives`,
      level: 'MUST',
      spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
      stimulus: `Echo {"d": …, "deep": <${kind}s nested 64 levels>}.`,
      requirement: 'Either {"rc": 3} (decoding depth exceeded) or the echo; the device answers afterwards.',
      requires: ECHO,
      story: 'nesting',
      async run(ctx) {
        const deep = u.deepNesting(echoBase(ctx), 'deep', 64, kind);
        const body = new CborWriter().mapHeader(2).text('d').text('deep').raw(deep.bytes.subarray(9)).toBytes();
        await refusedOrEchoed(ctx, u.rawFrame(echoBase(ctx), body, deep.label), 'deep');
      },
    });
  }

  s.case({
    id: 'SMP-CBOR-REPEAT-001',
    title: 'three malformed bodies in a row are each refused, and the device still answers',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Error in input value.' },
    stimulus: 'os info three times with a truncated body (a1), each after the previous reply.',
    requirement: '{"rc": 3} each time (no buffer is lost to a malformed request); then the device answers.',
    requires: INFO,
    story: 'robustness',
    async run(ctx) {
      for (let i = 0; i < 3; i++) {
        ctx.expect.mgmtErr(await exchange(ctx, u.rawFrame(infoBase(ctx), Uint8Array.of(0xa1), 'truncated').bytes), { rc: MgmtErr.EINVAL });
      }
      await stillAlive(ctx);
    },
  });
});
