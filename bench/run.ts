/**
 * `npm run bench`: codec throughput, SmpClient vs raw UDP echo round trips, the simulator's
 * own echo bench when present, and image upload throughput (bench/upload.ts). Prints JSON and
 * writes reports/bench.json; bounded in time.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCodecs } from './codec-throughput.ts';
import { benchEchoRtt } from './echo-rtt.ts';
import { benchUpload } from './upload.ts';

const SIMULATOR_BENCH_BUDGET_MS = 20_000;

/** Run `work`, giving up after `ms` (the bench must end in bounded time). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** helper S's simulator bench, when its file exists. */
async function simulatorEcho(): Promise<unknown> {
  const file = fileURLToPath(new URL('./simulator-echo.ts', import.meta.url));
  if (!existsSync(file)) return { skipped: 'bench/simulator-echo.ts not present' };
  const mod = (await import('./simulator-echo.ts')) as { benchSimulatorEcho?: () => Promise<unknown> };
  if (typeof mod.benchSimulatorEcho !== 'function') return { skipped: 'bench/simulator-echo.ts exports no benchSimulatorEcho' };
  try {
    return await within(SIMULATOR_BENCH_BUDGET_MS, mod.benchSimulatorEcho());
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const codecs = benchCodecs(1000);
  const echoRtt = await within(30_000, benchEchoRtt());
  const simulator = await simulatorEcho();
  const imageUpload = await within(90_000, benchUpload()).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
  const result = {
    schemaVersion: 1,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    codecs,
    echoRtt,
    simulatorEcho: simulator,
    imageUpload,
  };
  const text = JSON.stringify(result, null, 2);
  process.stdout.write(`${text}\n`);
  await mkdir('reports', { recursive: true });
  await writeFile('reports/bench.json', `${text}\n`);
}

await main();
