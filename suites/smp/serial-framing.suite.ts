/**
 * SMP over the serial console framing, both directions: damaged frames are dropped without a
 * reply and the next frame still works; multi-line packets, 127-byte lines, `\r\n` endings and
 * console text between lines are accepted; the device's own frames carry a length field that
 * counts the CRC, a correct CRC, and lines that decode one by one.
 * @see docs/spec/smp.md §4.2, §4.3, §6.3
 */
import { encodeCborDefinite } from '../../src/codec/cbor/writer.ts';
import { crc16Xmodem } from '../../src/codec/smp/crc16.ts';
import { osCommands } from '../../src/codec/smp/groups/index.ts';
import { encodeSerialFrameLinesUnchecked, type SerialFrameDamage } from '../../src/codec/smp/serial-framing-unchecked.ts';
import { encodeSerialFrameLines } from '../../src/codec/smp/serial-framing.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite, requestLimitBytes, type CaseContext } from '../../src/conformance/index.ts';
import { answerWindowMs, exchangeLines, framingProblemsSince, headerOf, isResponseTimeout, SERIAL_LINE_GAP_MS, stillAlive, traceMark, writeLines } from './support/raw-replies.ts';

const RECEIVER = { doc: 'smp-digest', section: '6.3 Serial transport' } as const;
const SERIAL = { requires: ['smp.transport.serial', 'smp.os.echo'], transports: ['serial'] } as const;

/** An echo request packet (header + definite-length body). */
function echoPacket(ctx: CaseContext, d: string): Uint8Array {
  return u.rawFrame(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), encodeCborDefinite({ d }), 'echo').bytes;
}

/** An echo packet of exactly `bytes` bytes. */
function echoPacketOfSize(ctx: CaseContext, bytes: number): Uint8Array {
  const textHead = bytes - 11 >= 24 + 1 ? (bytes - 11 >= 256 + 2 ? 3 : 2) : 1;
  return echoPacket(ctx, 'z'.repeat(bytes - 8 - 3 - textHead));
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/**
 * Write `wire` (the lines of `packet`, maybe with other lines between) exactly as given and
 * require the echo reply; when it does not come, the failure names the framing problems the
 * harness saw on the reply path.
 */
async function echoOver(ctx: CaseContext, packet: Uint8Array, wire: readonly Uint8Array[]): Promise<void> {
  const mark = traceMark(ctx);
  try {
    const reply = await exchangeLines(ctx, packet, wire, osCommands.echo);
    ctx.expect.smpOk(reply).field('r').toBe(decodeEchoText(packet));
  } catch (e) {
    if (!isResponseTimeout(e)) throw e;
    const problems = framingProblemsSince(ctx, mark);
    ctx.expect.that(false, { check: 'reply', expected: 'the echo reply, framed correctly', actual: problems.length > 0 ? problems.join('\n') : e.message });
  }
  const problems = framingProblemsSince(ctx, mark);
  ctx.expect.that(problems.length === 0, { check: 'reply framing', expected: 'no framing problem on the reply path', actual: problems.join('\n') });
}

/** The "d" of an echo packet built by `echoPacket` (text after the map, key and text head). */
function decodeEchoText(packet: Uint8Array): string {
  const head = packet[11]!;
  const skip = head < 0x78 ? 1 : head === 0x78 ? 2 : 3;
  return new TextDecoder().decode(packet.subarray(11 + skip));
}

/** Damaged lines get no reply at all; then the device answers a valid frame. */
async function dropped(ctx: CaseContext, wire: readonly Uint8Array[]): Promise<void> {
  await ctx.expect.silence(answerWindowMs(ctx) + wire.length * SERIAL_LINE_GAP_MS, { send: () => writeLines(ctx, wire) });
  await stillAlive(ctx);
}

/** Send `first` (lines that must not be answered), then the lines of `packet`: only `packet` may be answered. */
async function onlyTheSecond(ctx: CaseContext, first: readonly Uint8Array[], packet: Uint8Array, wire: readonly Uint8Array[]): Promise<void> {
  const collecting = ctx.smp.collect({ waitMs: answerWindowMs(ctx) * 2 });
  await writeLines(ctx, first);
  await echoOver(ctx, packet, wire);
  const all = await collecting;
  const seq = headerOf(packet).seq;
  const others = all.filter((p) => p.header?.seq !== seq);
  ctx.expect.that(others.length === 0 && all.length === 1, { expected: `exactly one reply (seq ${seq})`, actual: `${all.length} packet(s), seqs ${all.map((p) => p.header?.seq).join(', ')}` });
}

function damaged(packet: Uint8Array, damage: SerialFrameDamage): Uint8Array[] {
  return encodeSerialFrameLinesUnchecked(packet, damage, { style: 'zephyr' });
}

function lines(packet: Uint8Array, style: 'zephyr' | 'sliced' = 'zephyr'): Uint8Array[] {
  return encodeSerialFrameLines(packet, { style });
}

defineSuite({ id: 'smp/serial-framing', protocol: 'SMP', feature: 'serial framing', title: 'SMP serial (console) framing' }, (s) => {
  const drop = (id: string, title: string, stimulus: string, damage: (packet: Uint8Array) => SerialFrameDamage): void =>
    s.case({
      id,
      title: `${title}: no reply, and the next frame is answered`,
      level: 'SHOULD',
      spec: RECEIVER,
      stimulus,
      requirement: 'Framing errors discard the packet silently (no SMP reply); a valid frame afterwards is answered.',
      ...SERIAL,
      story: 'receive framing',
      async run(ctx) {
        const packet = echoPacket(ctx, 'damaged-frame');
        await dropped(ctx, damaged(packet, damage(packet)));
      },
    });
  drop('SMP-SERIAL-CRC-001', 'a frame with a wrong CRC', 'An echo frame whose CRC-16 is off by one bit.', (p) => ({ crc: crc16Xmodem(p) ^ 1 }));
  drop('SMP-SERIAL-B64-001', 'a frame with a character outside base64', 'An echo frame with "!" in place of its sixth base64 character.', () => ({ badBase64At: 5 }));
  drop('SMP-SERIAL-B64-002', 'a frame whose base64 group is split across two lines', 'An echo frame whose first line ends two characters into a 4-character group.', () => ({ splitMidGroup: true }));
  drop('SMP-SERIAL-LEN-001', 'a frame whose length prefix is one short', 'An echo frame whose length field is len(packet) + 1 (the data is longer).', (p) => ({ lengthField: p.length + 1 }));
  drop('SMP-SERIAL-ORPHAN-001', 'a continuation line without a start line', 'An echo frame whose first line carries 04 14 instead of 06 09.', () => ({ continuationFirst: true }));

  s.case({
    id: 'SMP-SERIAL-LEN-002',
    title: 'a frame whose length prefix is too large is never answered, and a new start line discards it',
    level: 'SHOULD',
    spec: RECEIVER,
    stimulus: 'An echo frame whose length field claims 10 bytes more than sent, then a complete valid echo frame.',
    requirement: 'The first packet waits for data that never comes; the next start line drops it and only the second echo is answered.',
    ...SERIAL,
    story: 'receive framing',
    async run(ctx) {
      const stale = echoPacket(ctx, 'never-complete');
      const packet = echoPacket(ctx, 'after-stale');
      await onlyTheSecond(ctx, damaged(stale, { lengthField: stale.length + 12 }), packet, lines(packet));
    },
  });

  s.case({
    id: 'SMP-SERIAL-RESTART-001',
    title: 'a start line in the middle of a packet discards the partial packet',
    level: 'SHOULD',
    spec: RECEIVER,
    stimulus: 'The first line of a two-line echo frame, then a complete one-line echo frame.',
    requirement: 'The start line drops the partial packet: only the second echo is answered.',
    ...SERIAL,
    story: 'receive framing',
    async run(ctx) {
      const partial = lines(echoPacket(ctx, 'p'.repeat(150))).slice(0, 1);
      const packet = echoPacket(ctx, 'restart');
      await onlyTheSecond(ctx, partial, packet, lines(packet));
    },
  });

  s.case({
    id: 'SMP-SERIAL-MULTI-001',
    title: 'a request spread over three lines is answered',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'Frame formats', quote: 'Initial frame requires to be followed by optional sequence of partial frames and finally by partial-final frame.' },
    stimulus: 'An echo of 200 characters framed Zephyr-style into three lines (06 09, 04 14, 04 14).',
    requirement: 'The lines are reassembled into one packet: "r" equals "d".',
    ...SERIAL,
    story: 'multi-line request',
    async run(ctx) {
      const packet = echoPacket(ctx, 'm'.repeat(200));
      const wire = lines(packet);
      ctx.expect.that(wire.length === 3, { check: 'test data', expected: '3 lines', actual: `${wire.length} lines` });
      await echoOver(ctx, packet, wire);
    },
  });

  s.case({
    id: 'SMP-SERIAL-MULTI-002',
    title: 'lines cut the way the Python smp client cuts them (124 characters each) are accepted',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'UART/serial and console', quote: 'The limit includes the prefix and the newline character, so the allowed payload size is actually 124 bytes.' },
    stimulus: 'An echo of 150 characters, base64-encoded once and sliced into 124-character lines.',
    requirement: 'Receivers accept any cut into whole 4-character groups: "r" equals "d".',
    ...SERIAL,
    story: 'multi-line request',
    async run(ctx) {
      const packet = echoPacket(ctx, 'y'.repeat(150));
      await echoOver(ctx, packet, lines(packet, 'sliced'));
    },
  });

  s.case({
    id: 'SMP-SERIAL-LINE-001',
    title: 'a request line of exactly 127 bytes is answered',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'UART/serial and console', quote: 'Currently MCUmgr imposes a 127 byte limit on frame size, although there are no real protocol constraints that require that limit.' },
    stimulus: 'An 88-byte echo packet: one line of exactly 127 bytes (marker, 124 base64 characters, newline).',
    requirement: 'The maximum line size includes marker and newline: the 127-byte line is accepted.',
    ...SERIAL,
    story: 'line size',
    async run(ctx) {
      const packet = echoPacketOfSize(ctx, 88);
      const wire = lines(packet);
      ctx.expect.that(wire.length === 1 && wire[0]!.length === 127, { check: 'test data', expected: 'one 127-byte line', actual: wire.map((l) => l.length).join(', ') });
      await echoOver(ctx, packet, wire);
    },
  });

  s.case({
    id: 'SMP-SERIAL-SIZE-001',
    title: 'packets of 87 to 95 bytes, around the one-line limit, are answered in both directions',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'Frame formats', quote: 'Initial frame requires to be followed by optional sequence of partial frames and finally by partial-final frame.' },
    stimulus: 'Echo packets of 87…95 bytes, each framed Zephyr-style (one or two lines); their replies are one byte longer.',
    requirement: 'Every request is answered with its "d", whatever the line split on either side.',
    ...SERIAL,
    story: 'line size',
    async run(ctx) {
      for (let size = 87; size <= 95; size++) {
        const packet = echoPacketOfSize(ctx, size);
        await echoOver(ctx, packet, lines(packet));
      }
    },
  });

  s.case({
    id: 'SMP-SERIAL-CRLF-001',
    title: 'lines ending in \\r\\n are accepted',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '4.2 Serial / console framing ("SMP over console")' },
    stimulus: 'A two-line echo frame (cut for 126-byte lines) whose lines end in 0d 0a instead of 0a.',
    requirement: 'The base64 decoder tolerates the carriage return: "r" equals "d".',
    ...SERIAL,
    story: 'line endings',
    async run(ctx) {
      const packet = echoPacket(ctx, 'r'.repeat(120));
      // Cut for 126-byte lines, so that with the extra \r every line still fits 127 bytes.
      const crlf = encodeSerialFrameLines(packet, { style: 'zephyr', maxLineBytes: 126 }).map((l) => concatBytes(l.subarray(0, l.length - 1), ascii('\r\n')));
      await echoOver(ctx, packet, crlf);
    },
  });

  s.case({
    id: 'SMP-SERIAL-CONSOLE-001',
    title: 'console text lines between the lines of a packet do not break it',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '4.3 UART transport receive path (`CONFIG_MCUMGR_TRANSPORT_UART`)' },
    stimulus: 'A three-line echo frame with a log line ("<inf> app: tick") after each of its first two lines.',
    requirement: 'Lines without a marker are ignored without touching the packet in progress: "r" equals "d".',
    ...SERIAL,
    story: 'console text',
    async run(ctx) {
      const packet = echoPacket(ctx, 'c'.repeat(200));
      const [a, b, c] = lines(packet);
      const log = ascii('<inf> app: tick\n');
      await echoOver(ctx, packet, [a!, log, b!, log, c!]);
    },
  });

  s.case({
    id: 'SMP-SERIAL-RSP-002',
    title: 'one-line and multi-line replies decode line by line with a length field counting the CRC and a correct CRC',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'Frame formats', quote: 'Body of initial frame is preceded by two byte total packet length, encoded in Big Endian, and equals size of a raw body plus two bytes, size of CRC16; this means that actual body size allowed into an initial frame is N - 2.' },
    stimulus: 'A short echo (one-line reply), then an echo of 300 characters, fewer where the request limit is smaller (a reply of three or four lines).',
    requirement: 'Each reply line is whole base64 groups decodable on its own; the reassembled frame has L = len + 2 and a valid CRC.',
    ...SERIAL,
    story: 'reply framing',
    async run(ctx) {
      // Header, map head, "d" and a 3-byte text head take 14 bytes of the request limit.
      for (const d of ['short-reply', 'L'.repeat(Math.min(300, requestLimitBytes(ctx) - 14))]) {
        const packet = echoPacket(ctx, d);
        await echoOver(ctx, packet, lines(packet));
      }
    },
  });
});
