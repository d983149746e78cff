/**
 * Frames and reply checks shared by the header suites: echo and empty-map requests with any
 * header fields, several requests in one packet, and the "refused with rc 8" judgement.
 * @see docs/spec/smp.md §1.3–1.5, §6.1
 */
import { encodeCborDefinite } from '../../../src/codec/cbor/writer.ts';
import { MgmtErr } from '../../../src/codec/smp/constants.ts';
import { osCommands } from '../../../src/codec/smp/groups/index.ts';
import type { SmpHeader } from '../../../src/codec/smp/header.ts';
import * as u from '../../../src/codec/smp/unchecked.ts';
import type { CaseContext } from '../../../src/conformance/index.ts';
import { asReply, collectAnswers, exchange, headerOf } from './raw-replies.ts';

/** The one acceptable outcome of a request nothing handles. */
export const ENOTSUP = { rc: MgmtErr.ENOTSUP };

/** An echo request frame with header fields as given (seq from the client unless set). */
export function echoFrame(ctx: CaseContext, d: string, base: Partial<u.FrameBase> = {}): u.UncheckedFrame {
  return u.rawFrame({ ...u.frameBaseFor(osCommands.echo, base.seq ?? ctx.smp.nextSeq()), ...base }, encodeCborDefinite({ d }), `echo "${d}"`);
}

/** A request to `group`/`id` with `op` and an empty map, seq from the client. */
export function frameTo(ctx: CaseContext, group: number, id: number, op: number): u.UncheckedFrame {
  return u.rawFrame({ op, group, id, seq: ctx.smp.nextSeq() }, Uint8Array.of(0xa0), `group ${group} id ${id} op ${op}`);
}

/** Exchange `frame` and require `{"rc": 8}` with a conforming header. */
export async function expectNotSupported(ctx: CaseContext, frame: u.UncheckedFrame): Promise<void> {
  ctx.mark(frame.label);
  ctx.expect.mgmtErr(await exchange(ctx, frame.bytes), ENOTSUP);
}

/** Send one packet holding `frames` and return the replies in arrival order, judged against each frame. */
export async function repliesTo(ctx: CaseContext, frames: readonly u.UncheckedFrame[]): Promise<{ packets: Awaited<ReturnType<typeof collectAnswers>>; headers: SmpHeader[] }> {
  const headers = frames.map((f) => headerOf(f.bytes));
  const packets = await collectAnswers(ctx, u.concatenated(frames).bytes, headers);
  return { packets, headers };
}

/** Judge replies to concatenated echo frames: one per frame, in order, each echoing its own "d". */
export function expectEchoReplies(ctx: CaseContext, frames: readonly u.UncheckedFrame[], texts: readonly string[], got: Awaited<ReturnType<typeof repliesTo>>): void {
  const seqs = got.packets.map((p) => p.header?.seq);
  ctx.expect.that(got.packets.length === frames.length, { expected: `${frames.length} replies, seqs ${got.headers.map((h) => h.seq).join(', ')}`, actual: `${got.packets.length} replies, seqs ${seqs.join(', ')}` });
  got.packets.forEach((p, i) => {
    const frame = frames[i]!;
    ctx.expect.smpOk(asReply(p, frame.bytes, got.headers[i]!, osCommands.echo)).field('r').toBe(texts[i]!);
  });
}

/** `{"rc": 8}` with a conforming header, or no reply at all (a firmware with an SMP client). */
export async function refusedOrIgnored(ctx: CaseContext, frame: u.UncheckedFrame): Promise<void> {
  const request = headerOf(frame.bytes);
  const got = await collectAnswers(ctx, frame.bytes, [request]);
  const mine = got.filter((p) => p.header?.seq === request.seq);
  if (mine.length === 0) {
    ctx.expect.note(`${frame.label}: no reply (the firmware takes it for a response: CONFIG_SMP_CLIENT)`);
    return;
  }
  ctx.expect.that(mine.length === 1, { expected: 'one reply', actual: `${mine.length} replies` });
  ctx.expect.mgmtErr(asReply(mine[0]!, frame.bytes, request), ENOTSUP);
}

