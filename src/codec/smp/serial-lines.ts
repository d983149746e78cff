/**
 * Building blocks of SMP serial framing shared by the checked encoder, the decoder and the
 * unchecked (malformed-traffic) builder: markers, the length/CRC body, line splitting, and a
 * strict per-line base64 check.
 * @see docs/spec/smp.md §4.2
 */
import { crc16Xmodem } from './crc16.ts';

/** First two bytes of an SMP line: start of packet, continuation. */
export const SerialMarker = {
  START: Uint8Array.of(0x06, 0x09),
  CONTINUATION: Uint8Array.of(0x04, 0x14),
} as const;

/** Line terminator. */
export const SERIAL_NEWLINE = 0x0a;

/** Zephyr's frame limit: 127 bytes including the marker and the newline (124 base64 chars). */
export const SERIAL_MAX_LINE_BYTES = 127;

/** Largest packet the length field can describe (16-bit L counts P plus the 2-byte CRC). */
export const SERIAL_MAX_FRAMED_PACKET_BYTES = 0xffff - 2;

/** How a sender cuts the base64 text into lines. */
export type SerialLineStyle = 'zephyr' | 'sliced';

/** Options of the serial encoders. */
export interface SerialFrameOptions {
  /** Longest line in bytes, marker and newline included (default 127). */
  maxLineBytes?: number;
  /** `zephyr`: Zephyr's own splitting; `sliced`: base64 once, cut in multiples of 4 chars. */
  style?: SerialLineStyle;
}

/**
 * B = BE16(L) ‖ P ‖ BE16(CRC), L = len(P) + 2 and CRC = CRC-16/XMODEM(P) unless overridden
 * (overrides exist for malformed traffic; values are masked to 16 bits).
 * @see docs/spec/smp.md §4.2
 */
export function buildSerialFrameBody(packet: Uint8Array, override: { lengthField?: number; crc?: number } = {}): Uint8Array {
  const length = (override.lengthField ?? packet.length + 2) & 0xffff;
  const crc = (override.crc ?? crc16Xmodem(packet)) & 0xffff;
  const body = new Uint8Array(packet.length + 4);
  body[0] = length >> 8;
  body[1] = length & 0xff;
  body.set(packet, 2);
  body[packet.length + 2] = crc >> 8;
  body[packet.length + 3] = crc & 0xff;
  return body;
}

/** Whole base64 groups that fit a line of `maxLineBytes` (marker and newline take 3 bytes). */
export function groupsPerLine(maxLineBytes: number): number {
  return Math.floor((maxLineBytes - 3) / 4);
}

/**
 * Bytes of B carried by each line when Zephyr's `mcumgr_serial_tx_pkt` sends a packet of
 * `packetBytes`: L and P[0] share the first group, then whole 3-byte groups; the 2-byte CRC is
 * never split, so when it would not fit one data byte moves to the next line. The first line's
 * group allowance is consumed for good, so continuation lines carry 3 bytes fewer (90 at 127).
 * An empty packet, which Zephyr never sends, gets one line.
 * @see docs/spec/smp.md §4.2
 */
export function zephyrLineSizes(packetBytes: number, maxLineBytes = SERIAL_MAX_LINE_BYTES): number[] {
  if (groupsPerLine(maxLineBytes) < 3) throw new RangeError(`zephyr-style lines need maxLineBytes >= 15, got ${maxLineBytes}`);
  if (packetBytes === 0) return [4];
  let maxInput = groupsPerLine(maxLineBytes) * 3 - 3;
  let sent = 1;
  const sizes: number[] = [];
  let lineBytes = 3;
  for (;;) {
    const left = packetBytes - sent;
    const slack = maxInput - left;
    const isLast = slack >= 2;
    const take = isLast ? left : Math.min(maxInput, left) - (slack >= 0 ? 1 : 0);
    const whole = take - (take % 3);
    lineBytes += whole;
    sent += whole;
    if (isLast) {
      sizes.push(lineBytes + (packetBytes - sent) + 2);
      return sizes;
    }
    sizes.push(lineBytes);
    lineBytes = 0;
  }
}

/** Bytes of B per line when the whole base64 text is cut into pieces of whole groups. */
export function slicedLineSizes(bodyBytes: number, maxLineBytes = SERIAL_MAX_LINE_BYTES): number[] {
  const perLine = groupsPerLine(maxLineBytes) * 3;
  const sizes: number[] = [];
  for (let left = bodyBytes; left > 0; left -= perLine) sizes.push(Math.min(perLine, left));
  return sizes;
}

/** Base64 text of each slice of `body` cut by `sizes`. */
export function base64Pieces(body: Uint8Array, sizes: readonly number[]): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (const size of sizes) {
    pieces.push(Buffer.from(body.buffer, body.byteOffset + at, size).toString('base64'));
    at += size;
  }
  return pieces;
}

/** One line: marker (may be empty) ‖ ASCII/UTF-8 text ‖ 0a. */
export function serialLine(marker: Uint8Array, text: string): Uint8Array {
  const textBytes = Buffer.from(text, 'utf8');
  const line = new Uint8Array(marker.length + textBytes.length + 1);
  line.set(marker, 0);
  line.set(textBytes, marker.length);
  line[line.length - 1] = SERIAL_NEWLINE;
  return line;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const IS_BASE64 = new Uint8Array(256);
for (const ch of BASE64_ALPHABET) IS_BASE64[ch.charCodeAt(0)] = 1;
const EQUALS = 0x3d;

/**
 * Strictly decode one line's base64 text: whole 4-char groups, standard alphabet, at most two
 * `=` and only at the end. Returns the bytes, or a reason string.
 * @see docs/spec/smp.md §4.2, §6.3 item 28
 */
export function decodeLineBase64(text: Uint8Array): Uint8Array | string {
  if (text.length % 4 !== 0) return `base64 text of ${text.length} chars is not whole 4-char groups`;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === EQUALS) {
      padding++;
      continue;
    }
    if (IS_BASE64[c] !== 1) return `byte 0x${c.toString(16).padStart(2, '0')} at text offset ${i} is not base64`;
    if (padding > 0) return `data after '=' at text offset ${i}`;
  }
  if (padding > 2) return `${padding} '=' padding characters`;
  const decoded = Buffer.from(Buffer.from(text.buffer, text.byteOffset, text.length).toString('latin1'), 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}
