/**
 * Builders for SMP frames that break the rules on purpose: lying length fields, reserved version
 * and op values, flags and reserved bits, bodies that are not maps, wrong value types, truncated,
 * indefinite-length, duplicate-key, non-text-key, huge-length and deeply nested CBOR. Each
 * returns the bytes, a label saying what is wrong, and the header exactly as written.
 * @see docs/spec/smp.md §1.5, §1.7, §6.1, §6.2
 */
import { concatBytes } from '../../core/bytes.ts';
import { CborWriter, encodeCborDefinite, encodeCborIndefinite } from '../cbor/writer.ts';
import type { SmpCommand } from './command.ts';
import { SMP_HEADER_BYTES, SmpVersion } from './constants.ts';
import { decodeSmpHeader, encodeSmpHeader, type SmpHeader } from './header.ts';
import { describeCbor, type DefinedCommand, type FieldType } from './groups/fields.ts';

/** A deliberately malformed (or at least unusual) frame. */
export interface UncheckedFrame {
  bytes: Uint8Array;
  /** What is wrong with it, for traces and test names. */
  label: string;
  /** The header as written (the length field may not match the payload). */
  header: SmpHeader;
}

/** Header fields of a frame under construction; version defaults to SMP v2. */
export interface FrameBase {
  op: number;
  group: number;
  id: number;
  seq: number;
  version?: number;
  flags?: number;
  reserved?: number;
}

/** Largest value of the 16-bit length field. */
export const MAX_SMP_LENGTH_FIELD = 0xffff;

/** Write a header with every field as given (masked to its width, never validated). */
export function encodeSmpHeaderUnchecked(h: SmpHeader): Uint8Array {
  return encodeSmpHeader(h);
}

/** The header fields of a command (op, group, id) plus seq and version. */
export function frameBaseFor(command: { op: number; group: number; id: number }, seq: number, version: number = SmpVersion.V2): FrameBase {
  return { op: command.op, group: command.group, id: command.id, seq, version };
}

/** A frame of `payload` with a length field that defaults to the payload's length. */
export function rawFrame(base: FrameBase & { length?: number }, payload: Uint8Array, label: string): UncheckedFrame {
  const header: SmpHeader = {
    op: base.op,
    version: base.version ?? SmpVersion.V2,
    reserved: base.reserved ?? 0,
    flags: base.flags ?? 0,
    length: base.length ?? payload.length,
    group: base.group,
    seq: base.seq,
    id: base.id,
  };
  const bytes = concatBytes(encodeSmpHeaderUnchecked(header), payload);
  const written = decodeSmpHeader(bytes);
  return { bytes, label, header: written.ok ? written.value : header };
}

function body(value: unknown): Uint8Array {
  return encodeCborDefinite(value ?? {});
}

/** Length field = real payload length + `delta` (clamped to 0…0xffff). */
export function withLengthDelta(base: FrameBase, bodyValue: unknown, delta: number): UncheckedFrame {
  const payload = body(bodyValue);
  const length = Math.min(MAX_SMP_LENGTH_FIELD, Math.max(0, payload.length + delta));
  const sign = delta >= 0 ? '+' : '-';
  return rawFrame({ ...base, length }, payload, `length field ${length} = payload ${payload.length} ${sign} ${Math.abs(delta)}`);
}

/** Length field set to an exact value (0, 0xffff, …) whatever the payload. */
export function withLengthField(base: FrameBase, bodyValue: unknown, length: number): UncheckedFrame {
  const payload = body(bodyValue);
  const field = length & MAX_SMP_LENGTH_FIELD;
  return rawFrame({ ...base, length: field }, payload, `length field ${field} with ${payload.length} payload bytes`);
}

/** Body map with `field` set to `value` (typically a value of the wrong CBOR type). */
export function withFieldValue(base: FrameBase, bodyValue: Record<string, unknown>, field: string, value: unknown): UncheckedFrame {
  return rawFrame(base, body({ ...bodyValue, [field]: value }), `"${field}" as ${describeCbor(value)}`);
}

/** A command's request with one field replaced by a value of the wrong CBOR type. */
export function withWrongFieldType<Req extends object>(
  command: SmpCommand<Req, unknown>,
  req: Req,
  field: string,
  value: unknown,
  seq = 0,
): UncheckedFrame {
  const frame = withFieldValue(frameBaseFor(command, seq), command.encodeBody(req), field, value);
  return { ...frame, label: `${command.name}: ${frame.label}` };
}

/**
 * Values of a different CBOR type than `t` (each should make Zephyr's bulk decoder fail → rc 3):
 * for uint a negative, a float, text and bytes; for text bytes and a uint; and so on.
 * @see docs/spec/smp.md §1.7, §6.2 item 19
 */
export function wrongTypeValues(t: FieldType): unknown[] {
  const bytes = Uint8Array.of(0x61);
  switch (t.t) {
    case 'uint':
    case 'uint64':
      return [-1, 1.5, '0', bytes, true];
    case 'int':
      return [1.5, '0', bytes, true];
    case 'tstr':
      return [bytes, 0, false, ['a']];
    case 'bstr':
      return ['a', 0, [1]];
    case 'bool':
      return [1, 'true', null];
    case 'array':
      return [{}, 'a', 0];
    case 'map':
    case 'dict':
      return [[], 'a', 0];
    case 'oneOf':
      return [null];
  }
}

/** One frame per (request field, wrong-type value) of a command, built from `req`. */
export function wrongFieldTypeFrames<Req extends object>(command: DefinedCommand<Req, unknown>, req: Req, seq = 0): UncheckedFrame[] {
  const frames: UncheckedFrame[] = [];
  for (const [field, spec] of Object.entries(command.requestSchema)) {
    for (const value of wrongTypeValues(spec.type)) frames.push(withWrongFieldType(command, req, field, value, seq));
  }
  return frames;
}

/** Body cut after `keepBytes` bytes; the length field matches the bytes actually sent. */
export function truncatedBody(base: FrameBase, bodyValue: unknown, keepBytes: number): UncheckedFrame {
  const full = body(bodyValue);
  const keep = Math.max(0, Math.min(keepBytes, full.length - 1));
  return rawFrame(base, full.subarray(0, keep), `CBOR body truncated to ${keep} of ${full.length} bytes`);
}

/** Body with indefinite-length maps and arrays (`bf … ff`), which Zephyr accepts. */
export function indefiniteBody(base: FrameBase, bodyValue: unknown): UncheckedFrame {
  return rawFrame(base, encodeCborIndefinite(bodyValue ?? {}), 'indefinite-length body map');
}

/** A request to a group/command pair the device does not implement. */
export function unknownCommand(group: number, id: number, op: number, seq = 0): UncheckedFrame {
  return rawFrame({ op, group, id, seq }, body({}), `unknown command: group ${group} id ${id} op ${op}`);
}

/** Version bits set to a reserved value (2 or 3) or any other 0–3. */
export function withVersion(base: FrameBase, bodyValue: unknown, version: number): UncheckedFrame {
  return rawFrame({ ...base, version }, body(bodyValue), `version bits ${(version & 3).toString(2).padStart(2, '0')}`);
}

/** Op set to a response op (1, 3) or an undefined one (4–7). */
export function withOp(base: FrameBase, bodyValue: unknown, op: number): UncheckedFrame {
  return rawFrame({ ...base, op }, body(bodyValue), `op ${op & 7}`);
}

/** Reserved bits (top 3 of byte 0) set. */
export function withReservedBits(base: FrameBase, bodyValue: unknown, reserved: number): UncheckedFrame {
  return rawFrame({ ...base, reserved }, body(bodyValue), `reserved bits ${(reserved & 7).toString(2).padStart(3, '0')}`);
}

/** Flags byte set. */
export function withFlags(base: FrameBase, bodyValue: unknown, flags: number): UncheckedFrame {
  return rawFrame({ ...base, flags }, body(bodyValue), `flags 0x${(flags & 0xff).toString(16).padStart(2, '0')}`);
}

/** Kinds of non-map body. */
export type NonMapKind = 'array' | 'uint' | 'nint' | 'tstr' | 'bstr' | 'bool' | 'null' | 'float' | 'tag' | 'empty';

/** Body that is a single CBOR item other than a map (or no body at all). */
export function nonMapBody(base: FrameBase, kind: NonMapKind): UncheckedFrame {
  const w = new CborWriter();
  if (kind === 'array') w.arrayHeader(1).text('d');
  else if (kind === 'uint') w.uint(7);
  else if (kind === 'nint') w.nint(-7);
  else if (kind === 'tstr') w.text('d');
  else if (kind === 'bstr') w.bytes(Uint8Array.of(0xa0));
  else if (kind === 'bool') w.bool(true);
  else if (kind === 'null') w.null();
  else if (kind === 'float') w.float32(1.5);
  // Tag 2 (bignum): a tag around a byte string, which no SMP body may be.
  else if (kind === 'tag') w.tag(2).bytes(Uint8Array.of(1));
  return rawFrame(base, w.toBytes(), kind === 'empty' ? 'empty body (no CBOR)' : `body is ${kind}, not a map`);
}

/** Body map with `key` present twice (first `first`, then `second`); definite count includes both. */
export function duplicateKey(base: FrameBase, bodyValue: Record<string, unknown>, key: string, first: unknown, second: unknown): UncheckedFrame {
  const entries = Object.entries(bodyValue).filter(([k, v]) => k !== key && v !== undefined);
  const w = new CborWriter().mapHeader(entries.length + 2);
  w.text(key).value(first);
  for (const [k, v] of entries) w.text(k).value(v);
  w.text(key).value(second);
  return rawFrame(base, w.toBytes(), `duplicate key "${key}"`);
}

/** Body map with one extra pair whose key is not a text string. */
export function nonTextKey(base: FrameBase, bodyValue: Record<string, unknown>, key: number | Uint8Array | unknown[]): UncheckedFrame {
  const entries = Object.entries(bodyValue).filter(([, v]) => v !== undefined);
  const w = new CborWriter().mapHeader(entries.length + 1);
  w.value(key).value(0);
  for (const [k, v] of entries) w.text(k).value(v);
  return rawFrame(base, w.toBytes(), `non-text key ${describeCbor(key)}`);
}

/** Kinds of item whose head claims far more content than is sent. */
export type HugeClaimKind = 'bstr' | 'tstr' | 'array' | 'map';

/** `{field: <item claiming `claimed` bytes/elements>}` followed by only a few real bytes. */
export function hugeLengthClaim(base: FrameBase, field: string, kind: HugeClaimKind, claimed: number | bigint = 0xffff_ffff): UncheckedFrame {
  const w = new CborWriter().mapHeader(1).text(field);
  if (kind === 'bstr') w.bytes(Uint8Array.of(1, 2, 3, 4), { claimedLength: claimed });
  else if (kind === 'tstr') w.text('abcd', { claimedLength: claimed });
  else if (kind === 'array') w.arrayHeader(claimed).uint(0);
  else w.mapHeader(claimed).text('a').uint(0);
  return rawFrame(base, w.toBytes(), `"${field}" ${kind} claims ${claimed} ${kind === 'bstr' || kind === 'tstr' ? 'bytes' : 'items'}`);
}

/** `{field: [[[…]]]}` (or maps `{"a": {"a": …}}`) nested `depth` levels below the body map. */
export function deepNesting(base: FrameBase, field: string, depth: number, kind: 'array' | 'map' = 'array'): UncheckedFrame {
  const w = new CborWriter().mapHeader(1).text(field);
  for (let i = 0; i < depth - 1; i++) {
    if (kind === 'array') w.arrayHeader(1);
    else w.mapHeader(1).text('a');
  }
  if (kind === 'array') w.arrayHeader(0);
  else w.mapHeader(0);
  return rawFrame(base, w.toBytes(), `"${field}" nested ${depth} ${kind}s deep`);
}

/** Body followed by extra bytes that the length field covers. */
export function trailingBytes(base: FrameBase, bodyValue: unknown, extra: Uint8Array): UncheckedFrame {
  return rawFrame(base, concatBytes(body(bodyValue), extra), `${extra.length} trailing bytes after the body map`);
}

/** Several frames in one transport packet (answered one by one, stopping at the first error). */
export function concatenated(frames: readonly UncheckedFrame[]): UncheckedFrame {
  const first = frames[0];
  if (!first) throw new RangeError('concatenated() needs at least one frame');
  return { bytes: concatBytes(...frames.map((f) => f.bytes)), label: `${frames.length} requests in one packet`, header: first.header };
}

/** Fewer than 8 bytes: a header cut short (Zephyr answers nothing). */
export function shortHeader(base: FrameBase, keepBytes: number): UncheckedFrame {
  const full = rawFrame(base, body({}), '');
  const keep = Math.max(0, Math.min(keepBytes, SMP_HEADER_BYTES - 1));
  return { bytes: full.bytes.subarray(0, keep), label: `header cut to ${keep} bytes`, header: full.header };
}
