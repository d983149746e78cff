/**
 * LwM2M at scale: one harness process serves as LwM2M server to N simulated clients (default
 * 1 000) that run in a process of their own (`sim --lwm2m URI --clients N`, one UDP socket per
 * client, start-ups spread over 2 ms per client), as real devices would. Each client gets pmax
 * (default 5 s) on /3/0/13 (Current Time) and is observed once (observes paced over one pmax
 * period), so about N / pmax notifications a second arrive; under that load every client is read
 * once (/3/0/9). Response times are the server's view (request sent → response received), with
 * `concurrency` requests outstanding at a time; registration is timed from the Register's
 * arrival to its 2.01. Reports p50/p95/max, notifications per second, the server's event-loop
 * delay, and peak RSS and CPU time of the server process and of the clients process apart,
 * all unrounded.
 */
import { readFile, readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Lwm2mServer } from '../src/client/lwm2m-server.ts';
import type { Lwm2mObservation } from '../src/client/lwm2m-server.ts';
import { uriPath } from '../src/codec/coap/access.ts';
import { fromHex } from '../src/core/bytes.ts';
import { elapsedMs } from '../src/core/clock.ts';
import { formatPeer } from '../src/transport/udp-listener.ts';
import { isMainModule } from './is-main.ts';
import { processFigures, resetPeakRss, startClientsProcess, type ProcessFigures } from './lwm2m-clients-process.ts';
import type { LatencyFigures } from './lwm2m.ts';

/** Response-time goal for reads and observes under the load (p95 ≤ 50 ms). */
export const SCALE_P95_GOAL_MS = 50;

/** Figures of the scale bench (times in ms, sizes in bytes, all unrounded). */
export interface Lwm2mScaleFigures {
  clients: number;
  registered: number;
  /** Load average (1, 5, 15 min) at the start and the end: the machine is shared. */
  loadAverage: { start: number[]; end: number[] };
  /** Register received → 2.01 sent (its ACK in the trace), as the server sees it; `wallMs` from starting the clients process to the last 2.01. */
  registration: LatencyFigures & { count: number; wallMs: number; firstToLastMs: number; perSec: number };
  observe: { count: number; ok: number; concurrency: number; latency: LatencyFigures };
  reads: { count: number; ok: number; concurrency: number; latency: LatencyFigures };
  notifications: { pmaxS: number; received: number; windowMs: number; perSec: number; observationsActive: number };
  /** UDP datagrams the kernel dropped for full receive buffers during the run (Linux /proc/net/snmp, machine-wide), when readable. */
  udpReceiveBufferDrops: number | undefined;
  /** The harness process (the LwM2M server); its peak RSS counts from the start of this bench when `peakRssReset`. */
  /** `eventLoopDelay`: how late the server's timers ran (ms beyond a 10 ms interval) from the clients' start to the end of the load. */
  server: ProcessFigures & {
    /** CPU time of the registrations (from the clients' start), of the write-attributes + observe phase, and of the reads with notifications flowing. */
    cpuByPhaseMs: { registration: number; observe: number; readsAndNotifications: number };
    heap: { usedBytes: number; totalBytes: number; externalBytes: number; arrayBuffersBytes: number };
    peakRssReset: boolean;
    /** RSS when the bench started (modules loaded, nothing served yet): the peak minus this is what serving the clients took. */
    rssAtStartBytes: number; rssUnderLoadBytes: number; openFdsUnderLoad: number | undefined; eventLoopDelay: LatencyFigures };
  /** The clients process (`sim --clients N`), read just before it is stopped. */
  clientsProcess: ProcessFigures | undefined;
  goal: { p95Ms: number; observeMet: boolean; readMet: boolean };
}

function latency(valuesMs: readonly number[]): LatencyFigures {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** The kernel's count of UDP datagrams dropped for a full receive buffer (Linux only). */
async function udpReceiveBufferErrors(): Promise<number | undefined> {
  try {
    const lines = (await readFile('/proc/net/snmp', 'utf8')).split('\n').filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.split(/\s+/));
    const i = names?.indexOf('RcvbufErrors') ?? -1;
    return i > 0 ? Number(values?.[i]) : undefined;
  } catch {
    return undefined;
  }
}

/** Run `work` on every item, at most `concurrency` at a time; counts successes. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<boolean>): Promise<number> {
  let ok = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      if (await work(item).catch(() => false)) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return ok;
}

/** Time of one request as the server sees it (request sent → response received), ms. */
async function timed<T>(times: number[], request: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await request();
  times.push(performance.now() - t);
  return result;
}

/**
 * Write pmax on /3/0/13 and observe it on every endpoint, paced evenly over one pmax period so
 * the notifications that follow arrive at an even rate; only the Observe exchanges are timed.
 */
async function observeAll(server: Lwm2mServer, endpoints: readonly string[], concurrency: number, pmaxS: number) {
  const observations: Lwm2mObservation[] = [];
  const times: number[] = [];
  const started = performance.now();
  const paceMs = (pmaxS * 1000) / endpoints.length;
  let index = 0;
  const ok = await pool(endpoints, concurrency, async (ep) => {
    const due = started + index++ * paceMs - performance.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    const attrs = await server.writeAttributes(ep, '/3/0/13', [`pmax=${pmaxS}`]);
    const o = await timed(times, () => server.observe(ep, '/3/0/13'));
    observations.push(o);
    return attrs.code === '2.04' && o.isActive;
  });
  return { ok, times, observations };
}

/** Read /3/0/9 once on every endpoint while notifications flow; the window lasts at least `windowMs`. */
async function readUnderLoad(server: Lwm2mServer, endpoints: readonly string[], concurrency: number, windowMs: number, notifications: () => number) {
  const before = notifications();
  const started = performance.now();
  const times: number[] = [];
  const ok = await pool(endpoints, concurrency, async (ep) => (await timed(times, () => server.read(ep, '/3/0/9', { accept: 0 }))).code === '2.05');
  const rest = windowMs - (performance.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const elapsed = performance.now() - started;
  const openFds = await readdir('/proc/self/fd').then((names) => names.length, () => undefined);
  return { ok, times, received: notifications() - before, windowMs: elapsed, rssBytes: process.memoryUsage().rss, openFds };
}

/** Receive buffer of the server socket: 4 MiB (Linux's default rmem_max) holds a burst of a few thousand datagrams. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Sampling interval of the event-loop delay monitor, ms. */
const LOOP_RESOLUTION_MS = 10;

/**
 * Registration times as the server sees them: a Register's arrival to the 2.01 leaving (the
 * ACK to the same peer and message ID in the trace), so the figure does not include the
 * deferred delivery of server events. `doneAtMs` holds when each `registered` event arrived.
 */
function trackRegistrations(server: Lwm2mServer) {
  const arrived = new Map<string, bigint>();
  const doneAtMs: number[] = [];
  const mark = server.trace.mark();
  server.coap.onIncoming((m) => {
    if (m.message?.code === '0.02' && !m.duplicate && uriPath(m.message)[0] === server.registry.rdPath && uriPath(m.message).length === 1) {
      arrived.set(`${formatPeer(m.peer)}|${m.message.messageId}`, m.atNs);
    }
  });
  server.onEvent((e) => { if (e.kind === 'registered') doneAtMs.push(performance.now()); });
  /** Arrival → answer of every Register answered so far, ms (read from the trace after the phase, not during it). */
  const times = (): number[] => {
    const out: number[] = [];
    for (const entry of server.trace.since(mark)) {
      if (entry.direction !== 'out' || !entry.note?.startsWith('piggybacked response to ')) continue;
      const bytes = fromHex(entry.hex.slice(0, 8));
      const key = `${entry.note.slice('piggybacked response to '.length)}|${(bytes[2]! << 8) | bytes[3]!}`;
      const at = arrived.get(key);
      if (at === undefined) continue;
      arrived.delete(key);
      out.push(elapsedMs(at, entry.atNs));
    }
    return out;
  };
  return { times, doneAtMs };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** Wait until `count()` reaches `target` or `timeoutMs` passes. */
async function waitUntil(count: () => number, target: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (count() < target && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Clients registered, observed and read under notification load; `budgetMs` bounds the registration wait. */
export async function benchLwm2mScale(count = 1000, options: { concurrency?: number; pmaxS?: number; loadWindowMs?: number; budgetMs?: number } = {}): Promise<Lwm2mScaleFigures> {
  const { concurrency = 4, pmaxS = 5, budgetMs = 60_000 } = options;
  // The observes take one pmax period, so notifications already flow when the reads start; the window spans another.
  const loadWindowMs = options.loadWindowMs ?? pmaxS * 1000;
  const loadStart = loadavg();
  const peakRssReset = resetPeakRss();
  const rssAtStartBytes = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const dropsBefore = await udpReceiveBufferErrors();
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, { receiveBufferBytes: RECEIVE_BUFFER_BYTES });
  const registrations = trackRegistrations(server);
  let notifications = 0;
  server.coap.onIncoming((m) => { if (m.message?.code === '2.05' && m.message.type === 'CON') notifications++; });
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  // The histogram holds the intervals between its timer's runs; the lag is what exceeds the resolution.
  const lag = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  loopDelay.enable();
  const started = performance.now();
  // A long lifetime keeps Updates out of the measured window.
  const clients = startClientsProcess(`coap://127.0.0.1:${server.address().port}`, count, ['--endpoint', 'scale-', '--lifetime', '600']);
  try {
    await waitUntil(() => registrations.doneAtMs.length, count, budgetMs);
    if (registrations.doneAtMs.length === 0) throw new Error(`no client registered within ${budgetMs} ms; clients process said: ${clients.output().slice(0, 2000)}`);
    const endpoints = Array.from({ length: count }, (_, i) => `scale-${i}`).filter((ep) => server.registration(ep) !== undefined);
    const cpuAtRegistered = process.cpuUsage(cpuBefore);
    const registrationTimes = registrations.times();
    const lastMs = registrations.doneAtMs.at(-1)!;
    const firstToLastMs = lastMs - registrations.doneAtMs[0]!;
    const observed = await observeAll(server, endpoints, concurrency, pmaxS);
    const cpuAtObserved = process.cpuUsage(cpuBefore);
    const load = await readUnderLoad(server, endpoints, concurrency, loadWindowMs, () => notifications);
    loopDelay.disable();
    const clientsFigures = clients.figures();
    const self = processFigures('self');
    const cpu = process.cpuUsage(cpuBefore);
    const memory = process.memoryUsage();
    const observeLatency = latency(observed.times);
    const readLatency = latency(load.times);
    return {
      clients: count,
      registered: endpoints.length,
      loadAverage: { start: loadStart, end: loadavg() },
      registration: { ...latency(registrationTimes), count: registrationTimes.length, wallMs: lastMs - started, firstToLastMs, perSec: firstToLastMs > 0 ? ((registrations.doneAtMs.length - 1) / firstToLastMs) * 1000 : Number.NaN },
      observe: { count: observed.times.length, ok: observed.ok, concurrency, latency: observeLatency },
      reads: { count: load.times.length, ok: load.ok, concurrency, latency: readLatency },
      notifications: { pmaxS, received: load.received, windowMs: load.windowMs, perSec: (load.received / load.windowMs) * 1000, observationsActive: observed.observations.filter((o) => o.isActive).length },
      udpReceiveBufferDrops: dropsBefore === undefined ? undefined : (await udpReceiveBufferErrors())! - dropsBefore,
      server: {
        peakRssBytes: self?.peakRssBytes ?? process.resourceUsage().maxRSS * 1024,
        rssBytes: self?.rssBytes ?? process.memoryUsage().rss,
        cpuMs: (cpu.user + cpu.system) / 1000,
        cpuByPhaseMs: { registration: cpuMs(cpuAtRegistered), observe: cpuMs(cpuAtObserved) - cpuMs(cpuAtRegistered), readsAndNotifications: cpuMs(cpu) - cpuMs(cpuAtObserved) },
        heap: { usedBytes: memory.heapUsed, totalBytes: memory.heapTotal, externalBytes: memory.external, arrayBuffersBytes: memory.arrayBuffers },
        peakRssReset,
        rssAtStartBytes,
        rssUnderLoadBytes: load.rssBytes,
        openFdsUnderLoad: load.openFds,
        eventLoopDelay: { p50Ms: lag(loopDelay.percentile(50)), p95Ms: lag(loopDelay.percentile(95)), maxMs: lag(loopDelay.max) },
      },
      clientsProcess: clientsFigures,
      goal: { p95Ms: SCALE_P95_GOAL_MS, observeMet: observeLatency.p95Ms <= SCALE_P95_GOAL_MS, readMet: readLatency.p95Ms <= SCALE_P95_GOAL_MS },
    };
  } finally {
    loopDelay.disable();
    await clients.stop();
    await server.close();
  }
}

if (isMainModule(import.meta.url)) {
  const WATCHDOG_MS = 150_000;
  const watchdog = setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ error: `lwm2m-scale still running after ${WATCHDOG_MS} ms; stopped` })}\n`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  // Arguments: client count, concurrency, pmax (s).
  const count = Number(process.argv[2] ?? 1000);
  const concurrency = Number(process.argv[3] ?? 4);
  const pmaxS = Number(process.argv[4] ?? 5);
  process.stdout.write(`${JSON.stringify(await benchLwm2mScale(count, { concurrency, pmaxS }), null, 2)}\n`);
  process.exit(0);
}
