/**
 * `npm run bench`: codec throughput, SmpClient vs raw UDP echo round trips, the simulator's echo
 * rate over UDP and the pty (issue 3), malformed requests per second with liveness checks
 * (issue 4), the wall time and peak memory of the full default run (issues 4, 11), image upload
 * throughput (issue 5), and a `goals` section judging each goal. Prints one JSON object and
 * writes reports/bench.json. Every part has its own time bound, and the process exits when done, so work a
 * bound gave up on cannot keep it alive.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCodecs } from './codec-throughput.ts';
import { benchCoap } from './coap.ts';
import { benchEchoRtt } from './echo-rtt.ts';
import { FULL_RUN_BUDGET_MS, benchFullRun } from './full-run.ts';
import { benchGoals } from './goals.ts';
import { benchLwm2m } from './lwm2m.ts';
import { benchLwm2mScale } from './lwm2m-scale.ts';
import { benchFirmwarePush } from './lwm2m-firmware.ts';
import { benchMalformed } from './malformed.ts';
import { benchSimulatorEcho } from './simulator-echo.ts';
import { benchUpload } from './upload.ts';

/** Time bounds per part (the full run's includes its stop and report writing). */
const BUDGET_MS = { echoRtt: 30_000, simulatorEcho: 15_000, malformed: 10_000, upload: 80_000, fullRun: FULL_RUN_BUDGET_MS + 5_000, harnessVsBare: 150_000 } as const;
/** Last resort, counted from process start (module loading included): report and exit. */
const WATCHDOG_MS = 235_000 + 60_000 + 150_000 + 55_000;

/** Run `work`, giving up after `ms`; a failure or timeout becomes `{ error }` in the report. */
async function within<T>(ms: number, work: () => Promise<T>): Promise<T | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), limit]);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The harness-against-bare comparison in a fresh Node process, before anything else runs: both
 * clients live in that process, and in this one the earlier benchmarks' heap and the call sites
 * they made polymorphic (pty transport, other clients) slowed the harness side (echo 1.147,
 * upload windows 0.85 / 0.67 / 0.97, malformed 0.66 against 1.06, 0.95–1.05 and 0.98–1.02 in a
 * fresh process, idle machine, same code). A user's `image upload` runs in a fresh process too.
 */
function harnessVsBareInOwnProcess(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./harness-vs-bare.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`harness-vs-bare exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out) as unknown);
      } catch (e) {
        reject(new Error(`harness-vs-bare printed no JSON (${e instanceof Error ? e.message : String(e)}): ${out.slice(0, 500)}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  // First, on an idle machine and in its own process (see harnessVsBareInOwnProcess).
  const harnessVsBare = await within(BUDGET_MS.harnessVsBare, () => harnessVsBareInOwnProcess());
  const codecs = benchCodecs(1000);
  const coap = benchCoap(1000);
  const echoRtt = await within(BUDGET_MS.echoRtt, () => benchEchoRtt());
  const simulatorEcho = await within(BUDGET_MS.simulatorEcho, () => benchSimulatorEcho());
  const malformed = await within(BUDGET_MS.malformed, () => benchMalformed());
  const imageUpload = await within(BUDGET_MS.upload, () => benchUpload());
  const fullRun = await within(BUDGET_MS.fullRun, () => benchFullRun());
  const lwm2m = await within(20_000, () => benchLwm2m(2000, 200, 12_000));
  // 1 000 clients registered and observed by one server in this process (issue: p95 ≤ 50 ms, peak RSS).
  const lwm2mScale = await within(60_000, () => benchLwm2mScale(1000, { budgetMs: 45_000 }));
  // Firmware push to the simulated client at block size 1024 (bytes/s, unrounded).
  const lwm2mFirmwarePush = await within(30_000, () => benchFirmwarePush());
  const echoRatio = 'error' in echoRtt ? undefined : echoRtt.ratio;
  const echoIsWithinGoal = 'error' in echoRtt ? undefined : echoRtt.isWithinGoal;
  const goals = benchGoals({ echoRatio, echoIsWithinGoal, simulatorEcho, upload: imageUpload, malformed, fullRun });
  const result = {
    schemaVersion: 2,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    /** Since the process started: module loading (tsx transforms) included. */
    processMs: Math.round(process.uptime() * 1000),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    goals,
    harnessVsBare,
    codecs,
    coap,
    echoRtt,
    simulatorEcho,
    malformed,
    fullRun,
    imageUpload,
    lwm2m,
    lwm2mScale,
    lwm2mFirmwarePush,
  };
  const text = JSON.stringify(result, null, 2);
  process.stdout.write(`${text}\n`);
  await mkdir('reports', { recursive: true });
  await writeFile('reports/bench.json', `${text}\n`);
}

const watchdog = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ error: `bench still running after ${WATCHDOG_MS} ms; stopped` })}\n`);
  process.exit(1);
}, WATCHDOG_MS - process.uptime() * 1000);
watchdog.unref();
await main();
process.exit(0);
