/**
 * LwM2M through the harness's server over loopback UDP: reads per second of /3/0 from one
 * simulated client (sequential CON GETs, latency per read), and registrations per second with
 * many simulated clients started at once in this process (latency from a client's start to the
 * server's 2.01), each with p50/p95.
 */
import { Lwm2mServer } from '../src/client/lwm2m-server.ts';
import { startLwm2mClientSimulator, type RunningLwm2mClient } from '../src/simulator/lwm2m-client/index.ts';
import { isMainModule } from './is-main.ts';

/** A latency distribution in milliseconds. */
export interface LatencyFigures {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Figures of the LwM2M bench. */
export interface Lwm2mBenchFigures {
  reads: { count: number; perSec: number; format: number | undefined; payloadBytes: number; latency: LatencyFigures };
  registrations: { clients: number; registered: number; perSec: number; wallMs: number; latency: LatencyFigures };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function latency(valuesMs: number[]): LatencyFigures {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50Ms: round2(at(0.5)), p95Ms: round2(at(0.95)), maxMs: round2(sorted.at(-1) ?? Number.NaN) };
}

async function benchReads(durationMs: number): Promise<Lwm2mBenchFigures['reads']> {
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  const sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, endpoint: 'bench-reads', version: '1.1' });
  try {
    await server.waitForRegistration('bench-reads', 5000);
    await sim.waitFor('registered', 2000).catch(() => undefined);
    const times: number[] = [];
    let last;
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      const t = performance.now();
      last = await server.read('bench-reads', '/3/0');
      if (last.code !== '2.05' || !last.decoded?.ok) throw new Error(`read /3/0 answered ${last.code ?? 'RST'}`);
      times.push(performance.now() - t);
    }
    const elapsed = performance.now() - started;
    return { count: times.length, perSec: Math.round((times.length / elapsed) * 1000), format: last?.contentFormat, payloadBytes: last?.payload.length ?? 0, latency: latency(times) };
  } finally {
    await sim.stop();
    await server.close();
  }
}

async function benchRegistrations(clients: number, timeoutMs: number): Promise<Lwm2mBenchFigures['registrations']> {
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  const startedAt = new Map<string, number>();
  const times: number[] = [];
  let lastAt = 0;
  const all = new Promise<void>((resolve) => {
    server.onEvent((e) => {
      if (e.kind !== 'registered') return;
      const from = startedAt.get(e.registration.endpoint);
      if (from === undefined) return;
      lastAt = performance.now();
      times.push(lastAt - from);
      if (times.length === clients) resolve();
    });
  });
  const sims: RunningLwm2mClient[] = [];
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: clients }, async (_, i) => {
      const endpoint = `bench-${i}`;
      startedAt.set(endpoint, performance.now());
      sims.push(await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, endpoint, version: i % 2 === 0 ? '1.1' : '1.0' }));
    }));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    const wallMs = (times.length === clients ? lastAt : performance.now()) - started;
    return { clients, registered: times.length, perSec: Math.round((times.length / wallMs) * 1000), wallMs: Math.round(wallMs), latency: latency(times) };
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
    await server.close();
  }
}

/** Reads for about `readMs`, then `clients` registrations at once (bounded by `registerTimeoutMs`). */
export async function benchLwm2m(readMs = 3000, clients = 200, registerTimeoutMs = 20_000): Promise<Lwm2mBenchFigures> {
  const reads = await benchReads(readMs);
  const registrations = await benchRegistrations(clients, registerTimeoutMs);
  return { reads, registrations };
}

if (isMainModule(import.meta.url)) process.stdout.write(`${JSON.stringify(await benchLwm2m(), null, 2)}\n`);
