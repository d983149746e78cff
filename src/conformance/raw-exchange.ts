/**
 * Raw exchanges for malformed-traffic cases: send bytes exactly as built (wrong length field,
 * odd op, broken CBOR) and get the answer in the same `SmpReply` shape a typed request gives,
 * so `expect.mgmtErr` / `expect.smpOk` judge both alike.
 * @see docs/spec/smp.md §1.5, §6.1
 */
import type { ReceivedPacket, SmpClient, SmpReply } from '../client/smp-client.ts';
import { elapsedMs, nowNs } from '../core/clock.ts';
import type { SmpCommand } from '../codec/smp/command.ts';
import { decodeSmpHeader, type SmpHeader } from '../codec/smp/header.ts';
import { CaseBrokenError } from './errors.ts';

/** Options of a raw exchange. */
export interface RawExchangeOptions<Rsp> {
  timeoutMs?: number;
  /** Bytes exactly as given (no transport framing) when false; default true (framed). */
  framed?: boolean;
  /** Type a success reply with this command's response checker. */
  command?: SmpCommand<unknown, Rsp>;
  /** Match the reply on these instead of the request header's group/id/seq. */
  match?: { group: number; id: number; seq: number };
}

/** A received packet as an `SmpReply` to `request` (header fields as sent, even when they lie). */
export function replyFromPacket<Rsp>(packet: ReceivedPacket, request: Uint8Array, requestHeader: SmpHeader, sentAtNs: bigint, command?: SmpCommand<unknown, Rsp>): SmpReply<Rsp> {
  if (!packet.header || !packet.body) throw new CaseBrokenError(`reply of ${packet.bytes.length} bytes has no SMP header`);
  const body = packet.body;
  return {
    requestHeader,
    requestBytes: request,
    header: packet.header,
    payload: packet.bytes.subarray(8),
    body,
    decoded: body.kind === 'ok' && command ? command.decodeResponse(body.rsp) : undefined,
    sentAtNs,
    receivedAtNs: packet.atNs,
    rttMs: elapsedMs(sentAtNs, packet.atNs),
  };
}

/**
 * Send `bytes` (which start with an SMP header) and wait for the packet answering its group, id
 * and seq. Rejects with `ResponseTimeoutError` when none comes (a device defect where an answer
 * is required; use `expect.silence` where silence is allowed).
 */
export async function exchangeRaw<Rsp = unknown>(smp: SmpClient, bytes: Uint8Array, options: RawExchangeOptions<Rsp> = {}): Promise<SmpReply<Rsp>> {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) throw new CaseBrokenError(`raw request of ${bytes.length} bytes has no SMP header to match a reply on; use smp.sendRaw with expect.silence`);
  const match = options.match ?? { group: h.value.group, id: h.value.id, seq: h.value.seq };
  const sentAtNs = nowNs();
  const packet = await smp.exchangeRaw(bytes, {
    match,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.framed === undefined ? {} : { framed: options.framed }),
  });
  return replyFromPacket(packet, bytes, h.value, sentAtNs, options.command);
}
