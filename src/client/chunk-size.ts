/**
 * Exact chunk sizing for image upload: the largest `data` that makes a whole request (8-byte
 * header + CBOR map) fit the device's SMP buffer and the transport's packet limit, computed from
 * the encoded size of the request's other fields (the `off` integer widens as the upload goes on).
 * @see docs/spec/smp.md §3.2.3 "Chunk sizing", §4.1, §4.2, §4.7
 */
import { encodeCbor } from '../codec/cbor/cbor.ts';
import { SMP_HEADER_BYTES, SMP_UDP_MTU_BYTES } from '../codec/smp/constants.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { imgCommands, type ImageUploadReq } from '../codec/smp/groups/img.ts';
import { encodeSerialFrameLines } from '../codec/smp/serial-framing.ts';

/** Bytes of a serial frame body that share the device's SMP buffer with the packet: 2-byte length + 2-byte CRC. */
export const SERIAL_BUFFER_OVERHEAD_BYTES = 4;

/** What limits one request on a link. */
export interface LinkLimits {
  /** `udp`, `serial`, `memory`, … */
  kind: string;
  /** The transport's own packet limit (UDP: Zephyr's 1500-byte receive buffer). */
  maxPacketBytes?: number | undefined;
  /** `buf_size` from MCUmgr params (one SMP buffer, header included). */
  bufSize?: number | undefined;
}

/**
 * Largest SMP packet (header + CBOR) a request may be on this link: the device buffer (minus the
 * serial length field and CRC, which live in the same buffer) and the transport's limit.
 * @see docs/spec/smp.md §4.1, §4.7
 */
export function maxRequestBytes(link: LinkLimits): number {
  const limits: number[] = [];
  if (link.bufSize !== undefined) limits.push(link.kind === 'serial' ? link.bufSize - SERIAL_BUFFER_OVERHEAD_BYTES : link.bufSize);
  if (link.maxPacketBytes !== undefined) limits.push(link.maxPacketBytes);
  else if (link.kind === 'udp') limits.push(SMP_UDP_MTU_BYTES);
  return limits.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...limits);
}

/** Width of a CBOR head for a byte string of `n` bytes (RFC 8949 §3). */
export function cborHeadBytes(n: number): number {
  if (n < 24) return 1;
  if (n < 0x100) return 2;
  if (n < 0x10000) return 3;
  if (n < 0x100000000) return 5;
  return 9;
}

/** Largest data length for each CBOR head width. */
const HEAD_CAPS: readonly [number, number][] = [[1, 23], [2, 0xff], [3, 0xffff], [5, 0xffffffff]];

/** Size of the whole request packet carrying `req` (header + CBOR body). */
export function uploadRequestBytes(req: ImageUploadReq): number {
  return SMP_HEADER_BYTES + encodeCbor(smpRequest(imgCommands.upload, req).body).length;
}

/**
 * Largest `data` length for a chunk whose other fields are `fields` such that the request is at
 * most `limitBytes`; 0 when not even an empty chunk fits. Exact: the request with that many data
 * bytes is `limitBytes` long whenever a CBOR head width allows it.
 */
export function maxChunkData(fields: Omit<ImageUploadReq, 'data'>, limitBytes: number): number {
  const empty = uploadRequestBytes({ ...fields, data: new Uint8Array(0) });
  // The empty request's byte string head is 1 byte; a longer head replaces it.
  const room = limitBytes - empty + 1;
  let best = 0;
  for (const [head, cap] of HEAD_CAPS) {
    const n = Math.min(room - head, cap);
    if (n > best && cborHeadBytes(n) === head) best = n;
  }
  return best;
}

/**
 * Bytes a packet takes on a serial line once framed (base64, markers, newlines, length, CRC).
 * @see docs/spec/smp.md §4.2
 */
export function serialFramedBytes(packetBytes: number, style: 'zephyr' | 'sliced' = 'sliced'): number {
  return encodeSerialFrameLines(new Uint8Array(packetBytes), { style }).reduce((sum, line) => sum + line.length, 0);
}
