/**
 * Fault profiles of the serial receive path: each one breaks exactly one rule of the MCUmgr UART
 * transport (line limit, multi-line packets, console lines, `\r\n` endings, oversize packets,
 * silence on framing errors), so the serial-framing cases can prove they notice.
 * @see docs/spec/smp.md §4.2, §4.3, §6.3
 */
import { encodeCborIndefinite } from '../../codec/cbor/writer.ts';
import { MgmtErr, SmpOp } from '../../codec/smp/constants.ts';
import { encodeSmpHeader } from '../../codec/smp/header.ts';
import { SERIAL_MAX_LINE_BYTES, SerialMarker, type SerialFrameEvent } from '../../codec/smp/serial-framing.ts';
import { base64Pieces, buildSerialFrameBody, slicedLineSizes, serialLine, zephyrLineSizes } from '../../codec/smp/serial-lines.ts';
import { crc16Xmodem } from '../../codec/smp/crc16.ts';
import { encodeSerialFrameLinesUnchecked } from '../../codec/smp/serial-framing-unchecked.ts';
import { concatBytes } from '../../core/bytes.ts';
import type { ActiveFaults } from '../faults.ts';

/**
 * Receive limits of the endpoint's decoder under the active faults: a packet over the transport
 * MTU (or buf_size) is dropped without a word, as Zephyr's UART and shell transports do (§4.3).
 * `serial-mtu-overflow-processed` takes packets over the MTU (up to buf_size) and answers them cut
 * to the MTU.
 */
export function serialReceiveLimits(faults: ActiveFaults, bufSize: number, mtu = bufSize): { maxLineBytes: number; maxPacketBytes: number } {
  const limit = Math.min(bufSize, mtu);
  let maxPacketBytes = limit;
  if (faults.has('serial-oversize-accepted')) maxPacketBytes = bufSize * 4;
  else if (faults.has('serial-mtu-overflow-processed')) maxPacketBytes = bufSize;
  return { maxLineBytes: faults.has('serial-line-limit-126') ? SERIAL_MAX_LINE_BYTES - 1 : SERIAL_MAX_LINE_BYTES, maxPacketBytes };
}

/**
 * `serial-mtu-overflow-processed`: a packet over the MTU is cut to the MTU (the header's length
 * field rewritten to match), as a transport that keeps only what fits its frame buffer would; else as is.
 */
export function packetWithinMtu(faults: ActiveFaults, packet: Uint8Array, mtu: number | undefined): Uint8Array {
  if (!faults.has('serial-mtu-overflow-processed') || mtu === undefined || packet.length <= mtu) return packet;
  const cut = packet.slice(0, mtu);
  cut[2] = ((mtu - 8) >> 8) & 0xff;
  cut[3] = (mtu - 8) & 0xff;
  return cut;
}

/** What the endpoint does with one decoder event under the faults. */
export type SerialFaultAction = { kind: 'submit'; packet: Uint8Array } | { kind: 'answer'; packet: Uint8Array } | { kind: 'reset-decoder' } | { kind: 'none' };

/** Cut received bytes after each newline (the last piece may be a partial line). */
export function linePieces(chunk: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, at)) {
    pieces.push(chunk.subarray(at, nl + 1));
    at = nl + 1;
  }
  if (at < chunk.length) pieces.push(chunk.subarray(at));
  return pieces;
}

/** Tracks `\r\n` line endings for `serial-crlf-rejected` across received chunks. */
export class CrlfWatch {
  #lastByte = -1;
  #hasCrlf = false;

  /** Look at received bytes before they reach the decoder. */
  see(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === 0x0a && this.#lastByte === 0x0d) this.#hasCrlf = true;
      this.#lastByte = b;
    }
  }

  /** True (once) when a `\r\n` ending was seen since the last call. */
  take(): boolean {
    const had = this.#hasCrlf;
    this.#hasCrlf = false;
    return had;
  }
}

/** `{rc: 9}` under an all-zero header: what `serial-framing-errors-answered` sends for a framing error. */
function framingErrorAnswer(): Uint8Array {
  const payload = encodeCborIndefinite({ rc: MgmtErr.ECORRUPT });
  return concatBytes(encodeSmpHeader({ op: SmpOp.WRITE_RSP, version: 0, length: payload.length, group: 0, seq: 0, id: 0 }), payload);
}

/** Decide what to do with a decoder event; without faults every packet is submitted and nothing else happens. */
export function serialFaultAction(faults: ActiveFaults, event: SerialFrameEvent, crlf: CrlfWatch): SerialFaultAction {
  if (event.kind === 'packet') {
    const hadCrlf = crlf.take();
    if (faults.has('serial-multi-line-dropped') && event.lines > 1) return { kind: 'none' };
    if (faults.has('serial-crlf-rejected') && hadCrlf) return { kind: 'none' };
    return { kind: 'submit', packet: event.packet };
  }
  if (event.kind === 'console') return faults.has('serial-console-breaks-packet') ? { kind: 'reset-decoder' } : { kind: 'none' };
  return faults.has('serial-framing-errors-answered') ? { kind: 'answer', packet: framingErrorAnswer() } : { kind: 'none' };
}

/** Reply packet size that `serial-crc-missing-at-91` frames without its CRC (Zephyr issue #37893). */
const CRC_BUG_PACKET_BYTES = 91;

/**
 * `serial-crc-missing-at-91`: a reply of exactly 91 bytes goes out without its two CRC bytes (the
 * length field still counts them), as firmware did in 2021; `undefined` for every other reply.
 */
export function replyWithoutCrc(faults: ActiveFaults, packet: Uint8Array): Uint8Array | undefined {
  if (!faults.has('serial-crc-missing-at-91') || packet.length !== CRC_BUG_PACKET_BYTES) return undefined;
  const full = buildSerialFrameBody(packet);
  const body = full.subarray(0, full.length - 2);
  const lines = base64Pieces(body, slicedLineSizes(body.length)).map((text, i) => serialLine(i === 0 ? SerialMarker.START : SerialMarker.CONTINUATION, text));
  return concatBytes(...lines);
}

/**
 * `serial-long-reply-bad-crc` / `serial-long-reply-length-without-crc`: replies that need more
 * than one line carry a wrong CRC, or a length field without the CRC's 2 bytes (short replies
 * stay intact, so a session can still start); `undefined` when neither applies.
 */
export function damagedLongReply(faults: ActiveFaults, packet: Uint8Array): Uint8Array | undefined {
  if (zephyrLineSizes(packet.length).length < 2) return undefined;
  const options = { style: 'zephyr' as const };
  if (faults.has('serial-long-reply-bad-crc')) return concatBytes(...encodeSerialFrameLinesUnchecked(packet, { crc: crc16Xmodem(packet) ^ 0x5a5a }, options));
  if (faults.has('serial-long-reply-length-without-crc')) return concatBytes(...encodeSerialFrameLinesUnchecked(packet, { lengthField: packet.length }, options));
  return undefined;
}
