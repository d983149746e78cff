/**
 * Property-based SMP cases: generated valid requests of every harmless command, arbitrary header
 * fields, malformed packets and damaged serial framing. Each property judges every answer against
 * the header rules and the documented error codes, and uses an echo "fence" after each value to
 * see every packet the value drew and to prove the device still answers.
 * @see docs/spec/smp.md §1, §2, §4.2, §6
 */
import fc from 'fast-check';
import { encodeCborDefinite } from '../../src/codec/cbor/writer.ts';
import { smpRequest } from '../../src/codec/smp/command.ts';
import { MgmtErr, SmpOp } from '../../src/codec/smp/constants.ts';
import { arbMalformedPacket, requestArbitraries } from '../../src/codec/smp/arbitraries.ts';
import { crc16Xmodem } from '../../src/codec/smp/crc16.ts';
import { groupErrName } from '../../src/codec/smp/group-errors.ts';
import { allCommands, osCommands, type AnySmpCommand } from '../../src/codec/smp/groups/index.ts';
import { decodeSmpHeader } from '../../src/codec/smp/header.ts';
import { classifyResponseBody, encodeSmpPacket } from '../../src/codec/smp/message.ts';
import { arbSerialChunking } from '../../src/codec/smp/serial-framing-arbitraries.ts';
import { encodeSerialFrameLinesUnchecked, type SerialFrameDamage } from '../../src/codec/smp/serial-framing-unchecked.ts';
import { encodeSerialFrames } from '../../src/codec/smp/serial-framing.ts';
import * as u from '../../src/codec/smp/unchecked.ts';
import { defineSuite, errGroupProblem, type CaseContext } from '../../src/conformance/index.ts';
import { answered, exchange, exchangeLines, headerOf, packetsSince, traceMark, writeLines } from './support/raw-replies.ts';

/** Commands whose requests change nothing on the device, whatever their field values. */
const HARMLESS = new Set([
  'os.echo', 'os.echoRead', 'os.consoleEchoControl', 'os.taskstat', 'os.mpstat', 'os.datetimeGet', 'os.mcumgrParams', 'os.info',
  'os.bootloaderInfo', 'img.state', 'img.slotInfo', 'stat.show', 'stat.list', 'settings.read', 'fs.download', 'fs.status',
  'fs.hash', 'fs.supportedHashes', 'enum.count', 'enum.list', 'enum.single', 'enum.details',
]);

/** (group, id) pairs whose write changes device state: reset, date/time, image, settings, fs, shell, storage erase. */
function isStateChangingWrite(group: number, id: number): boolean {
  if (group === 0) return id === 4 || id === 5;
  if (group === 1) return id === 0 || id === 1 || id === 5;
  return group === 3 || group === 8 || group === 9 || group === 63;
}

/** True when some 8-byte window of `bytes` reads as a state-changing write (the device may parse surplus bytes as requests). */
function mayChangeState(bytes: Uint8Array): boolean {
  for (let at = 0; at + 8 <= bytes.length; at++) {
    const h = decodeSmpHeader(bytes.subarray(at));
    if (h.ok && h.value.op === SmpOp.WRITE && isStateChangingWrite(h.value.group, h.value.id)) return true;
  }
  return false;
}

/** Problems of one received packet as an SMP reply: header rules, CBOR map body, documented error codes. */
function replyProblems(bytes: Uint8Array, isV2Device: boolean): string[] {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) return [`${bytes.length} bytes: no SMP header`];
  const p: string[] = [];
  const { op, version, reserved, flags, length, group } = h.value;
  if (op !== SmpOp.READ_RSP && op !== SmpOp.WRITE_RSP) p.push(`op ${op} is not a response op`);
  if (version > (isV2Device ? 1 : 0)) p.push(`version bits ${version}`);
  if (reserved !== 0 || flags !== 0) p.push(`reserved bits ${reserved}, flags ${flags}`);
  if (length !== bytes.length - 8) p.push(`length field ${length} for ${bytes.length - 8} payload bytes`);
  const body = classifyResponseBody(bytes.subarray(8));
  if (body.kind === 'malformed') p.push(`body: ${body.reason}`);
  if (body.kind === 'errV1' && !isDocumentedRc(body.rc)) p.push(`rc ${body.rc} is not a documented MGMT_ERR code`);
  const groupProblem = body.kind === 'errV2' ? errGroupProblem(group, body) : undefined;
  if (groupProblem !== undefined) p.push(groupProblem);
  else if (body.kind === 'errV2' && groupErrName(body.group, body.rc) === undefined) p.push(`err {group ${body.group}, rc ${body.rc}} is not a documented group error of group ${group}`);
  return p;
}

/** A seq no echo request hidden anywhere in `sent` uses, so a late reply to it cannot pass for the fence's. */
function fenceSeq(sent: Uint8Array): number {
  const taken = new Set<number>();
  for (let at = 0; at + 8 <= sent.length; at++) if (sent[at + 5] === 0 && sent[at + 7] === 0) taken.add(sent[at + 6]!);
  for (let seq = 128; seq < 384; seq++) if (!taken.has(seq & 0xff)) return seq & 0xff;
  return 128;
}

/** A reply must answer a header that was sent: its group, id and seq appear together in some 8-byte window. */
function unrequested(reply: Uint8Array, sent: Uint8Array): string[] {
  const h = decodeSmpHeader(reply);
  if (!h.ok) return [];
  const { group, id, seq } = h.value;
  for (let at = 0; at + 8 <= sent.length; at++) {
    if (((sent[at + 4]! << 8) | sent[at + 5]!) === group && sent[at + 6] === seq && sent[at + 7] === id) return [];
  }
  return [`a reply to group ${group} id ${id} seq ${seq}, which no request sent carried`];
}

function isDocumentedRc(rc: number): boolean {
  return (rc >= MgmtErr.EUNKNOWN && rc <= MgmtErr.UNSUPPORTED_TOO_NEW) || rc >= MgmtErr.EPERUSER;
}

/** Send `send`, then an echo fence; every packet before the fence reply must be a well-formed reply. */
async function judgedWithFence(ctx: CaseContext, what: string, sent: Uint8Array, send: () => Promise<void>): Promise<Uint8Array[]> {
  const mark = traceMark(ctx);
  await send();
  const seq = fenceSeq(sent);
  const d = `fence-${seq}`;
  const fence = await answered(ctx, `the echo after ${what}`, () => ctx.smp.request(smpRequest(osCommands.echo, { d }), { seq }));
  ctx.expect.smpOk(fence).field('r').toBe(d);
  const drawn = packetsSince(ctx, mark).filter((b) => !(decodeSmpHeader(b).ok && headerOf(b).seq === fence.header.seq && headerOf(b).group === 0 && headerOf(b).id === 0));
  const problems = drawn.flatMap((b) => [...replyProblems(b, ctx.session.smpVersions.v2), ...unrequested(b, sent)]);
  ctx.expect.that(problems.length === 0, { check: 'replies to malformed traffic', expected: 'each reply a well-formed SMP response with a documented result', actual: problems.join('\n') });
  return drawn;
}

const harmlessCommands: AnySmpCommand[] = [...allCommands.values()].filter((c) => HARMLESS.has(c.name));
const arbHarmlessRequest = fc.constantFrom(...harmlessCommands).chain((command) =>
  fc.record({ command: fc.constant(command), req: requestArbitraries.get(command.name) ?? fc.constant({}), seq: fc.nat(255), version: fc.constantFrom(0, 1) }),
);

/** Targets safe to hit with any op: reads and unknown commands only ever inspect the device. */
const SAFE_TARGETS: readonly (readonly [number, number])[] = [[0, 0], [0, 1], [0, 2], [0, 3], [0, 6], [0, 7], [0, 8], [0, 9], [1, 2], [1, 3], [1, 4], [1, 6], [2, 0], [2, 1], [10, 0], [10, 1], [10, 2], [10, 3], [40, 0], [62, 0], [64, 0]];
const arbHeaderFields = fc.record({
  op: fc.constantFrom(0, 2, 4, 5, 6, 7),
  version: fc.integer({ min: 0, max: 3 }),
  reserved: fc.integer({ min: 0, max: 7 }),
  flags: fc.integer({ min: 0, max: 0xff }),
  seq: fc.nat(255),
  target: fc.constantFrom(...SAFE_TARGETS),
});

/** Echo texts for serial frames: one-line and multi-line packets alike. */
const arbEchoText = fc.oneof(fc.string({ minLength: 1, maxLength: 80, unit: 'binary-ascii' }), fc.string({ minLength: 90, maxLength: 300, unit: 'binary-ascii' }));

defineSuite({ id: 'smp/properties', protocol: 'SMP', feature: 'properties', title: 'SMP property-based robustness' }, (s) => {
  s.property({
    id: 'SMP-PROP-VALID-001',
    title: 'every valid request of a harmless command gets a conforming reply: its fields, or a documented error',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response SMP data', quote: 'For SMP version 2, errors relating to SMP itself that are not group specific will still be returned as rc errors, SMP version 2 clients must therefore be able to handle both types of errors.' },
    stimulus: 'Generated requests of every harmless command (all fields, valid types and ranges), SMP v1 and v2, any seq.',
    requirement: 'A reply with op/version/group/seq/id as the header rules say; a success body with the fields the spec defines, or rc / err{group,rc} from the documented tables.',
    requires: ['smp.os.echo'],
    story: 'valid requests',
    numRuns: { udp: 1000, serial: 60 },
    arbitrary: arbHarmlessRequest,
    async predicate(ctx, { command, req, seq, version }) {
      const bytes = encodeSmpPacket({ op: command.op, group: command.group, id: command.id, seq, version, body: command.encodeBody(req) });
      const reply = await exchange(ctx, bytes, { command });
      if (reply.body.kind === 'ok') {
        ctx.expect.smpOk(reply);
        return;
      }
      ctx.expect.smpShape(reply);
      const problems = replyProblems(join(u.encodeSmpHeaderUnchecked(reply.header), reply.payload), ctx.session.smpVersions.v2);
      ctx.expect.that(problems.length === 0, { check: 'error reply', expected: 'rc or err{group,rc} from the documented tables', actual: problems.join('\n') });
    },
  });

  s.property({
    id: 'SMP-PROP-HEADER-001',
    title: 'any op, version, reserved bits, flags and seq get a reply that follows the header rules',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Frame: The envelope', quote: 'This is reserved, not-used field and must be always set to 0.' },
    stimulus: 'An empty map to safe targets (reads, unknown groups and commands) with op 0/2/4–7, version 0–3, any reserved bits, flags and seq.',
    requirement: 'Reply op 1 for op 0 and 3 otherwise, version min(v, 1), reserved bits and flags 0, group/seq/id echoed; version 10/11 → rc 13; op 4–7 → rc 8.',
    requires: ['smp.os.echo'],
    story: 'header fields',
    numRuns: { udp: 1000, serial: 60 },
    arbitrary: arbHeaderFields,
    async predicate(ctx, f) {
      const [group, id] = f.target;
      const frame = u.rawFrame({ op: f.op, version: f.version, reserved: f.reserved, flags: f.flags, seq: f.seq, group, id }, encodeCborDefinite({}), 'header fields');
      const reply = ctx.expect.smpShape(await exchange(ctx, frame.bytes));
      ctx.expect.that(reply.header.flags === 0, { check: 'reply flags', expected: 'flags 0', actual: `flags ${reply.header.flags}` });
      const isBadOp = f.op !== SmpOp.READ && f.op !== SmpOp.WRITE;
      const isBadVersion = f.version >= 2 && ctx.session.smpVersions.v2;
      // Zephyr checks the op first (rc 8); either refusal is accepted when both are wrong.
      if (isBadOp && isBadVersion) ctx.expect.mgmtErr(reply, { rc: [MgmtErr.ENOTSUP, MgmtErr.UNSUPPORTED_TOO_NEW] });
      else if (isBadVersion) ctx.expect.mgmtErr(reply, { rc: MgmtErr.UNSUPPORTED_TOO_NEW });
      else if (isBadOp || group >= 40) ctx.expect.mgmtErr(reply, { rc: MgmtErr.ENOTSUP });
    },
  });

  s.property({
    id: 'SMP-PROP-MALFORMED-001',
    title: 'malformed packets draw only well-formed replies with documented errors, and the device keeps answering',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-protocol', section: 'Minimal response', quote: 'Regardless of a command issued, as long as there is SMP client on the other side of a request, a response should be issued containing the header followed by CBOR map container.' },
    stimulus: 'Generated malformed packets (lying length fields, reserved versions and ops, flags, bodies that are not maps, wrong types, truncation, indefinite lengths, duplicate and non-text keys, huge length claims, deep nesting, random damage), each followed by an echo.',
    requirement: 'Every reply is a well-formed SMP response (response op, version ≤ 1, reserved bits and flags 0, honest length, CBOR map, documented rc or group error) or there is none; the echo after it is answered.',
    requires: ['smp.os.echo'],
    story: 'malformed requests',
    numRuns: { udp: 1000, serial: 60 },
    arbitrary: arbMalformedPacket.filter((f) => f.bytes.length > 0 && !mayChangeState(f.bytes)),
    async predicate(ctx, frame) {
      await judgedWithFence(ctx, frame.label, frame.bytes, () => ctx.smp.sendRaw(frame.bytes));
    },
  });

  s.property({
    id: 'SMP-PROP-SERIAL-001',
    title: 'damaged serial frames are never answered, and the next frame is',
    level: 'SHOULD',
    spec: { doc: 'smp-digest', section: '6.3 Serial transport' },
    stimulus: 'Echo frames of 1–300 characters with one framing defect each: wrong CRC, wrong length prefix, a bad base64 character, a split base64 group, a missing start marker, a continuation marker first.',
    requirement: 'Framing errors are silent: no packet comes back for the damaged frame; the echo after it is answered.',
    requires: ['smp.transport.serial', 'smp.os.echo'],
    transports: ['serial'],
    story: 'serial framing',
    numRuns: { serial: 40 },
    arbitrary: fc.record({ d: arbEchoText, damage: fc.nat(), pick: fc.nat() }),
    async predicate(ctx, { d, damage, pick }) {
      const packet = u.rawFrame(u.frameBaseFor(osCommands.echo, ctx.smp.nextSeq()), encodeCborDefinite({ d }), 'echo').bytes;
      const wire = encodeSerialFrameLinesUnchecked(packet, damageOf(packet, damage, pick), { style: 'zephyr' });
      const drawn = await judgedWithFence(ctx, 'a damaged frame', packet, () => writeLines(ctx, wire));
      ctx.expect.that(drawn.length === 0, { check: 'silence', expected: 'no reply to the damaged frame', actual: `${drawn.length} packet(s)` });
    },
  });

  s.property({
    id: 'SMP-PROP-SERIAL-002',
    title: 'a valid serial frame is answered however its bytes are cut into writes',
    level: 'MUST',
    spec: { doc: 'zephyr-smp-transport', section: 'Frame fragmenting', quote: 'SMP protocol over serial is fragmented into frames of up to 127 bytes; each frame consists of two byte start marker, body and terminating newline character.' },
    stimulus: 'Echo frames of 1–300 characters, framed Zephyr-style, written in arbitrary chunks (one byte each, or cut anywhere; never two lines in one write), 20 ms apart.',
    requirement: 'The receiver reassembles lines across writes: "r" equals "d".',
    requires: ['smp.transport.serial', 'smp.os.echo'],
    transports: ['serial'],
    story: 'serial framing',
    numRuns: { serial: 30 },
    arbitrary: arbEchoText.chain((d) => {
      const packet = encodeSmpPacket({ op: SmpOp.WRITE, group: 0, id: 0, seq: 0, body: { d } });
      return arbSerialChunking(encodeSerialFrames(packet, { style: 'zephyr' }), { maxCuts: 12 }).map((chunks) => ({ d, chunks }));
    }),
    async predicate(ctx, { d, chunks }) {
      const seq = ctx.smp.nextSeq();
      // The header sits in the first line; rebuild the chunks with this case's seq, never spanning two lines.
      const wire = withSeq(chunks, d, seq).flatMap(splitAtNewlines);
      const packet = encodeSmpPacket({ op: SmpOp.WRITE, group: 0, id: 0, seq, body: { d } });
      const reply = await answered(ctx, `an echo written in ${wire.length} chunks`, () => exchangeLines(ctx, packet, wire, osCommands.echo));
      ctx.expect.smpOk(reply).field('r').toBe(d);
    },
  });
});

/** Cut a chunk after each newline, so that no write carries more than one line (see SERIAL_LINE_GAP_MS). */
function splitAtNewlines(chunk: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, at)) {
    out.push(chunk.subarray(at, nl + 1));
    at = nl + 1;
  }
  if (at < chunk.length) out.push(chunk.subarray(at));
  return out;
}

/** One framing defect, chosen by `damage`, placed by `pick`. */
function damageOf(packet: Uint8Array, damage: number, pick: number): SerialFrameDamage {
  const textLength = Math.ceil((packet.length + 4) / 3) * 4;
  switch (damage % 6) {
    case 0:
      return { crc: crcDamage(packet, pick) };
    case 1:
      return { lengthField: packet.length + 2 + (pick % 2 === 0 ? 1 + (pick % 40) : -1 - (pick % 3)) };
    case 2:
      return { badBase64At: pick % textLength };
    case 3:
      return { splitMidGroup: true };
    case 4:
      return { omitStartMarker: true };
    default:
      return { continuationFirst: true };
  }
}

/** A CRC value that differs from the right one. */
function crcDamage(packet: Uint8Array, pick: number): number {
  return crc16Xmodem(packet) ^ (1 + (pick % 0xfffe));
}

function join(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** The same chunk boundaries over the frame of the echo re-encoded with `seq`. */
function withSeq(chunks: readonly Uint8Array[], d: string, seq: number): Uint8Array[] {
  const wire = encodeSerialFrames(encodeSmpPacket({ op: SmpOp.WRITE, group: 0, id: 0, seq, body: { d } }), { style: 'zephyr' });
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of chunks) {
    out.push(wire.subarray(at, at + c.length));
    at += c.length;
  }
  return out;
}
