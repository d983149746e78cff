/**
 * LwM2M at scale in one process: N simulated clients (default 1 000, one UDP socket each,
 * start-ups spread over a window) register with one `Lwm2mServer`; each gets pmax (default 5 s)
 * on /3/0/13 (Current Time) and is observed once (observes paced over one pmax period), so about
 * N / pmax notifications a second arrive; under that load every client is read once (/3/0/9). Reports registration latency (client start →
 * server's 2.01), observe and read response latency (p50/p95/max, requests kept `concurrency`
 * at a time), notifications per second, and the process's peak RSS. Bounded by `budgetMs`.
 */
import { readFile, readdir } from 'node:fs/promises';
import { Lwm2mServer } from '../src/client/lwm2m-server.ts';
import type { Lwm2mObservation } from '../src/client/lwm2m-server.ts';
import { startManyLwm2mClients, type ManyLwm2mClients } from '../src/simulator/lwm2m-client/index.ts';
import { isMainModule } from './is-main.ts';
import type { LatencyFigures } from './lwm2m.ts';

/** Response-time goal for reads and observes under the load (issue: p95 ≤ 50 ms). */
export const SCALE_P95_GOAL_MS = 50;

/** Figures of the scale bench. */
export interface Lwm2mScaleFigures {
  clients: number;
  registered: number;
  startSpreadMs: number;
  registration: LatencyFigures & { wallMs: number };
  observe: { count: number; ok: number; concurrency: number; latency: LatencyFigures };
  reads: { count: number; ok: number; concurrency: number; latency: LatencyFigures };
  notifications: { pmaxS: number; received: number; windowMs: number; perSec: number; observationsActive: number };
  /** UDP datagrams the kernel dropped for full receive buffers during the run (Linux /proc/net/snmp), when readable. */
  udpReceiveBufferDrops: number | undefined;
  /** The process's peak RSS so far (`process.resourceUsage().maxRSS`: includes whatever ran before in this process). */
  peakRssMiB: number;
  /** RSS with every client registered and observed, measured at the end of the load window. */
  rssUnderLoadMiB: number;
  /** Open file descriptors under load (one UDP socket per client; Linux /proc/self/fd), when readable. */
  openFdsUnderLoad: number | undefined;
  goal: { p95Ms: number; observeMet: boolean; readMet: boolean };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function latency(valuesMs: readonly number[]): LatencyFigures {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50Ms: round2(at(0.5)), p95Ms: round2(at(0.95)), maxMs: round2(sorted.at(-1) ?? Number.NaN) };
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

/** Run `work` on every item, at most `concurrency` at a time; returns each one's duration (ms) and success. */
async function timedPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<boolean>): Promise<{ times: number[]; ok: number }> {
  const times: number[] = [];
  let ok = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      const t = performance.now();
      const good = await work(item).catch(() => false);
      times.push(performance.now() - t);
      if (good) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { times, ok };
}

/**
 * Write pmax on /3/0/13 and observe it on every endpoint, the observes paced evenly over one
 * pmax period so the notifications that follow arrive at an even rate; only the Observe
 * exchanges are timed.
 */
async function observeAll(server: Lwm2mServer, endpoints: readonly string[], concurrency: number, pmaxS: number) {
  const observations: Lwm2mObservation[] = [];
  const times: number[] = [];
  const started = performance.now();
  const paceMs = (pmaxS * 1000) / endpoints.length;
  let index = 0;
  const pool = await timedPool(endpoints, concurrency, async (ep) => {
    const due = started + index++ * paceMs - performance.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    const attrs = await server.writeAttributes(ep, '/3/0/13', [`pmax=${pmaxS}`]);
    const t = performance.now();
    const o = await server.observe(ep, '/3/0/13');
    times.push(performance.now() - t);
    observations.push(o);
    return attrs.code === '2.04' && o.isActive;
  });
  return { count: pool.times.length, ok: pool.ok, times, observations };
}

/** Read /3/0/9 once on every endpoint while notifications flow; the window lasts at least `windowMs`. */
async function readUnderLoad(server: Lwm2mServer, endpoints: readonly string[], concurrency: number, windowMs: number, notifications: () => number) {
  const before = notifications();
  const started = performance.now();
  const reads = await timedPool(endpoints, concurrency, async (ep) => (await server.read(ep, '/3/0/9', { accept: 0 })).code === '2.05');
  const rest = windowMs - (performance.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const elapsed = performance.now() - started;
  const openFds = await readdir('/proc/self/fd').then((names) => names.length, () => undefined);
  return { reads, received: notifications() - before, windowMs: elapsed, rssMiB: round2(process.memoryUsage().rss / 1048576), openFds };
}

/** Receive buffer of the server socket. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Clients registered, observed and read under notification load; `budgetMs` bounds the waits. */
export async function benchLwm2mScale(count = 1000, options: { spreadMs?: number; concurrency?: number; pmaxS?: number; loadWindowMs?: number; budgetMs?: number } = {}): Promise<Lwm2mScaleFigures> {
  const { spreadMs = 5 * count, concurrency = 4, pmaxS = 5, budgetMs = 60_000 } = options;
  // The observes take one pmax period, so notifications already flow when the reads start; the window spans another.
  const loadWindowMs = options.loadWindowMs ?? pmaxS * 1000;
  const dropsBefore = await udpReceiveBufferErrors();
  // 4 MiB (Linux's default rmem_max) holds a burst of a few thousand datagrams while the loop is busy.
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 }, { receiveBufferBytes: RECEIVE_BUFFER_BYTES });
  const registeredAt = new Map<string, number>();
  server.onEvent((e) => { if (e.kind === 'registered' && !registeredAt.has(e.registration.endpoint)) registeredAt.set(e.registration.endpoint, performance.now()); });
  let notifications = 0;
  server.coap.onIncoming((m) => { if (m.message?.code === '2.05' && m.message.type === 'CON') notifications++; });
  let many: ManyLwm2mClients | undefined;
  try {
    const started = performance.now();
    // A long lifetime keeps Updates out of the measured window.
    many = await startManyLwm2mClients({ server: { host: '127.0.0.1', port: server.address().port }, count, endpointPrefix: 'scale-', spreadMs, lifetimeS: 600 });
    await many.waitAllRegistered(budgetMs / 3).catch(() => undefined);
    const wallMs = performance.now() - started;
    const { endpoints: all, startedAtMs } = many;
    const endpoints = all.filter((ep) => server.registration(ep) !== undefined);
    const regTimes = endpoints.map((ep) => registeredAt.get(ep)! - startedAtMs[all.indexOf(ep)]!);
    const observed = await observeAll(server, endpoints, concurrency, pmaxS);
    const load = await readUnderLoad(server, endpoints, concurrency, loadWindowMs, () => notifications);
    const observeLatency = latency(observed.times);
    const readLatency = latency(load.reads.times);
    return {
      clients: count,
      registered: endpoints.length,
      startSpreadMs: spreadMs,
      registration: { ...latency(regTimes), wallMs: Math.round(wallMs) },
      observe: { count: observed.count, ok: observed.ok, concurrency, latency: observeLatency },
      reads: { count: load.reads.times.length, ok: load.reads.ok, concurrency, latency: readLatency },
      notifications: { pmaxS, received: load.received, windowMs: Math.round(load.windowMs), perSec: Math.round((load.received / load.windowMs) * 1000), observationsActive: observed.observations.filter((o) => o.isActive).length },
      udpReceiveBufferDrops: dropsBefore === undefined ? undefined : (await udpReceiveBufferErrors())! - dropsBefore,
      peakRssMiB: round2(process.resourceUsage().maxRSS / 1024),
      rssUnderLoadMiB: load.rssMiB,
      openFdsUnderLoad: load.openFds,
      goal: { p95Ms: SCALE_P95_GOAL_MS, observeMet: observeLatency.p95Ms <= SCALE_P95_GOAL_MS, readMet: readLatency.p95Ms <= SCALE_P95_GOAL_MS },
    };
  } finally {
    await many?.stop();
    await server.close();
  }
}

if (isMainModule(import.meta.url)) {
  const WATCHDOG_MS = 120_000;
  const watchdog = setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ error: `lwm2m-scale still running after ${WATCHDOG_MS} ms; stopped` })}\n`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  const count = Number(process.argv[2] ?? 1000);
  const concurrency = Number(process.argv[3] ?? 4);
  const pmaxS = Number(process.argv[4] ?? 5);
  process.stdout.write(`${JSON.stringify(await benchLwm2mScale(count, { concurrency, pmaxS }), null, 2)}\n`);
  process.exit(0);
}
