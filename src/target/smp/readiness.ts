/**
 * SMP readiness: the device answers MCUmgr params (any SMP reply, even an error, means its SMP
 * server runs), retried until a deadline; packets that answer something else, or only damaged
 * frames, mean a device that is there but defective.
 * @see docs/spec/smp.md §3.1.6
 */
import type { SerialFrameProblem } from '../../core/link-events.ts';
import type { ReceivedPacket, SmpClient } from '../../client/smp-client.ts';
import { smpRequest } from '../../codec/smp/command.ts';
import { osCommands } from '../../codec/smp/groups/index.ts';
import { elapsedMs, nowNs, sleep } from '../../core/clock.ts';
import { ResponseTimeoutError, TransportError } from '../../errors.ts';
import type { ReadyResult } from '../protocol-driver.ts';

function describeMismatch(p: ReceivedPacket, seq: number): string {
  const h = p.header;
  if (!h) return `a ${p.bytes.length}-byte packet without an SMP header`;
  return `a packet with op ${h.op}, group ${h.group}, id ${h.id}, seq ${h.seq} answering MCUmgr params (op 0, group 0, id 6, seq ${seq})`;
}

/** One attempt: a matching reply, a non-matching packet, or nothing. */
async function attempt(client: SmpClient, attemptMs: number): Promise<{ isAnswered: boolean; mismatch?: string }> {
  const seq = client.nextSeq();
  const others = client.collect({ waitMs: attemptMs, match: (p) => !(p.header?.group === 0 && p.header.id === 6 && p.header.seq === seq && p.header.op === 1) });
  try {
    await client.request(smpRequest(osCommands.mcumgrParams, {}), { timeoutMs: attemptMs, seq });
    return { isAnswered: true };
  } catch (e) {
    if (!(e instanceof ResponseTimeoutError)) throw e;
    const first = (await others)[0];
    return first ? { isAnswered: true, mismatch: describeMismatch(first, seq) } : { isAnswered: false };
  }
}

/** Link events saying a reply arrived but its frame was damaged (serial CRC or length field). */
const DAMAGED_REPLY_EVENTS: ReadonlySet<string> = new Set<SerialFrameProblem>(['bad-crc', 'length-mismatch']);

/** The first damaged-reply event the link reported since `mark`, as `kind: message`. */
function damagedReplySince(client: SmpClient, mark: number): string | undefined {
  const e = client.trace.since(mark).find((x) => x.direction === 'event' && x.note !== undefined && DAMAGED_REPLY_EVENTS.has(x.note));
  return e ? `${e.note ?? ''}: ${typeof e.decoded === 'string' ? e.decoded : JSON.stringify(e.decoded ?? '')}` : undefined;
}

/**
 * Wait until the device answers (any SMP reply to MCUmgr params, even an error, means its SMP
 * server runs; packets that do not match the request count too, flagged as a mismatch), for at
 * most `readyTimeoutMs`. A device that only ever sent damaged frames (every reply with a bad CRC
 * or length field) is there but defective: flagged as a mismatch at the deadline, so the cases
 * judge it. Throws a `TransportError` naming the endpoint when nothing came at all.
 */
export async function waitUntilReady(client: SmpClient, options: { readyTimeoutMs: number; attemptMs?: number }): Promise<ReadyResult> {
  const startNs = nowNs();
  const mark = client.trace.mark();
  const attemptMs = Math.min(options.attemptMs ?? 1000, options.readyTimeoutMs);
  let attempts = 0;
  for (;;) {
    attempts++;
    const got = await attempt(client, attemptMs);
    if (got.isAnswered) return got.mismatch === undefined ? { waitedMs: elapsedMs(startNs) } : { waitedMs: elapsedMs(startNs), mismatch: got.mismatch };
    const left = options.readyTimeoutMs - elapsedMs(startNs);
    if (left <= 0) {
      // Waiting out the whole window first: one damaged frame among good ones is a line glitch, not a verdict.
      const damaged = damagedReplySince(client, mark);
      if (damaged !== undefined) return { waitedMs: elapsedMs(startNs), mismatch: `only damaged frames (${damaged})` };
      throw new TransportError(`no answer from ${client.endpoint} within ${options.readyTimeoutMs} ms (${attempts} attempts): is the device running and reachable?`);
    }
    await sleep(Math.min(100, left));
  }
}
