/**
 * fast-check arbitraries for SMP: headers with any field values, valid requests of every command
 * of every group (every field, valid types and ranges), and malformed packets built from the
 * unchecked builders plus random damage.
 * @see docs/spec/smp.md §1, §3, §6
 */
import fc from 'fast-check';
import { concatBytes } from '../../core/bytes.ts';
import { SmpVersion } from './constants.ts';
import type { SmpHeader } from './header.ts';
import { encodeSmpPacket } from './message.ts';
import { allCommands, type AnySmpCommand } from './groups/index.ts';
import * as u from './unchecked.ts';

/** Any header, including reserved versions, undefined ops, flags and reserved bits. */
export const arbSmpHeader: fc.Arbitrary<SmpHeader> = fc.record({
  op: fc.integer({ min: 0, max: 7 }),
  version: fc.integer({ min: 0, max: 3 }),
  reserved: fc.integer({ min: 0, max: 7 }),
  flags: fc.integer({ min: 0, max: 0xff }),
  length: fc.integer({ min: 0, max: 0xffff }),
  group: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.integer({ min: 0, max: 0xff }),
  id: fc.integer({ min: 0, max: 0xff }),
});

const text = fc.string({ maxLength: 24 });
const name = fc.stringMatching(/^[a-z0-9_/]{1,24}$/);
const path = name.map((n) => `/lfs1/${n}`);
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
const two = (n: number): string => String(n).padStart(2, '0');
const datetime = fc
  .tuple(
    fc.integer({ min: 1900, max: 9999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
  )
  .map(([y, mo, d, h, mi, s]) => `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}`);

function rec<T extends Record<string, fc.Arbitrary<unknown>>>(model: T, requiredKeys: Array<keyof T & string>): fc.Arbitrary<object> {
  return fc.record(model, { requiredKeys });
}

const empty: fc.Arbitrary<object> = fc.constant({});

/** Valid request values for each command, keyed by command name. */
export const requestArbitraries: ReadonlyMap<string, fc.Arbitrary<object>> = new Map<string, fc.Arbitrary<object>>([
  ['os.echo', rec({ d: text }, ['d'])],
  ['os.echoRead', rec({ d: text }, ['d'])],
  ['os.consoleEchoControl', rec({ echo: fc.constantFrom(0, 1) }, ['echo'])],
  ['os.taskstat', empty],
  ['os.mpstat', empty],
  ['os.datetimeGet', empty],
  ['os.datetimeSet', rec({ datetime }, ['datetime'])],
  ['os.reset', rec({ force: fc.boolean() }, [])],
  ['os.mcumgrParams', empty],
  ['os.info', rec({ format: fc.stringMatching(/^[snrvbmpioa]{0,4}$/) }, [])],
  ['os.bootloaderInfo', rec({ query: fc.constant('mode') }, [])],
  ['img.state', empty],
  ['img.stateWrite', rec({ hash: fc.uint8Array({ minLength: 32, maxLength: 32 }), confirm: fc.boolean() }, [])],
  [
    'img.upload',
    rec(
      { image: fc.integer({ min: 0, max: 1 }), len: u32, off: u32, sha: bytes(32), data: bytes(128), upgrade: fc.boolean() },
      ['off', 'data'],
    ),
  ],
  ['img.erase', rec({ slot: fc.integer({ min: 0, max: 3 }) }, [])],
  ['img.slotInfo', empty],
  ['stat.show', rec({ name }, ['name'])],
  ['stat.list', empty],
  ['settings.read', rec({ name, max_size: fc.integer({ min: 0, max: 0xffff }) }, ['name'])],
  ['settings.write', rec({ name, val: bytes(64) }, ['name', 'val'])],
  ['settings.delete', rec({ name }, ['name'])],
  ['settings.commit', empty],
  ['settings.load', empty],
  ['settings.save', rec({ name }, [])],
  ['fs.download', rec({ off: u32, name: path }, ['off', 'name'])],
  ['fs.upload', rec({ off: u32, data: bytes(128), name: path, len: u32 }, ['off', 'data', 'name'])],
  ['fs.status', rec({ name: path }, ['name'])],
  ['fs.hash', rec({ name: path, type: fc.constantFrom('crc32', 'sha256'), off: u32, len: u32 }, ['name'])],
  ['fs.supportedHashes', empty],
  ['fs.close', empty],
  ['shell.exec', rec({ argv: fc.array(text, { minLength: 1, maxLength: 4 }) }, ['argv'])],
  ['enum.count', empty],
  ['enum.list', empty],
  ['enum.single', rec({ index: fc.integer({ min: 0, max: 64 }) }, [])],
  ['enum.details', rec({ groups: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }) }, [])],
  ['zephyr.storageErase', empty],
]);

/** A valid request of some command, with its body and the packet that carries it. */
export interface ValidRequestSample {
  command: AnySmpCommand;
  req: object;
  body: Record<string, unknown>;
  seq: number;
  version: number;
  packetBytes: Uint8Array;
}

/** Any command of any group with valid field values; SMP v1 or v2 header. */
export const arbValidRequest: fc.Arbitrary<ValidRequestSample> = fc
  .constantFrom(...allCommands.values())
  .chain((command) =>
    fc.record({
      req: requestArbitraries.get(command.name) ?? empty,
      seq: fc.integer({ min: 0, max: 0xff }),
      version: fc.constantFrom(SmpVersion.V1, SmpVersion.V2),
    }).map(({ req, seq, version }) => {
      const body = command.encodeBody(req);
      const packetBytes = encodeSmpPacket({ op: command.op, group: command.group, id: command.id, seq, version, body });
      return { command, req, body, seq, version, packetBytes };
    }),
  );

const arbBase: fc.Arbitrary<{ base: u.FrameBase; body: Record<string, unknown> }> = arbValidRequest.map((s) => ({
  base: { op: s.command.op, group: s.command.group, id: s.command.id, seq: s.seq, version: s.version },
  body: s.body,
}));

const arbWrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1000, max: -1 }),
  fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)),
  fc.string({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 3 }),
);

const arbBuilt: fc.Arbitrary<u.UncheckedFrame> = arbBase.chain(({ base, body }) => {
  const firstKey = Object.keys(body)[0] ?? 'd';
  return fc.oneof(
    fc.integer({ min: -16, max: 16 }).filter((d) => d !== 0).map((d) => u.withLengthDelta(base, body, d)),
    fc.constantFrom(0, 0xffff).map((l) => u.withLengthField(base, body, l)),
    arbWrongValue.map((v) => u.withFieldValue(base, body, firstKey, v)),
    fc.nat({ max: 64 }).map((k) => u.truncatedBody(base, body, k)),
    fc.constant(u.indefiniteBody(base, body)),
    fc.constantFrom(2, 3).map((v) => u.withVersion(base, body, v)),
    fc.constantFrom(1, 3, 4, 5, 6, 7).map((op) => u.withOp(base, body, op)),
    fc.integer({ min: 1, max: 7 }).map((r) => u.withReservedBits(base, body, r)),
    fc.integer({ min: 1, max: 0xff }).map((f) => u.withFlags(base, body, f)),
    fc.constantFrom<u.NonMapKind>('array', 'uint', 'nint', 'tstr', 'bstr', 'bool', 'null', 'float', 'tag', 'empty').map((k) => u.nonMapBody(base, k)),
    fc.constant(u.duplicateKey(base, body, firstKey, body[firstKey] ?? 0, body[firstKey] ?? 1)),
    fc.constantFrom<number | Uint8Array>(0, -1, Uint8Array.of(0x64)).map((k) => u.nonTextKey(base, body, k)),
    fc.constantFrom<u.HugeClaimKind>('bstr', 'tstr', 'array', 'map').map((k) => u.hugeLengthClaim(base, firstKey, k)),
    fc.integer({ min: 2, max: 300 }).map((d) => u.deepNesting(base, firstKey, d)),
    fc.record({ g: fc.integer({ min: 11, max: 62 }), id: fc.nat({ max: 255 }) }).map(({ g, id }) => u.unknownCommand(g, id, base.op, base.seq)),
  );
});

/** Random damage applied after building: flip bits, cut the tail, or append garbage. */
function damage(frame: u.UncheckedFrame, kind: number, at: number, noise: Uint8Array): u.UncheckedFrame {
  const b = frame.bytes;
  if (kind === 1 && b.length > 0) {
    const copy = b.slice();
    const i = at % copy.length;
    copy[i] = (copy[i] ?? 0) ^ (noise[0] ?? 0xff);
    return { ...frame, bytes: copy, label: `${frame.label}; byte ${i} flipped` };
  }
  if (kind === 2) return { ...frame, bytes: b.subarray(0, at % (b.length + 1)), label: `${frame.label}; cut to ${at % (b.length + 1)} bytes` };
  if (kind === 3) return { ...frame, bytes: concatBytes(b, noise), label: `${frame.label}; ${noise.length} garbage bytes appended` };
  return frame;
}

/** A malformed packet: an unchecked builder's frame, sometimes further damaged at random. */
export const arbMalformedPacket: fc.Arbitrary<u.UncheckedFrame> = fc
  .tuple(arbBuilt, fc.integer({ min: 0, max: 3 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
  .map(([frame, kind, at, noise]) => damage(frame, kind, at, noise));
