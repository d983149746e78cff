/**
 * SMP buffer limits: a request as large as the receive buffer (the MCUmgr buffer, and over UDP
 * the 1500-byte receive MTU) is answered; one byte more is truncated (UDP → rc 9) or dropped
 * (serial); a reply that would not fit the buffer is replaced by rc 7.
 * @see docs/spec/smp.md §4.1, §4.3, §4.7, §6.2 item 23, §6.5
 */
import { encodeCborDefinite } from '../../src/codec/cbor/writer.ts';
import { MgmtErr, SMP_UDP_MTU_BYTES } from '../../src/codec/smp/constants.ts';
import { osCommands } from '../../src/codec/smp/groups/index.ts';
import { encodeSerialFrameLines } from '../../src/codec/smp/serial-framing.ts';
import { decodeSmpHeader } from '../../src/codec/smp/header.ts';
import { classifyResponseBody } from '../../src/codec/smp/message.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite, requestLimitBytes, type CaseContext } from '../../src/conformance/index.ts';
import { answerWindowMs, asReply, exchange, exchangeLines, headerOf, isResponseTimeout, packetsSince, SERIAL_LINE_GAP_MS, stillAlive, traceMark, writeLines } from './support/raw-replies.ts';

const LIMITS = { doc: 'smp-digest', section: '4.7 Buffer limits (all transports)' } as const;
const UDP = { doc: 'smp-digest', section: '6.5 UDP' } as const;

/** The device's buffer size from MCUmgr params (the case is unsupported without it). */
function bufSize(ctx: CaseContext): number {
  const size = ctx.session.params?.bufSize;
  if (size === undefined) ctx.skip('the device did not report MCUmgr params (buf_size unknown)');
  return size;
}

/**
 * An os info request of exactly `total` bytes: `{"format": "s", <pad key>: h'00…'}`; the unknown
 * pad key is skipped by the device and the reply stays short.
 */
function paddedInfo(ctx: CaseContext, total: number): Uint8Array {
  const base = u.frameBaseFor(osCommands.info, ctx.smp.nextSeq());
  for (const key of ['pad', 'padding']) {
    for (let n = Math.max(0, total - 48); n <= total; n++) {
      const body = encodeCborDefinite({ format: 's', [key]: new Uint8Array(n) });
      if (8 + body.length === total) return u.rawFrame(base, body, `os info padded to ${total} bytes`).bytes;
    }
  }
  throw new Error(`cannot pad an os info request to ${total} bytes`);
}

/** The echo text that makes an echo request exactly `total` bytes. */
function echoTextOfSize(total: number): string {
  const textHead = total - 11 >= 258 ? 3 : total - 11 >= 25 ? 2 : 1;
  return 'e'.repeat(total - 11 - textHead);
}

/** An echo request of exactly `total` bytes (its reply is one byte longer with zcbor's indefinite map). */
function echoOfSize(ctx: CaseContext, total: number): Uint8Array {
  return u.rawFrame(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), encodeCborDefinite({ d: echoTextOfSize(total) }), `echo of ${total} bytes`).bytes;
}

/** Bytes over the serial MTU the over-limit echo carries. */
const OVER_MTU_BYTES = 64;

defineSuite({ id: 'smp/buffers', protocol: 'SMP', feature: 'buffers', title: 'SMP buffer limits' }, (s) => {
  s.case({
    id: 'SMP-BUF-UDP-001',
    title: 'a request as large as the receive buffer (min(buf_size, 1500) over UDP) is answered',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-g0', section: 'MCUmgr Parameters', quote: 'Single SMP buffer size, this includes SMP header and CBOR payload.' },
    stimulus: 'An os info request padded with an unknown key to exactly min(buf_size, 1500) bytes, in one datagram.',
    requirement: 'Every request up to the buffer size fits: a success reply.',
    requires: ['smp.os.info', 'smp.os.params'],
    transports: ['udp'],
    story: 'request size',
    async run(ctx) {
      const total = Math.min(bufSize(ctx), SMP_UDP_MTU_BYTES);
      ctx.expect.smpOk(await exchange(ctx, paddedInfo(ctx, total), { command: osCommands.info, framed: false }));
    },
  });

  s.case({
    id: 'SMP-BUF-UDP-002',
    title: 'a datagram one byte over the 1500-byte UDP receive buffer is answered with rc 9 (truncated), not dropped',
    level: 'SHOULD',
    spec: UDP,
    stimulus: 'An os info request of 1501 bytes in one datagram.',
    requirement: 'Zephyr receives 1500 bytes, so the length field exceeds the data: {"rc": 9}. A device with a larger UDP MTU may answer normally.',
    requires: ['smp.os.info'],
    transports: ['udp'],
    story: 'request size',
    async run(ctx) {
      const reply = await exchange(ctx, paddedInfo(ctx, SMP_UDP_MTU_BYTES + 1), { command: osCommands.info, framed: false });
      const { index } = await ctx.expect.oneOf([() => ctx.expect.mgmtErr(reply, { rc: MgmtErr.ECORRUPT }), () => ctx.expect.smpOk(reply)]);
      ctx.expect.note(index === 0 ? 'truncated at 1500 bytes: rc 9' : 'the device receives more than 1500 bytes per datagram');
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-BUF-SERIAL-001',
    title: 'a serial request one byte larger than buf_size is dropped or refused, never processed',
    level: 'SHOULD',
    spec: LIMITS,
    stimulus: 'An os info request of buf_size + 1 bytes in valid serial framing.',
    requirement: 'The packet does not fit the SMP buffer: no reply, or an error reply; not a success. The device stays alive.',
    requires: ['smp.os.info', 'smp.os.params', 'smp.transport.serial'],
    transports: ['serial'],
    story: 'request size',
    async run(ctx) {
      const packet = paddedInfo(ctx, bufSize(ctx) + 1);
      const request = headerOf(packet);
      const wire = encodeSerialFrameLines(packet, { style: 'zephyr' });
      // Listen while the paced lines go out, then for the usual answer window.
      const waitMs = answerWindowMs(ctx) + wire.length * SERIAL_LINE_GAP_MS;
      const mark = traceMark(ctx);
      const got = ctx.smp.collect({ waitMs, match: (p) => p.header?.seq === request.seq && p.header.group === request.group });
      await writeLines(ctx, wire);
      await got;
      await stillAlive(ctx);
      // The serial link answers in order: a reply later than the window still comes before the
      // liveness echo's, so every packet up to that answer is judged.
      const success = packetsSince(ctx, mark).filter((b) => {
        const h = decodeSmpHeader(b);
        return h.ok && h.value.seq === request.seq && h.value.group === request.group && classifyResponseBody(b.subarray(8)).kind === 'ok';
      });
      ctx.expect.that(success.length === 0, { expected: 'no reply, or an error reply', actual: `a success reply to a ${packet.length}-byte request` });
    },
  });

  s.case({
    id: 'SMP-BUF-SERIAL-MTU-001',
    title: 'over serial, an echo at the transport MTU is answered exactly; one over it is dropped or answered exactly',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response', quote: 'Regardless of a command issued, as long as there is SMP client on the other side of a request, a response should be issued containing the header followed by CBOR map container.' },
    stimulus: `An echo of exactly the session's request limit (the serial transport MTU, declared with ?mtu=N or measured), then one of that limit + ${OVER_MTU_BYTES} bytes where buf_size allows.`,
    requirement: 'The echo reply carries the text sent ("r" = "d"). Zephyr\'s serial transports drop a frame over their MTU (docs/spec/smp.md §4.3), so over it silence is fine; a reply to a request the device did not receive whole is not.',
    requires: ['smp.os.echo', 'smp.transport.serial'],
    transports: ['serial'],
    story: 'request size',
    async run(ctx) {
      const limit = requestLimitBytes(ctx);
      if (!Number.isFinite(limit)) return ctx.skip('the session knows no request limit for this link');
      const at = echoOfSize(ctx, limit);
      const reply = await exchangeLines(ctx, at, encodeSerialFrameLines(at, { style: 'zephyr' }), osCommands.echo);
      ctx.expect.smpOk(reply).field('r').toBe(echoTextOfSize(limit));
      const over = limit + OVER_MTU_BYTES;
      if (over > (ctx.session.params?.bufSize ?? 0) - 4) return;
      const packet = echoOfSize(ctx, over);
      const request = headerOf(packet);
      const wire = encodeSerialFrameLines(packet, { style: 'zephyr' });
      const got = ctx.smp.collect({ waitMs: answerWindowMs(ctx) + wire.length * SERIAL_LINE_GAP_MS, match: (p) => p.header?.seq === request.seq && p.header.group === request.group });
      await writeLines(ctx, wire);
      const wrong = (await got).filter((p) => !(p.body?.kind === 'ok' && p.body.rsp['r'] === echoTextOfSize(over)));
      ctx.expect.that(wrong.length === 0, { check: 'echo over the MTU', expected: 'no reply (dropped), or the echo of the whole text', actual: `${wrong.length} other repl${wrong.length === 1 ? 'y' : 'ies'} to a ${over}-byte echo (MTU ${limit})` });
      await stillAlive(ctx);
    },
  });

  s.case({
    id: 'SMP-BUF-RSP-001',
    title: 'a reply that would exceed buf_size is replaced by rc 7',
    level: 'MUST',
    spec: { doc: 'zephyr-mgmt-defines', section: 'enum mcumgr_err_t', quote: 'Response too large.' },
    stimulus: 'An echo request of exactly buf_size bytes (its reply is one byte longer), where the transport carries it.',
    requirement: '{"rc": 7} (MGMT_ERR_EMSGSIZE), or a success whose reply still fits buf_size (a definite-length encoder); never a longer reply.',
    requires: ['smp.os.echo', 'smp.os.params'],
    story: 'response size',
    async run(ctx) {
      const size = bufSize(ctx);
      if (ctx.transport === 'udp' && size >= SMP_UDP_MTU_BYTES) ctx.skip(`buf_size ${size} is not below the UDP MTU: no echo over UDP can outgrow it`);
      const packet = echoOfSize(ctx, size);
      const reply = await replyOrSkip(ctx, packet);
      ctx.expect.that(reply.payload.length + 8 <= size, { check: 'reply size', expected: `a reply of at most ${size} bytes`, actual: `${reply.payload.length + 8} bytes` });
      const { index } = await ctx.expect.oneOf([() => ctx.expect.mgmtErr(reply, { rc: MgmtErr.EMSGSIZE }), () => ctx.expect.smpOk(reply)]);
      ctx.expect.note(index === 0 ? 'rc 7' : 'the reply fitted (definite-length encoding)');
    },
  });
});

/** Send a request of buf_size bytes; a transport that drops it (MTU below buf_size) makes the case unsupported. */
async function replyOrSkip(ctx: CaseContext, packet: Uint8Array): Promise<ReturnType<typeof asReply>> {
  try {
    if (ctx.transport === 'serial') return await exchangeLines(ctx, packet, encodeSerialFrameLines(packet, { style: 'zephyr' }), osCommands.echo);
    return await ctx.exchange(packet, { command: osCommands.echo, framed: false });
  } catch (e) {
    if (!isResponseTimeout(e)) throw e;
    return ctx.skip(`no answer to a request of ${packet.length} bytes: the transport's MTU is below buf_size`);
  }
}
