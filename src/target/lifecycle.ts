/**
 * Target lifecycle inside the conformance worker: open the link the target names, start a
 * simulator when none is running for it, and wait (bounded) until the device answers.
 *
 * Who owns the simulator: the `run` command starts it in the CLI process and hands the worker
 * its endpoint in `MGMT_TARGET.smp`, so the device lives outside the harness process (a worker
 * crash cannot take it down, and it is reached exactly as a board is). Only a direct vitest run
 * without a running simulator (`MGMT_TARGET` unset, or kind `sim` without `smp`) starts one in the
 * worker; it is stopped with the session.
 * @see /work/shared/DESIGN.md "Data flow", "Simulator"
 */
import type { ReceivedPacket, SmpClient } from '../client/smp-client.ts';
import { sleep, nowNs, elapsedMs } from '../core/clock.ts';
import type { Transport } from '../core/transport.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/index.ts';
import { ResponseTimeoutError, TransportError } from '../errors.ts';
import { formatConnectionString, parseConnectionString } from '../transport/connection-string.ts';
import { openTransport } from '../transport/open.ts';
import type { ResolvedTarget } from './target-env.ts';

/** An open link to a target, and how to release everything it took. */
export interface OpenedTarget {
  transport: Transport;
  /** `udp`, `serial` (a worker-started `udp6` simulator reports `udp`). */
  transportKind: string;
  /** Connection string actually used. */
  connection: string;
  /** Stops a worker-started simulator (no-op otherwise). Never throws. */
  stopSimulator(): Promise<void>;
}

/** Start a simulator in this process for a `sim` target without an endpoint; returns its connection string. */
async function startOwnSimulator(target: ResolvedTarget): Promise<{ connection: string; stop: () => Promise<void> }> {
  // Loaded only here: a board run never needs the simulator's code.
  const { startSimulator } = await import('../simulator/index.ts');
  const serial = target.transport === 'serial';
  const udp6 = target.transport === 'udp6';
  const sim = await startSimulator({
    udp: !serial && !udp6 ? { host: '127.0.0.1', port: 0 } : false,
    udp6: udp6 ? { host: '::1', port: 0 } : false,
    serial,
    faults: target.faults,
  });
  const stop = (): Promise<void> => sim.stop().catch(() => undefined);
  const endpoint = udp6 ? sim.udp6 : sim.udp;
  if (serial && sim.serialPath) return { connection: formatConnectionString({ scheme: 'serial', path: sim.serialPath, baudRate: 115_200, raw: false }), stop };
  if (!serial && endpoint) return { connection: formatConnectionString({ scheme: 'udp', host: endpoint.host, port: endpoint.port }), stop };
  await stop();
  throw new TransportError(`the simulator did not open a ${target.transport} endpoint`);
}

/** Open the target's link (starting a simulator first when the target needs one here). */
export async function openTarget(target: ResolvedTarget): Promise<OpenedTarget> {
  let stopSimulator = async (): Promise<void> => undefined;
  let connection = target.smp;
  if (connection === undefined) {
    if (target.kind !== 'sim') throw new TransportError(`target ${target.name} has no connection string`);
    const own = await startOwnSimulator(target);
    connection = own.connection;
    stopSimulator = own.stop;
  }
  const spec = parseConnectionString(connection);
  if (!spec.ok) {
    await stopSimulator();
    throw new TransportError(`target ${target.name}: ${spec.error}`);
  }
  try {
    const transport = await openTransport(spec.value);
    return { transport, transportKind: spec.value.scheme, connection, stopSimulator };
  } catch (e) {
    await stopSimulator();
    throw e;
  }
}

/** Open the link a connection string names again (after the device re-enumerated). */
export async function reopenLink(connection: string): Promise<Transport> {
  const spec = parseConnectionString(connection);
  if (!spec.ok) throw new TransportError(`${connection}: ${spec.error}`);
  return openTransport(spec.value);
}

/** How readiness was reached. */
export interface ReadyResult {
  waitedMs: number;
  /**
   * Set when packets came back but none answered the request (wrong seq, op, group or id): the
   * device is there but defective, which the cases must judge rather than call it unreachable.
   */
  mismatch?: string;
}

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
const DAMAGED_REPLY_EVENTS = new Set(['bad-crc', 'length-mismatch']);

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
