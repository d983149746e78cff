/**
 * Shared helpers of the header, CBOR-body, serial-framing, buffer and property suites: collecting
 * every reply a raw packet draws, exchanging bytes written exactly as given (serial lines), and
 * reading what the link reported while a case ran.
 * @see docs/spec/smp.md §1.5, §4.2, §6.1, §6.3
 */
import { decodeSmpHeader, type SmpHeader } from '../../../src/codec/smp/header.ts';
import type { SmpCommand } from '../../../src/codec/smp/command.ts';
import { isSerialFrameProblem } from '../../../src/codec/smp/serial-framing.ts';
import { replyFromPacket, type CaseContext } from '../../../src/conformance/index.ts';

/** A received packet as the SMP client reports it. */
export type Packet = Awaited<ReturnType<CaseContext['smp']['collect']>>[number];

/** How long to wait for every answer to one packet: the session's silence window, at least 300 ms. */
export function answerWindowMs(ctx: CaseContext): number {
  return Math.max(300, ctx.session.timeouts.silenceMs);
}

/** The header at the start of `bytes` (a harness bug when there is none). */
export function headerOf(bytes: Uint8Array): SmpHeader {
  const h = decodeSmpHeader(bytes);
  if (!h.ok) throw new Error(`test data has no SMP header (${bytes.length} bytes)`);
  return h.value;
}

/** Send `bytes` and collect, for the answer window, every packet answering one of `requests` (group and id). */
export async function collectAnswers(ctx: CaseContext, bytes: Uint8Array, requests: readonly SmpHeader[], options: { framed?: boolean } = {}): Promise<Packet[]> {
  const wanted = (p: Packet): boolean => p.header !== undefined && requests.some((r) => r.group === p.header!.group && r.id === p.header!.id);
  const collecting = ctx.smp.collect({ waitMs: answerWindowMs(ctx), match: wanted });
  await ctx.smp.sendRaw(bytes, options.framed === false ? { framed: false } : {});
  return collecting;
}

/** A collected packet judged as the reply to `request` (verifiers then check its shape and body). */
export function asReply<Rsp = unknown>(packet: Packet, requestBytes: Uint8Array, request: SmpHeader, command?: SmpCommand<unknown, Rsp>): ReturnType<typeof replyFromPacket<Rsp>> {
  return replyFromPacket(packet, requestBytes, request, packet.atNs, command);
}

/** A position in the session trace, for `framingProblemsSince` and `packetsSince`. */
export function traceMark(ctx: CaseContext): number {
  return ctx.session.trace.mark();
}

/** Framing problems the link reported since `mark`, as `kind: message` lines. */
export function framingProblemsSince(ctx: CaseContext, mark: number): string[] {
  return ctx.session.trace
    .since(mark)
    .filter((e) => e.direction === 'event' && isSerialFrameProblem(e.note))
    .map((e) => `${e.note ?? ''}: ${typeof e.decoded === 'string' ? e.decoded : JSON.stringify(e.decoded ?? '')}`);
}

/** Every packet received since `mark`, in arrival order. */
export function packetsSince(ctx: CaseContext, mark: number): Uint8Array[] {
  return ctx.session.trace
    .since(mark)
    .filter((e) => e.direction === 'in')
    .map((e) => Uint8Array.from(Buffer.from(e.hex, 'hex')));
}

/** True for the client's "no response" error (matched by name: the session may load its own copy of the class). */
export function isResponseTimeout(e: unknown): e is Error & { timeoutMs?: number } {
  return e instanceof Error && e.name === 'ResponseTimeoutError';
}

/** Run `step`, turning a missing reply into a failed check of the case (a required answer never came). */
export async function answered<T>(ctx: CaseContext, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (!isResponseTimeout(e)) throw e;
    ctx.expect.that(false, { check: 'reply', expected: `an answer to ${what}`, actual: e.message });
    throw e;
  }
}

/** `ctx.exchange` whose missing reply fails the case instead of breaking it. */
export function exchange<Rsp = unknown>(ctx: CaseContext, bytes: Uint8Array, options: Parameters<CaseContext['exchange']>[1] & { command?: SmpCommand<unknown, Rsp> } = {}): Promise<ReturnType<typeof replyFromPacket<Rsp>>> {
  return answered(ctx, `${bytes.length} request bytes`, () => ctx.exchange<Rsp>(bytes, options));
}

/** `ctx.expect.alive()` whose missing answer fails the case instead of breaking it. */
export async function stillAlive(ctx: CaseContext): Promise<void> {
  await answered(ctx, 'the liveness check after the case', () => ctx.expect.alive());
}

/**
 * Pause between serial lines written by hand. Zephyr's UART transport has few line buffers (two
 * in the capture's build) and dropped a three-line burst written to its pty at once; a real UART
 * paces lines by itself (about 11 ms per 127-byte line at 115200 baud).
 */
export const SERIAL_LINE_GAP_MS = 20;

/** Write `pieces` exactly as given, one by one, pausing after each one that ends a line. */
export async function writeLines(ctx: CaseContext, pieces: readonly Uint8Array[], options: { afterLine?: boolean } = {}): Promise<void> {
  let isAfterLine = options.afterLine === true;
  for (const piece of pieces) {
    if (isAfterLine) await new Promise((r) => setTimeout(r, SERIAL_LINE_GAP_MS));
    await ctx.smp.sendRaw(piece, { framed: false });
    isAfterLine = piece[piece.length - 1] === 0x0a;
  }
}

/** Write the serial `lines` carrying `packet` (paced) and wait for its answer; rejects with the client's timeout. */
export async function exchangeLines<Rsp = unknown>(ctx: CaseContext, packet: Uint8Array, lines: readonly Uint8Array[], command?: SmpCommand<unknown, Rsp>): Promise<ReturnType<typeof replyFromPacket<Rsp>>> {
  const request = headerOf(packet);
  const first = lines[0] ?? new Uint8Array(0);
  const waiting = ctx.smp.exchangeRaw(first, { match: { group: request.group, id: request.id, seq: request.seq }, framed: false });
  // Settled later; a rejection while the other lines are written must not count as unhandled.
  waiting.catch(() => undefined);
  await writeLines(ctx, lines.slice(1), { afterLine: first[first.length - 1] === 0x0a });
  const got = await waiting;
  return replyFromPacket(got, packet, request, got.atNs, command);
}
