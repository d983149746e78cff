/**
 * Firmware Update push delivery (object 5): the Package written block-wise (Block1) at every
 * block size, negotiated down when the client wants smaller blocks, the State walk Idle →
 * Downloading → Downloaded, Update → Updating → Update Result 1 after the restart, a corrupt
 * package ending with the integrity Update Result (a bad MCUboot image, or for a client that takes
 * blobs one shorter than its announced Size1, as targets.json `lwm2m.firmware.package` says),
 * cancel by an empty Package, and an interrupted push leaving the object recoverable. Packages
 * are MCUboot images (hash TLV), small by default.
 * @see docs/spec/lwm2m.md §4.6, §1.8; OMA ETS LwM2M 1.0 755, 770, 776; RFC 7959 §2.5, §2.9.3
 */
import { ContentFormat } from '../../src/codec/coap/content-format.ts';
import { corruptImage } from '../../src/codec/image/index.ts';
import { defineSuite, type CaseContext } from '../../src/conformance/index.ts';
import {
  caseTimeoutMs, FwState, pushFigures, readFirmware, readInt, resetFirmware, RESULT_INTEGRITY, transferBudgetMs, waitForFirmware, type PushFigures,
} from './support/firmware-helpers.ts';
import { block1Steps, type Block1Step, describeNegotiation, describeStep, describeSzx, largerAcknowledgements, negotiationOf } from './support/block1-negotiation.ts';
import { judgeTimingBudget } from './support/timing-budget.ts';

/** Package sizes: small, so every suite run stays fast on the simulator. */
const TABLE_PACKAGE_BYTES = 4096;
/** The table's package at one block size: 32 blocks, between 1 KiB and TABLE_PACKAGE_BYTES. */
const tableBytes = (blockBytes: number): number => Math.min(TABLE_PACKAGE_BYTES, Math.max(1024, 32 * blockBytes));
const PACKAGE_BYTES = 16 * 1024;
const SMALL_PACKAGE_BYTES = 8 * 1024;
/** SZX 5: 512-byte blocks, the size most clients take without negotiation. */
const SZX_512 = 5;
const SZX_1024 = 6;
/** SZX 2: 64-byte blocks, below the Block1 size of any client seen (Zephyr's smallest default is 256). */
const SZX_64 = 2;
/** A blob-only client gets a package this much shorter than the Size1 announced with it. */
const SHORT_BY_BYTES = 1024;
const FW_SECTION = '4.6 Firmware Update (5) (single; optional; object 1.0: ids 0–3,5–9; 1.1: +10–13; 1.2: +14)';
const BLOCK_SECTION = '1.8 Block-wise transfer (RFC 7959)';

const octets = (payload: Uint8Array): { format: number; payload: Uint8Array } => ({ format: ContentFormat.OCTET_STREAM, payload });

/** An MCUboot image of about `bytes` (header and TLVs included). */
const imageOf = (ctx: CaseContext, bytes: number, label?: string): Uint8Array => ctx.fixtures.image(bytes - 96, label === undefined ? {} : { label });

/** Skip when Delivery Method (/5/0/9) says pull only (0). */
async function requirePush(ctx: CaseContext): Promise<void> {
  const method = await readInt(ctx, '/5/0/9');
  if (method === 0) ctx.skip('Delivery Method /5/0/9 is 0 (pull only)');
}

/** Run `body` from Idle (push delivery required), resetting the object afterwards whatever the verdict. */
async function fromIdle(ctx: CaseContext, body: () => Promise<void>): Promise<void> {
  await requirePush(ctx);
  await resetFirmware(ctx.lwm2m);
  try {
    await body();
  } finally {
    await resetFirmware(ctx.lwm2m);
  }
}

/** Push `pkg` block-wise from Idle; returns the response and its figures. */
async function push(ctx: CaseContext, pkg: Uint8Array, szx: number, stopAfterBlocks?: number) {
  const started = performance.now();
  const rsp = await ctx.lwm2m.server.write(ctx.lwm2m.endpoint, '/5/0/0', octets(pkg), { blockSzx: szx, ...(stopAfterBlocks === undefined ? {} : { stopAfterBlocks }) });
  const figures = pushFigures(rsp, pkg.length, performance.now() - started);
  return { rsp, figures };
}

/**
 * The corrupt package for the client's stated kind (targets.json `lwm2m.firmware.package`): an
 * MCUboot image with a flipped payload byte, or for a blob-only client a package shorter than the
 * Size1 announced with it (all a client that checks no image can notice).
 */
function corruptPackage(ctx: CaseContext): { variant: string; what: string; bytes: Uint8Array; size1?: number } {
  const stated = ctx.lwm2m.firmware?.package;
  if (stated === 'blob') {
    return { variant: 'blob', what: `${PACKAGE_BYTES} opaque bytes announced by Size1 as ${PACKAGE_BYTES + SHORT_BY_BYTES} (targets.json lwm2m.firmware.package "blob")`, bytes: ctx.fixtures.bytes(PACKAGE_BYTES, 'short-blob'), size1: PACKAGE_BYTES + SHORT_BY_BYTES };
  }
  const bad = corruptImage(imageOf(ctx, PACKAGE_BYTES), 'flipped-payload-byte');
  if (!bad.ok) throw new Error(`corrupt image: ${bad.error}`);
  const source = stated === undefined ? 'lwm2m.firmware.package not stated: MCUboot assumed' : 'targets.json lwm2m.firmware.package "mcuboot"';
  return { variant: 'mcuboot', what: `a ${PACKAGE_BYTES}-byte MCUboot image with byte ${bad.value.expected.at} flipped (${source})`, bytes: bad.value.bytes };
}

const describePush = (f: PushFigures): string => `${f.bytes} B in ${f.blocks} blocks, ${Math.round(f.wallMs)} ms, ${Math.round(f.bytesPerS)} B/s`;

defineSuite({ id: 'lwm2m/firmware-push', protocol: 'LwM2M', feature: 'firmware update', title: 'LwM2M Firmware Update: push delivery' }, (s) => {
  s.case({
    id: 'LWM2M-FW-PUSH-002',
    title: 'the Package is taken block-wise at every block size from 16 to 1024 bytes',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: BLOCK_SECTION, quote: 'Receiver acknowledges non-final blocks with **2.31 Continue** carrying Block1 (same NUM, M=1). The final block gets the real final code (2.04/2.01) with Block1 M=0.' },
    stimulus: `For SZX 0…6 (16…1024-byte blocks): reset, PUT /5/0/0 of an MCUboot image of 32 blocks (1 KiB…${TABLE_PACKAGE_BYTES / 1024} KiB) in Block1 blocks of that size (following the client's 4.13/2.31 when it asks for smaller), read /5/0/3.`,
    requirement: 'Every push ends 2.04 and State 2 (Downloaded); a size the client negotiated down is named, not failed.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'push',
    timeoutMs: caseTimeoutMs(TABLE_PACKAGE_BYTES, 7),
    async run(ctx) {
      await requirePush(ctx);
      try {
        for (let szx = 0; szx <= SZX_1024; szx++) {
          const size = 1 << (szx + 4);
          await resetFirmware(ctx.lwm2m);
          const { rsp, figures } = await push(ctx, imageOf(ctx, tableBytes(size), `table-${size}`), szx);
          ctx.log(`${size}-byte blocks: ${describePush(figures)}${rsp.notes.length > 0 ? `; ${rsp.notes.join('; ')}` : ''}`);
          ctx.expect.that(rsp.code === '2.04' && rsp.decoded?.ok !== false, { check: `push at ${size}-byte blocks`, expected: '2.04 to the last block, transfer complete', actual: `${rsp.code ?? 'RST'}${rsp.notes.length > 0 ? ` (${rsp.notes.join('; ')})` : ''}` });
          const fw = await readFirmware(ctx);
          ctx.expect.that(fw.state === FwState.DOWNLOADED, { check: `State after ${size}-byte blocks`, expected: 'State 2 (Downloaded)', actual: `State ${fw.state}, Update Result ${fw.result}` });
        }
      } finally {
        await resetFirmware(ctx.lwm2m);
      }
    },
  });

  s.case({
    id: 'LWM2M-FW-PUSH-003',
    title: 'a push started at 1024-byte blocks follows the client down to its own block size and arrives intact',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: BLOCK_SECTION, quote: 'Receiver may answer the first block with a Block1 using a *smaller* SZX: sender should continue with that size (NUM recomputed).' },
    stimulus: `Reset, PUT /5/0/0 of a ${PACKAGE_BYTES}-byte MCUboot image starting at SZX 6; the harness follows a 4.13 (restart from byte 0) or a 2.31 Continue (the next block at the NUM the smaller size gives) naming a smaller SZX; read /5/0/3 and /5/0/5; reset.`,
    requirement: 'The push ends 2.04 and State 2 (Downloaded), the blocks after a negotiation taken at the negotiated size: a client that cannot take 1024-byte blocks says so (4.13 or 2.31 with a smaller SZX, the variant named) instead of taking and cutting them. Block round trips are held to the target budget timing.lwm2m.fw.block.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'push',
    timeoutMs: caseTimeoutMs(PACKAGE_BYTES, 2),
    run: (ctx) => fromIdle(ctx, async () => {
      const { rsp, figures } = await push(ctx, imageOf(ctx, PACKAGE_BYTES), SZX_1024);
      const steps = block1Steps(rsp.exchanges);
      const negotiated = negotiationOf(steps);
      const after = negotiated === undefined ? [] : steps.slice(steps.findIndex((s) => s.num === negotiated.atBlock && s.szx === negotiated.fromSzx) + 1);
      const variant = negotiated === undefined ? 'none: the client took 1024-byte blocks' : `${describeNegotiation(negotiated)}, then ${after.length} block(s) at ${describeSzx(Math.max(...after.map((s) => s.szx), negotiated.toSzx))}`;
      ctx.log(`push: ${describePush(figures)}; negotiation: ${variant}${rsp.notes.length > 0 ? `; ${rsp.notes.join('; ')}` : ''}`);
      ctx.expect.coapCode(rsp, '2.04');
      if (negotiated !== undefined) {
        const refused = after.filter((s) => s.code !== '2.31' && s.code !== '2.04');
        ctx.expect.that(after.length > 0 && refused.length === 0, { check: `blocks after the ${negotiated.variant} negotiation`, expected: `every block at ${describeSzx(negotiated.toSzx)} taken (2.31, the last 2.04)`, actual: after.length === 0 ? 'no block followed' : refused.map(describeStep).join('; ') });
      }
      const fw = await readFirmware(ctx);
      ctx.expect.that(fw.state === FwState.DOWNLOADED, { check: 'State after the push', expected: 'State 2 (Downloaded): the package arrived intact', actual: `State ${fw.state}, Update Result ${fw.result}${fw.result === RESULT_INTEGRITY ? ' (integrity check failed: blocks were cut)' : ''}` });
      judgeTimingBudget(ctx, 'lwm2m.fw.block', figures.rttsMs, 'Block1 round trip');
    }),
  });

  s.case({
    id: 'LWM2M-FW-PUSH-004',
    title: 'a Block1 acknowledgement never names a larger block size than the block it acknowledges',
    level: 'SHOULD',
    spec: { doc: 'rfc7959', section: '2.5', quote: 'In response to a request with a payload (e.g., a PUT or POST transfer), the block size given in the Block1 Option indicates the block size preference of the server for this resource (control usage).' },
    stimulus: `Reset; PUT /5/0/0 of a ${SMALL_PACKAGE_BYTES}-byte MCUboot image in 64-byte Block1 blocks, then (reset) the same image starting at 1024-byte blocks; compare the SZX of the Block1 in every 2.31 Continue with the SZX of the block it acknowledges; reset.`,
    requirement: 'No 2.31 names a larger SZX than its block. SHOULD: RFC 7959 states no MUST for the size in a Block1 answer, but a larger size cannot be followed (NUM × the larger size would not meet the bytes already sent, and the sender may only use the preferred size "or a smaller one"); the CoAP plug-test descriptions of block-wise PUT/POST expect the answer\'s SZX to be less than or equal to the request\'s, and Zephyr\'s CoAP library refuses a larger one when it is the sender.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'push',
    timeoutMs: caseTimeoutMs(SMALL_PACKAGE_BYTES, 2),
    run: (ctx) => fromIdle(ctx, async () => {
      const pkg = imageOf(ctx, SMALL_PACKAGE_BYTES, 'ack-size');
      const larger: Block1Step[] = [];
      for (const szx of [SZX_64, SZX_1024]) {
        await resetFirmware(ctx.lwm2m);
        const { rsp } = await push(ctx, pkg, szx);
        const steps = block1Steps(rsp.exchanges);
        const sizes = [...new Set(steps.filter((s) => s.code === '2.31').map((s) => `${s.szx}→${s.ackSzx ?? '-'}`))];
        ctx.log(`push from ${describeSzx(szx)}: ${rsp.code ?? 'RST'}; 2.31 block→ack SZX seen: ${sizes.join(', ') || 'none'}`);
        larger.push(...largerAcknowledgements(steps));
      }
      ctx.expect.that(larger.length === 0, { check: 'Block1 SZX in 2.31 Continue', expected: 'SZX no larger than the acknowledged block\'s', actual: `${larger.length} larger: ${larger.slice(0, 3).map(describeStep).join('; ')}${larger.length > 3 ? '; …' : ''}` });
    }),
  });

  s.case({
    id: 'LWM2M-FW-STATE-002',
    title: 'State walks Idle → Downloading while blocks arrive → Downloaded after the last one',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| Idle (0) | first Package block written / Package URI written (non-empty) | Downloading (1) | reset to 0 |' },
    stimulus: `Reset; read /5/0/3; push the first 2 of the blocks of an ${SMALL_PACKAGE_BYTES}-byte image (512-byte blocks) and read /5/0/3; push the whole image anew; read /5/0/3; reset.`,
    requirement: 'State 0 before, 1 (Downloading) after the first blocks, 2 (Downloaded) after the last block (2.04).',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'state',
    timeoutMs: caseTimeoutMs(SMALL_PACKAGE_BYTES, 2),
    run: (ctx) => fromIdle(ctx, async () => {
      const pkg = imageOf(ctx, SMALL_PACKAGE_BYTES);
      const states = [await readInt(ctx, '/5/0/3')];
      await push(ctx, pkg, SZX_512, 2);
      states.push(await readInt(ctx, '/5/0/3'));
      const { rsp } = await push(ctx, pkg, SZX_512);
      ctx.expect.coapCode(rsp, '2.04');
      states.push(await readInt(ctx, '/5/0/3'));
      ctx.expect.that(states.join(' → ') === '0 → 1 → 2', { check: 'State walk', expected: '0 → 1 → 2 (Idle, Downloading, Downloaded)', actual: states.join(' → ') });
    }),
  });

  s.case({
    id: 'LWM2M-FW-UPDATE-001',
    title: 'Update from Downloaded goes through Updating and ends Idle with Update Result 1 after the device registers again',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| Updating | success (normally after reboot + re-register/Update) | Idle | 1 |' },
    stimulus: `Reset; push a ${PACKAGE_BYTES}-byte image (512-byte blocks); POST /5/0/2; poll /5/0/3 and /5/0/5; wait for a new Register from the endpoint.`,
    requirement: '2.04 to the Update; a new Register follows (the restart); State ends 0 with Update Result 1. Waits scale with the package size over the measured push throughput (floor 5 s); the states seen are recorded.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'update',
    timeoutMs: caseTimeoutMs(PACKAGE_BYTES, 3),
    async run(ctx) {
      await requirePush(ctx);
      const side = ctx.lwm2m;
      await resetFirmware(side);
      const { rsp, figures } = await push(ctx, imageOf(ctx, PACKAGE_BYTES), SZX_512);
      ctx.expect.coapCode(rsp, '2.04');
      const budgetMs = transferBudgetMs(PACKAGE_BYTES, figures.bytesPerS);
      const reregistered = side.server.waitForNewRegistration(side.endpoint, budgetMs + 10_000).then(() => performance.now(), () => undefined);
      const executedAt = performance.now();
      ctx.expect.coapCode(await side.server.execute(side.endpoint, '/5/0/2'), '2.04');
      const end = await waitForFirmware(ctx, (f) => f.state === FwState.IDLE && f.result !== 0, () => budgetMs);
      const registeredAt = await reregistered;
      ctx.log(`after Update: states ${end.seen.join(' → ')} (state/result) within ${Math.round(end.waitedMs)} ms; budget ${budgetMs} ms from ${describePush(figures)}`);
      ctx.expect.that(registeredAt !== undefined, { check: 'restart', expected: `a new Register from ${side.endpoint} after the Update (within ${budgetMs + 10_000} ms)`, actual: 'none: the device did not restart into the new image' });
      if (registeredAt !== undefined) ctx.log(`registered again ${Math.round(registeredAt - executedAt)} ms after the Update`);
      ctx.expect.that(end.state === FwState.IDLE && end.result === 1, { check: 'Update Result', expected: 'State 0 with Update Result 1 (success)', actual: `State ${end.state}, Update Result ${end.result} (seen ${end.seen.join(' → ')})` });
    },
  });

  s.case({
    id: 'LWM2M-FW-INTEGRITY-001',
    title: 'a corrupt package ends with Update Result 5 (integrity check failure), never in Updating',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: 'ETS 776 expects: the Package Write itself answered 2.04 (or 2.31 for intermediate blocks), then State observed 1 → 0 and Update Result **5**' },
    stimulus: `Reset; push (512-byte blocks) a corrupt package of the kind targets.json lwm2m.firmware.package names: "mcuboot" (default) a ${PACKAGE_BYTES}-byte MCUboot image with one payload byte flipped (its hash TLV no longer matches); "blob" ${PACKAGE_BYTES} bytes announced by Size1 as ${PACKAGE_BYTES + SHORT_BY_BYTES} (the package ends short); poll /5/0/3, /5/0/5; if the client still reaches Downloaded, POST /5/0/2 and poll again; reset.`,
    requirement: 'State ends 0 with Update Result 5, either after the download or after the Update; never Updating and never Update Result 1. The variant pushed is named; 2.04 to the last block (ETS 776) or 4.08 (Zephyr maps the integrity error so) is recorded.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'integrity',
    timeoutMs: caseTimeoutMs(PACKAGE_BYTES, 2),
    run: (ctx) => fromIdle(ctx, async () => {
      const side = ctx.lwm2m;
      const corrupt = corruptPackage(ctx);
      ctx.log(`variant ${corrupt.variant}: ${corrupt.what}`);
      const started = performance.now();
      const rsp = await side.server.write(side.endpoint, '/5/0/0', octets(corrupt.bytes), { blockSzx: SZX_512, ...(corrupt.size1 === undefined ? {} : { size1: corrupt.size1 }) });
      const figures = pushFigures(rsp, corrupt.bytes.length, performance.now() - started);
      ctx.log(`corrupt push: ${rsp.code ?? 'RST'} to the last block; ${describePush(figures)}`);
      const budgetMs = transferBudgetMs(PACKAGE_BYTES, figures.bytesPerS);
      let end = await waitForFirmware(ctx, (f) => f.state !== FwState.DOWNLOADING, () => budgetMs);
      const seen = [...end.seen];
      if (end.state === FwState.DOWNLOADED) {
        // A client that installs the corrupt package restarts into it: wait for that Register, so
        // the restart lands in this case and not in the next one.
        const restarted = side.server.waitForNewRegistration(side.endpoint, budgetMs + 10_000).then(() => true, () => false);
        await side.server.execute(side.endpoint, '/5/0/2');
        end = await waitForFirmware(ctx, (f) => f.state !== FwState.UPDATING && f.state !== FwState.DOWNLOADED, () => budgetMs, 50);
        seen.push('Update', ...end.seen);
        seen.push((await restarted) ? 'registered again' : 'no new Register');
      }
      ctx.log(`states (state/result): ${seen.join(' → ')}`);
      ctx.expect.that(!seen.some((x) => x.startsWith('3/')) && end.result === RESULT_INTEGRITY, { check: `integrity failure (${corrupt.variant} variant)`, expected: 'Update Result 5 and never State 3 (Updating)', actual: `State ${end.state}, Update Result ${end.result}; seen ${seen.join(' → ')}` });
    }),
  });

  s.case({
    id: 'LWM2M-FW-CANCEL-001',
    title: 'writing an empty Package in Downloaded cancels: State 0 and Update Result 0',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| Downloaded | write empty Package / NUL byte / empty URI | Idle | 0 |' },
    stimulus: `Reset; push an ${SMALL_PACKAGE_BYTES}-byte image (512-byte blocks); check State 2; PUT /5/0/0 with an empty payload; read /5/0/3 and /5/0/5.`,
    requirement: '2.04 to the empty write; State 0 (Idle) and Update Result 0 afterwards.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'cancel',
    timeoutMs: caseTimeoutMs(SMALL_PACKAGE_BYTES),
    run: (ctx) => fromIdle(ctx, async () => {
      const { rsp } = await push(ctx, imageOf(ctx, SMALL_PACKAGE_BYTES), SZX_512);
      ctx.expect.coapCode(rsp, '2.04');
      ctx.expect.that((await readInt(ctx, '/5/0/3')) === FwState.DOWNLOADED, { check: 'set-up', expected: 'State 2 before the cancel', actual: 'another state' });
      ctx.expect.coapCode(await ctx.lwm2m.server.write(ctx.lwm2m.endpoint, '/5/0/0', octets(new Uint8Array(0))), '2.04');
      const fw = await readFirmware(ctx);
      ctx.expect.that(fw.state === FwState.IDLE && fw.result === 0, { check: 'cancel', expected: 'State 0, Update Result 0', actual: `State ${fw.state}, Update Result ${fw.result}` });
    }),
  });

  s.case({
    id: 'LWM2M-FW-INTERRUPT-001',
    title: 'a push the server abandons half way leaves the object recoverable by a new push and by a cancel',
    level: 'MUST',
    spec: { doc: 'lwm2m-digest', section: FW_SECTION, quote: '| Idle (0) | first Package block written / Package URI written (non-empty) | Downloading (1) | reset to 0 |' },
    stimulus: `Reset; push 4 blocks of an ${SMALL_PACKAGE_BYTES}-byte image and stop answering; wait 1 s; read /5/0/3, /5/0/5; push the whole image anew (new token, block 0); read /5/0/3; PUT an empty /5/0/0; read /5/0/3.`,
    requirement: 'After the stop: State 1 (still Downloading) or 0 with Update Result 4 (connection lost); the new push ends 2.04 with State 2; the cancel gives State 0.',
    requires: ['lwm2m', 'lwm2m.obj.5'],
    story: 'recovery',
    timeoutMs: caseTimeoutMs(SMALL_PACKAGE_BYTES, 2),
    run: (ctx) => fromIdle(ctx, async () => {
      const side = ctx.lwm2m;
      const pkg = imageOf(ctx, SMALL_PACKAGE_BYTES);
      await push(ctx, pkg, SZX_512, 4);
      await new Promise((r) => setTimeout(r, 1000));
      const after = await readFirmware(ctx);
      ctx.expect.that(after.state === FwState.DOWNLOADING || (after.state === FwState.IDLE && after.result === 4), { check: 'state after the interruption', expected: 'State 1, or State 0 with Update Result 4', actual: `State ${after.state}, Update Result ${after.result}` });
      const { rsp } = await push(ctx, pkg, SZX_512);
      ctx.expect.coapCode(rsp, '2.04');
      const pushed = await readInt(ctx, '/5/0/3');
      ctx.expect.that(pushed === FwState.DOWNLOADED, { check: 'new push', expected: 'State 2 after the new push', actual: `State ${pushed}` });
      ctx.expect.coapCode(await side.server.write(side.endpoint, '/5/0/0', octets(new Uint8Array(0))), '2.04');
      const cancelled = await readInt(ctx, '/5/0/3');
      ctx.expect.that(cancelled === FwState.IDLE, { check: 'cancel', expected: 'State 0 after the empty Package', actual: `State ${cancelled}` });
    }),
  });
});
