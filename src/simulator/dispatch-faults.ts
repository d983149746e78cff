/**
 * Fault profiles of the dispatcher's header and request-body rules, kept apart from the
 * conforming code path so each fault stays one visible decision: header bits and sequence
 * numbers in replies, odd ops and versions, unknown commands, short buffers, strict bodies,
 * repeated sequence numbers, several requests per buffer, a reply map with a duplicate key.
 * @see docs/spec/smp.md §1.3–1.7, §6.1, §6.2
 */
import { decodeCborTree } from '../codec/cbor/tree.ts';
import { CborWriter, encodeCborIndefinite } from '../codec/cbor/writer.ts';
import { concatBytes } from '../core/bytes.ts';
import { MgmtErr, MgmtGroup, SMP_HEADER_BYTES, SMP_UDP_MTU_BYTES, SmpOp } from '../codec/smp/constants.ts';
import { findCommand } from '../codec/smp/groups/index.ts';
import { OsCmd } from '../codec/smp/groups/os.ts';
import { encodeSmpHeader, type SmpHeader } from '../codec/smp/header.ts';
import type { SimDevice } from './device.ts';
import { okRsp, rcRsp, type CommandHandlers, type HandlerContext, type HandlerResult } from './types.ts';

type Handler = (device: SimDevice, ctx: HandlerContext) => HandlerResult;

/** The op used to find a handler: `undefined-op-accepted` dispatches ops 1, 3 and 4–7 as writes. */
export function lookupOp(device: SimDevice, op: number): number {
  if (op === SmpOp.READ || op === SmpOp.WRITE) return op;
  return device.faults.has('undefined-op-accepted') ? SmpOp.WRITE : op;
}

/** True when version bits 2/3 must be refused (not under `reserved-version-accepted`). */
export function refusesReservedVersion(device: SimDevice): boolean {
  return !device.faults.has('reserved-version-accepted');
}

/**
 * The handler for a command and op; `op-ignored-in-lookup` falls back to the other op's handler,
 * `unknown-command-ok` answers an empty map for a hole in a known group.
 */
export function pickHandler(device: SimDevice, command: CommandHandlers<SimDevice> | undefined, op: number): Handler | undefined {
  if (command === undefined || command.isPresent?.(device) === false) return device.faults.has('unknown-command-ok') ? () => okRsp({}) : undefined;
  const handler = op === SmpOp.READ ? command.read : command.write;
  if (handler !== undefined || !device.faults.has('op-ignored-in-lookup')) return handler;
  return command.read ?? command.write;
}

/** `rc 3` for bodies a faulty decoder refuses: indefinite-length maps, keys the command does not define. */
export function refusedBody(device: SimDevice, header: SmpHeader, payload: Uint8Array): HandlerResult | undefined {
  if (device.faults.has('reject-indefinite-maps') && payload[0] === 0xbf) return rcRsp(MgmtErr.EINVAL);
  if (!device.faults.has('strict-request-keys')) return undefined;
  const command = findCommand(header.group, header.id, header.op);
  const root = decodeCborTree(payload);
  if (command === undefined || !root.ok || root.value.kind !== 'map') return undefined;
  const known = new Set(Object.keys(command.requestSchema));
  const hasUnknown = root.value.entries.some((e) => e.key.kind !== 'tstr' || !known.has(e.key.value));
  return hasUnknown ? rcRsp(MgmtErr.EINVAL) : undefined;
}

/** Reply header fields the faults change: op of error replies, version, seq, flags and reserved bits. */
export function replyHeaderFaults(device: SimDevice, request: SmpHeader, isError: boolean, normal: { op: number; version: number; seq: number }): Partial<SmpHeader> {
  const f = device.faults;
  const out: Partial<SmpHeader> = { ...normal };
  if (isError && f.has('error-rsp-op-unchanged')) out.op = request.op;
  if (f.has('v1-reply-as-v2')) out.version = 1;
  if (f.has('seq-7-bit')) out.seq = normal.seq & 0x7f;
  if (f.has('header-bits-echoed')) {
    out.flags = request.flags;
    out.reserved = request.reserved;
  }
  return out;
}

/** `short-packet-answered`: a buffer of 0–7 bytes gets `{rc: 9}` under an all-zero header. */
export function shortBufferAnswer(device: SimDevice, buffer: Uint8Array): Uint8Array | undefined {
  if (buffer.length >= SMP_HEADER_BYTES || !device.faults.has('short-packet-answered')) return undefined;
  const payload = encodeCborIndefinite({ rc: MgmtErr.ECORRUPT });
  return concatBytes(encodeSmpHeader({ op: SmpOp.WRITE_RSP, version: 0, length: payload.length, group: 0, seq: 0, id: 0 }), payload);
}

/** True when processing must stop after the first request of a buffer (`single-request-per-packet`). */
export function stopsAfterFirst(device: SimDevice): boolean {
  return device.faults.has('single-request-per-packet');
}

/** `rx-buffer-off-by-one`: a request filling the receive buffer (min(UDP MTU, buf_size)) loses its last byte. */
export function receivedBuffer(device: SimDevice, buffer: Uint8Array): Uint8Array {
  const limit = Math.min(SMP_UDP_MTU_BYTES, device.options.bufSize);
  return device.faults.has('rx-buffer-off-by-one') && buffer.length >= limit ? buffer.subarray(0, limit - 1) : buffer;
}

const lastRequest = new WeakMap<SimDevice, { key: string; responses: Uint8Array[] }>();

/**
 * `replay-cache-by-seq`: a buffer whose first header repeats the previous one's group, id and
 * seq is not executed again; the previous responses are sent instead.
 */
export function replayedResponses(device: SimDevice, buffer: Uint8Array): Uint8Array[] | undefined {
  if (!device.faults.has('replay-cache-by-seq') || buffer.length < SMP_HEADER_BYTES) return undefined;
  const cached = lastRequest.get(device);
  return cached !== undefined && cached.key === requestKey(buffer) ? cached.responses : undefined;
}

/** Remember a buffer's responses for `replay-cache-by-seq`. */
export function rememberResponses(device: SimDevice, buffer: Uint8Array, responses: Uint8Array[]): void {
  if (device.faults.has('replay-cache-by-seq') && buffer.length >= SMP_HEADER_BYTES) lastRequest.set(device, { key: requestKey(buffer), responses });
}

function requestKey(buffer: Uint8Array): string {
  return `${(buffer[4]! << 8) | buffer[5]!}/${buffer[7]!}/${buffer[6]!}`;
}

/**
 * `echo-duplicate-key`: an echo of text with non-ASCII characters is answered
 * `{_ "r": <text with "?" for each non-ASCII character>, "r": <text>}`. A decoder that keeps
 * the last value of a key sees a correct echo; the map is not valid CBOR (RFC 8949 §5.6).
 */
export function duplicateKeyBody(device: SimDevice, request: SmpHeader, result: HandlerResult): Uint8Array | undefined {
  if (!device.faults.has('echo-duplicate-key') || result.kind !== 'ok') return undefined;
  if (request.group !== MgmtGroup.OS || request.id !== OsCmd.ECHO) return undefined;
  const r = result.body['r'];
  if (typeof r !== 'string' || !/[^\u0000-\u007f]/u.test(r)) return undefined;
  const ascii = r.replace(/[^\u0000-\u007f]/gu, '?');
  return new CborWriter().mapHeader('indefinite').text('r').text(ascii).text('r').text(r).break().toBytes();
}
