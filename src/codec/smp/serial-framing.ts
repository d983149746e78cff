/**
 * SMP over a serial console: base64 lines with `06 09` / `04 14` markers, a 16-bit length and a
 * CRC-16/XMODEM. The encoder reproduces Zephyr's or the Python `smp` library's line splitting;
 * the decoder is incremental, survives any chunking, and reports every framing problem as a
 * typed event instead of throwing.
 * @see docs/spec/smp.md §4.2–4.4, §6.3
 */
import { concatBytes } from '../../core/bytes.ts';
import type { SerialFrameProblem } from '../../core/link-events.ts';
import { crc16Xmodem } from './crc16.ts';
import {
  base64Pieces,
  buildSerialFrameBody,
  decodeLineBase64,
  SERIAL_MAX_FRAMED_PACKET_BYTES,
  SERIAL_MAX_LINE_BYTES,
  SERIAL_NEWLINE,
  SerialMarker,
  serialLine,
  slicedLineSizes,
  zephyrLineSizes,
  type SerialFrameOptions,
} from './serial-lines.ts';

export { SERIAL_MAX_LINE_BYTES, SerialMarker, type SerialFrameOptions, type SerialLineStyle } from './serial-lines.ts';

/** Default bound on one reassembled SMP packet (CRC excluded). */
export const SERIAL_MAX_PACKET_BYTES = 8192;

/**
 * Frame one SMP packet as serial lines, each `06 09`|`04 14` ‖ base64 ‖ `0a` and at most
 * `maxLineBytes` long. Throws RangeError for a packet the 16-bit length cannot describe or a
 * line limit too small to carry whole base64 groups (caller errors, not hostile input).
 * @see docs/spec/smp.md §4.2
 */
export function encodeSerialFrameLines(packet: Uint8Array, options: SerialFrameOptions = {}): Uint8Array[] {
  const maxLineBytes = options.maxLineBytes ?? SERIAL_MAX_LINE_BYTES;
  if (packet.length > SERIAL_MAX_FRAMED_PACKET_BYTES) {
    throw new RangeError(`packet of ${packet.length} bytes does not fit the 16-bit serial length field`);
  }
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 7) throw new RangeError(`maxLineBytes ${maxLineBytes} is below 7`);
  const body = buildSerialFrameBody(packet);
  const sizes = options.style === 'sliced' ? slicedLineSizes(body.length, maxLineBytes) : zephyrLineSizes(packet.length, maxLineBytes);
  return base64Pieces(body, sizes).map((text, i) => serialLine(i === 0 ? SerialMarker.START : SerialMarker.CONTINUATION, text));
}

/**
 * Frame one SMP packet as the exact bytes to write to the serial port (lines concatenated).
 * @see docs/spec/smp.md §4.2
 */
export function encodeSerialFrames(packet: Uint8Array, options: SerialFrameOptions = {}): Uint8Array {
  return concatBytes(...encodeSerialFrameLines(packet, options));
}

// Kinds of framing problems the decoder reports (all silent on a Zephyr device): one list in core,
// shared with the transports that turn them into link events.
export { SERIAL_FRAME_PROBLEMS, isSerialFrameProblem, type SerialFrameProblem } from '../../core/link-events.ts';

/**
 * What the decoder saw: a complete packet (CRC checked and stripped), a console line that is
 * not SMP, or a framing problem (`bytes` holds the offending line or partial packet).
 * @see docs/spec/smp.md §4.2–4.3
 */
export type SerialFrameEvent =
  | { kind: 'packet'; packet: Uint8Array; lines: number }
  | { kind: 'console'; text: string; bytes: Uint8Array }
  | { kind: SerialFrameProblem; message: string; bytes?: Uint8Array };

/** A packet being reassembled from its lines. */
interface Assembly {
  /** P ‖ CRC, sized from the length field. */
  buffer: Uint8Array;
  received: number;
  lines: number;
}

function startsWith(line: Uint8Array, marker: Uint8Array): boolean {
  return line.length >= 2 && line[0] === marker[0] && line[1] === marker[1];
}

/**
 * Incremental receiver of serial SMP traffic with the UART transport's rules: a start line
 * discards any partial packet, an orphan continuation is ignored, console lines pass through
 * without breaking a packet, an over-long line is dropped whole. Never throws.
 * @see docs/spec/smp.md §4.2–4.3, §6.3
 */
export class SerialFrameDecoder {
  readonly #maxLineBytes: number;
  readonly #maxPacketBytes: number;
  readonly #line: Uint8Array;
  #lineLength = 0;
  #assembly: Assembly | undefined;

  constructor(options: { maxLineBytes?: number; maxPacketBytes?: number } = {}) {
    this.#maxLineBytes = Math.max(3, Math.floor(options.maxLineBytes ?? SERIAL_MAX_LINE_BYTES));
    this.#maxPacketBytes = Math.max(0, Math.floor(options.maxPacketBytes ?? SERIAL_MAX_PACKET_BYTES));
    this.#line = new Uint8Array(this.#maxLineBytes);
  }

  /** Feed received bytes; returns the events of every line completed by them. */
  push(chunk: Uint8Array): SerialFrameEvent[] {
    const events: SerialFrameEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      const newline = chunk.indexOf(SERIAL_NEWLINE, at);
      const end = newline === -1 ? chunk.length : newline;
      this.#store(chunk.subarray(at, end));
      if (newline === -1) break;
      this.#lineDone(events);
      at = newline + 1;
    }
    return events;
  }

  /** Forget any partial line and partial packet. */
  reset(): void {
    this.#lineLength = 0;
    this.#assembly = undefined;
  }

  /** Keep at most maxLineBytes of the line (its newline counts): longer lines are dropped anyway. */
  #store(part: Uint8Array): void {
    const room = this.#line.length - this.#lineLength;
    if (room > 0) this.#line.set(part.subarray(0, room), this.#lineLength);
    this.#lineLength += part.length;
  }

  #lineDone(events: SerialFrameEvent[]): void {
    const total = this.#lineLength + 1;
    this.#lineLength = 0;
    if (total > this.#maxLineBytes) {
      const kept = this.#line.slice(0, Math.min(this.#maxLineBytes, total - 1));
      events.push({ kind: 'line-too-long', message: `line of ${total} bytes exceeds ${this.#maxLineBytes}; dropped`, bytes: kept });
      return;
    }
    let line = this.#line.slice(0, total - 1);
    if (line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (startsWith(line, SerialMarker.START)) this.#startLine(line, events);
    else if (startsWith(line, SerialMarker.CONTINUATION)) this.#continuationLine(line, events);
    else events.push({ kind: 'console', text: Buffer.from(line).toString('utf8'), bytes: line });
  }

  #startLine(line: Uint8Array, events: SerialFrameEvent[]): void {
    const previous = this.#assembly;
    if (previous) {
      const partial = previous.buffer.slice(0, previous.received);
      events.push({ kind: 'restarted', message: `start line discarded a partial packet (${previous.received} of ${previous.buffer.length} bytes)`, bytes: partial });
      this.#assembly = undefined;
    }
    const decoded = decodeLineBase64(line.subarray(2));
    if (typeof decoded === 'string') {
      events.push({ kind: 'bad-base64', message: `start line: ${decoded}`, bytes: line });
      return;
    }
    if (decoded.length < 2) {
      events.push({ kind: 'too-short', message: `start line decodes to ${decoded.length} bytes; the length field needs 2`, bytes: line });
      return;
    }
    const length = (decoded[0]! << 8) | decoded[1]!;
    if (length < 2) {
      events.push({ kind: 'too-short', message: `length field ${length} cannot hold the 2-byte CRC`, bytes: line });
      return;
    }
    if (length - 2 > this.#maxPacketBytes) {
      events.push({ kind: 'length-mismatch', message: `length field ${length} exceeds the ${this.#maxPacketBytes}-byte packet limit`, bytes: line });
      return;
    }
    this.#assembly = { buffer: new Uint8Array(length), received: 0, lines: 1 };
    this.#append(decoded.subarray(2), line, events);
  }

  #continuationLine(line: Uint8Array, events: SerialFrameEvent[]): void {
    const assembly = this.#assembly;
    if (!assembly) {
      events.push({ kind: 'orphan-continuation', message: 'continuation line without a packet in progress; ignored', bytes: line });
      return;
    }
    const decoded = decodeLineBase64(line.subarray(2));
    if (typeof decoded === 'string') {
      this.#assembly = undefined;
      events.push({ kind: 'bad-base64', message: `continuation line ${assembly.lines + 1}: ${decoded}; packet discarded`, bytes: line });
      return;
    }
    assembly.lines++;
    this.#append(decoded, line, events);
  }

  #append(data: Uint8Array, line: Uint8Array, events: SerialFrameEvent[]): void {
    const assembly = this.#assembly!;
    const expected = assembly.buffer.length;
    if (assembly.received + data.length > expected) {
      this.#assembly = undefined;
      const got = assembly.received + data.length;
      events.push({ kind: 'length-mismatch', message: `received ${got} bytes but the length field says ${expected}; packet discarded`, bytes: line });
      return;
    }
    assembly.buffer.set(data, assembly.received);
    assembly.received += data.length;
    if (assembly.received < expected) return;
    this.#assembly = undefined;
    if (crc16Xmodem(assembly.buffer) !== 0) {
      const sent = ((assembly.buffer[expected - 2]! << 8) | assembly.buffer[expected - 1]!).toString(16).padStart(4, '0');
      const actual = crc16Xmodem(assembly.buffer.subarray(0, expected - 2)).toString(16).padStart(4, '0');
      events.push({ kind: 'bad-crc', message: `CRC 0x${sent} does not match 0x${actual}; packet discarded`, bytes: assembly.buffer });
      return;
    }
    events.push({ kind: 'packet', packet: assembly.buffer.slice(0, expected - 2), lines: assembly.lines });
  }
}
