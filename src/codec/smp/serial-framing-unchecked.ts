/**
 * Deliberately damaged SMP serial framing for robustness cases: each damage field produces
 * exactly one kind of defect, so a case can name the rule it breaks.
 * @see docs/spec/smp.md §6.3
 */
import { concatBytes } from '../../core/bytes.ts';
import {
  base64Pieces,
  buildSerialFrameBody,
  groupsPerLine,
  SERIAL_MAX_LINE_BYTES,
  SerialMarker,
  serialLine,
  slicedLineSizes,
  zephyrLineSizes,
  type SerialFrameOptions,
} from './serial-lines.ts';

/** The defects `encodeSerialFrameUnchecked` can put into a frame. */
export interface SerialFrameDamage {
  /** CRC value sent instead of the real one (→ bad CRC, §6.3 item 24). */
  crc?: number;
  /** Length field L sent instead of len(P) + 2 (→ mismatch or a stalled packet, item 25). */
  lengthField?: number;
  /** Index into the whole base64 text (all lines) replaced by `!` (→ bad base64, item 28). */
  badBase64At?: number;
  /** Line limit used for slicing instead of 127; larger values give over-long lines (item 30). */
  lineBytes?: number;
  /** The first line goes out without its `06 09` marker (the device sees console text). */
  omitStartMarker?: boolean;
  /** The first line carries `04 14` instead of `06 09` (→ orphan continuation, item 26). */
  continuationFirst?: boolean;
  /** The first line's text ends 2 chars into a base64 group (→ split group, item 28). */
  splitMidGroup?: boolean;
  /** Text inserted into the middle of the first line's base64 (→ text inside an SMP line, item 33). */
  consoleTextInside?: string;
}

function checkedSize(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} ${value} is outside 0..${max}`);
  return value;
}

function linePieces(packet: Uint8Array, body: Uint8Array, damage: SerialFrameDamage, options: SerialFrameOptions): string[] {
  if (damage.lineBytes !== undefined) {
    if (groupsPerLine(damage.lineBytes) < 1) throw new RangeError(`lineBytes ${damage.lineBytes} cannot hold one base64 group`);
    return base64Pieces(body, slicedLineSizes(body.length, damage.lineBytes));
  }
  const maxLineBytes = options.maxLineBytes ?? SERIAL_MAX_LINE_BYTES;
  const sizes = options.style === 'sliced' ? slicedLineSizes(body.length, maxLineBytes) : zephyrLineSizes(packet.length, maxLineBytes);
  return base64Pieces(body, sizes);
}

/** Re-cut the text so the first line ends 2 characters into a group; the rest follows as is. */
function splitMidGroup(pieces: string[]): string[] {
  const text = pieces.join('');
  const first = Math.max(2, (pieces[0] ?? '').length - 2);
  const perLine = Math.max(4, ...pieces.map((p) => p.length));
  const out = [text.slice(0, first)];
  for (let at = first; at < text.length; at += perLine) out.push(text.slice(at, at + perLine));
  return out;
}

function replaceAt(pieces: string[], index: number): string[] {
  let at = index;
  return pieces.map((piece) => {
    const here = at;
    at -= piece.length;
    return here >= 0 && here < piece.length ? `${piece.slice(0, here)}!${piece.slice(here + 1)}` : piece;
  });
}

function insertText(pieces: string[], text: string): string[] {
  const first = pieces[0] ?? '';
  const middle = Math.floor(first.length / 8) * 4;
  return [`${first.slice(0, middle)}${text}${first.slice(middle)}`, ...pieces.slice(1)];
}

/**
 * The lines of a serial frame carrying `damage`; without damage they equal
 * `encodeSerialFrameLines(packet, options)`. Throws RangeError for damage values that cannot be
 * applied (an index past the text, a line too short for one group).
 * @see docs/spec/smp.md §6.3
 */
export function encodeSerialFrameLinesUnchecked(packet: Uint8Array, damage: SerialFrameDamage, options: SerialFrameOptions = {}): Uint8Array[] {
  checkedSize(packet.length, 'packet length', 0xffff);
  const body = buildSerialFrameBody(packet, {
    ...(damage.lengthField === undefined ? {} : { lengthField: checkedSize(damage.lengthField, 'lengthField', 0xffff) }),
    ...(damage.crc === undefined ? {} : { crc: checkedSize(damage.crc, 'crc', 0xffff) }),
  });
  let pieces = linePieces(packet, body, damage, options);
  if (damage.splitMidGroup) pieces = splitMidGroup(pieces);
  if (damage.badBase64At !== undefined) {
    checkedSize(damage.badBase64At, 'badBase64At', pieces.join('').length - 1);
    pieces = replaceAt(pieces, damage.badBase64At);
  }
  if (damage.consoleTextInside !== undefined) pieces = insertText(pieces, damage.consoleTextInside);
  const firstMarker = damage.omitStartMarker ? new Uint8Array(0) : damage.continuationFirst ? SerialMarker.CONTINUATION : SerialMarker.START;
  return pieces.map((text, i) => serialLine(i === 0 ? firstMarker : SerialMarker.CONTINUATION, text));
}

/**
 * The bytes of a serial frame carrying `damage` (lines concatenated), for malformed traffic.
 * @see docs/spec/smp.md §6.3
 */
export function encodeSerialFrameUnchecked(packet: Uint8Array, damage: SerialFrameDamage, options: SerialFrameOptions = {}): Uint8Array {
  return concatBytes(...encodeSerialFrameLinesUnchecked(packet, damage, options));
}
