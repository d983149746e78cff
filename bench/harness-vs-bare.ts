/**
 * The harness against a bare-socket reference client (`bare-client.mjs`: dgram, hand-built
 * header, cbor-x, a window), both talking to the same fast device (`fast-device.ts`: zero
 * processing time, 4 buffers, its own process) in the same run, alternating so machine load
 * weighs on both alike. Every harness figure is also given as a ratio to the bare one, unrounded:
 * echo round trip, image upload at windows 1…buf_count−1, malformed frames with liveness fences,
 * and whole-process `image upload` and command start-up against `node -e 0`. Rounds alternate
 * which side goes first; echo and upload also report this process's CPU time per operation for
 * each side, the harness's own cost even when a loaded machine makes wall times noisy.
 *
 * Both sides are warmed up alike before anything is measured (echo: 6000 round trips each;
 * upload: 10 unmeasured uploads each over windows 1…3, then one more per window), so the figures
 * are steady-state ones: with a short warm-up the JIT compiling the harness's larger code on V8's
 * background threads, which `process.cpuUsage()` counts, landed in the measured rounds (10–15 ms
 * of compilation per upload over the first few uploads; a one-time cost per process, which the
 * whole-process figures below still include). Echo rounds are 400 round trips long, so one
 * garbage collection or compile job weighs less on a single round's figure. The images of a
 * window's upload rounds are all built before its first round: built between two measured
 * uploads, an image's garbage was collected during the next upload, whichever side's it was.
 *
 * A lost datagram is survived on both sides and counted (`resends`), not fatal: echoes wait 1 s
 * per send and are sent again with the same seq up to `BARE_MAX_RESENDS` times (the bare client
 * itself; for the harness this loop, since `SmpClient.request` sends once and rejects on its
 * timeout). Uploads wait 2 s for the oldest chunk in flight: the bare client then sends every
 * chunk in flight again unchanged (same seq, up to 3 rounds without progress), the harness's
 * `uploadImage` lets the window drain and sends again from the last acknowledged offset with new
 * seqs (up to 8 recoveries without progress; its `retransmits` counts recoveries, the bare
 * `resends` counts packets). Fences of the malformed loop are sent once on both sides, as before:
 * an unanswered fence is counted as failed, not fatal.
 * @see ../docs/spec/smp.md §3.1.1, §3.2.3, §4.7
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { uploadImage } from '../src/client/image-upload.ts';
import { SmpClient } from '../src/client/smp-client.ts';
import { smpRequest } from '../src/codec/smp/command.ts';
import { arbMalformedPacket } from '../src/codec/smp/arbitraries.ts';
import { osCommands } from '../src/codec/smp/groups/os.ts';
import { signMcubootImage } from '../src/codec/image/index.ts';
import { UdpTransport } from '../src/transport/udp.ts';
import { ResponseTimeoutError } from '../src/errors.ts';
import { BARE_MAX_RESENDS, bareEchoes, bareMalformedLoop, bareUpload } from './bare-client.mjs';
import { isMainModule } from './is-main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/mgmt-conformance.js');
const BARE = join(root, 'bench/bare-client.mjs');
/** The image: 384 KiB. */
const IMAGE_BYTES = 384 * 1024;
const ECHO_ROUNDS = 16;
const ECHOES_PER_ROUND = 400;
/** Unmeasured round trips per side before the echo rounds. */
const ECHO_WARMUP = 6000;
/**
 * Measured uploads per side and window. A 384 KiB upload takes ~20 ms, and one scheduler or GC
 * pause halves a sample's rate on either side (six samples gave medians from 0.84 to 1.57 of each
 * other on an idle machine); 30 per side keep the medians steady.
 */
const UPLOAD_REPEATS = 30;
/** Unmeasured uploads per side before the measured ones, over all windows. */
const UPLOAD_WARMUP = 10;
const MALFORMED_ROUNDS = 4;
const MALFORMED_MS = 1000;
const WINDOW_FRAMES = 100;
/** Whole-process samples per figure; `BENCH_PROCESS_REPEATS` raises it on a noisy machine. */
const PROCESS_REPEATS = Number(process.env['BENCH_PROCESS_REPEATS'] ?? 3);

/** One figure of the harness against the bare client; `ratio` is harness / bare, unrounded. */
export interface Versus {
  harness: number;
  bare: number;
  ratio: number;
  /**
   * Ratio of the best samples (highest rate or lowest time, as `higherIsBetter` says): on a loaded
   * machine the best of several tries is the steadier estimate of what each side itself costs.
   */
  bestRatio: number;
  /** Every sample, harness and bare, in run order. */
  samples: { harness: number[]; bare: number[] };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const versus = (harness: number[], bare: number[], higherIsBetter: boolean): Versus => {
  const best = (xs: number[]): number => (higherIsBetter ? Math.max(...xs) : Math.min(...xs));
  return { harness: median(harness), bare: median(bare), ratio: median(harness) / median(bare), bestRatio: best(harness) / best(bare), samples: { harness, bare } };
};

/**
 * CPU time of this process so far, µs. Both clients run in this process, one after the other, so
 * the CPU spent during each one's turn is its own cost, whatever the machine's load does to wall time.
 */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Start the fast device process; resolves with its UDP port. */
async function startFastDevice(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/fast-device.ts')], { stdio: ['pipe', 'pipe', 'inherit'], cwd: root });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fast device did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(Number(m[1])));
    });
    child.on('exit', (code) => reject(new Error(`fast device exited with ${code}: ${out}`)));
  });
  return { child, port };
}

async function openClient(port: number): Promise<SmpClient> {
  return new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port }));
}

/** Wait per echo send on both sides (ms). */
const ECHO_TIMEOUT_MS = 1000;

/**
 * A lost echo is sent again with the same seq, at most `BARE_MAX_RESENDS` times, as the bare
 * client does (`SmpClient.request` itself sends once and rejects on its timeout).
 */
async function harnessEcho(client: SmpClient, req: ReturnType<typeof smpRequest>, counter: { resends: number }): Promise<void> {
  const seq = client.nextSeq();
  for (let sends = 1; ; sends++) {
    try {
      const reply = await client.request(req, { timeoutMs: ECHO_TIMEOUT_MS, seq });
      if (reply.body.kind !== 'ok') throw new Error(`echo refused: ${JSON.stringify(reply.body)}`);
      return;
    } catch (e) {
      if (!(e instanceof ResponseTimeoutError) || sends > BARE_MAX_RESENDS) throw e;
      counter.resends++;
    }
  }
}

async function harnessEchoes(client: SmpClient, count: number): Promise<{ rtts: number[]; resends: number }> {
  const rtts: number[] = [];
  const counter = { resends: 0 };
  const req = smpRequest(osCommands.echo, { d: 'hello' });
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await harnessEcho(client, req, counter);
    rtts.push((performance.now() - started) * 1000);
  }
  return { rtts, resends: counter.resends };
}

/** Resends per side: echoes or chunks sent again after a lost datagram, warm-up included. */
interface Resends {
  harness: number;
  bare: number;
}

/** Echo round trips in µs, median of all round trips; lower is better, ratio goal ≤ 1.10. */
async function echoVersus(client: SmpClient, port: number): Promise<Versus & { roundTrips: number; cpuUsPerRoundTrip: Versus; resends: Resends }> {
  const resends: Resends = { harness: 0, bare: 0 };
  resends.harness += (await harnessEchoes(client, ECHO_WARMUP)).resends;
  resends.bare += (await bareEchoes(port, ECHO_WARMUP, { timeoutMs: ECHO_TIMEOUT_MS })).resends;
  const h: number[] = [];
  const b: number[] = [];
  const cpu = { harness: [] as number[], bare: [] as number[] };
  for (let r = 0; r < ECHO_ROUNDS; r++) {
    // Alternate which side goes first, so a slow spell of the machine lands on both alike.
    const sides = r % 2 === 0 ? (['bare', 'harness'] as const) : (['harness', 'bare'] as const);
    for (const side of sides) {
      const before = cpuUs();
      const round = side === 'bare' ? await bareEchoes(port, ECHOES_PER_ROUND, { timeoutMs: ECHO_TIMEOUT_MS }) : await harnessEchoes(client, ECHOES_PER_ROUND);
      (side === 'bare' ? b : h).push(...round.rtts);
      resends[side] += round.resends;
      cpu[side].push((cpuUs() - before) / ECHOES_PER_ROUND);
    }
  }
  const v = versus(h, b, false);
  return { harness: v.harness, bare: v.bare, ratio: v.ratio, bestRatio: v.bestRatio, roundTrips: h.length, samples: { harness: [], bare: [] }, cpuUsPerRoundTrip: versus(cpu.harness, cpu.bare, false), resends };
}

/**
 * The `n`th test image. Each upload sends a different one: a device that already holds an image
 * with the same hash answers the first chunk with "done" (resumption), which would measure nothing.
 */
function testImage(n: number): Uint8Array {
  const payload = Uint8Array.from({ length: IMAGE_BYTES - 72 }, (_, i) => (i * 31 + (i >> 10) + n) & 0xff);
  const built = signMcubootImage({ payload, version: { major: 1, minor: 2, revision: 3, build: n } });
  if (!built.ok) throw new Error(built.error);
  return built.value;
}

/** Upload rates in bytes/s (wall time of the whole call) per window; higher is better, goal ≥ 0.95. */
let imagesMade = 0;
const nextImage = (): Uint8Array => testImage(imagesMade++);

/**
 * Upload figures per window, and the chunks each side sent again after a lost datagram: the
 * harness's `retransmits` (recoveries from the last acknowledged offset), the bare client's
 * resends (the same packet again); `warmupResends` covers the warm-up uploads of all windows.
 */
async function uploadVersus(
  client: SmpClient,
  port: number,
  windows: readonly number[],
): Promise<{ chunkBytes: number; warmupResends: Resends; byWindow: Record<string, Versus & { cpuMsPerUpload: Versus; resends: Resends }> }> {
  const warm = await uploadImage(client, nextImage(), { window: 1 });
  // The largest chunk shrinks once offsets need a 5-byte CBOR head (off ≥ 65536): both clients
  // use one size that fits at every offset.
  const chunkBytes = warm.chunkDataBytes - 8;
  const warmupResends: Resends = { harness: warm.retransmits, bare: 0 };
  const upload = async (side: keyof Resends, image: Uint8Array, window: number, resends: Resends): Promise<void> => {
    if (side === 'bare') resends.bare += (await bareUpload(port, image, window, chunkBytes)).resends;
    else resends.harness += (await uploadImage(client, image, { window, chunkBytes })).retransmits;
  };
  await upload('bare', nextImage(), 1, warmupResends);
  for (let n = 0; n < UPLOAD_WARMUP; n++) {
    const window = windows[n % windows.length]!;
    await upload('harness', nextImage(), window, warmupResends);
    await upload('bare', nextImage(), window, warmupResends);
  }
  const byWindow: Record<string, Versus & { cpuMsPerUpload: Versus; resends: Resends }> = {};
  for (const window of windows) {
    const h: number[] = [];
    const b: number[] = [];
    const cpu = { harness: [] as number[], bare: [] as number[] };
    const resends: Resends = { harness: 0, bare: 0 };
    await upload('harness', nextImage(), window, resends);
    await upload('bare', nextImage(), window, resends);
    // Every image of the window's rounds is built first: building one (384 KiB and its signature)
    // between two measured uploads left garbage whose collection landed in the next upload,
    // whichever side it was.
    const images = Array.from({ length: UPLOAD_REPEATS * 2 }, nextImage);
    for (let r = 0; r < UPLOAD_REPEATS; r++) {
      const sides = r % 2 === 0 ? (['bare', 'harness'] as const) : (['harness', 'bare'] as const);
      for (const side of sides) {
        const img = images.pop()!;
        const before = cpuUs();
        if (side === 'bare') {
          const res = await bareUpload(port, img, window, chunkBytes);
          b.push(res.bytesPerSec);
          resends.bare += res.resends;
        } else {
          const started = performance.now();
          const res = await uploadImage(client, img, { window, chunkBytes });
          if (res.match === false) throw new Error('harness upload: device hash does not match');
          h.push((img.length * 1000) / (performance.now() - started));
          resends.harness += res.retransmits;
        }
        cpu[side].push((cpuUs() - before) / 1000);
      }
    }
    byWindow[String(window)] = { ...versus(h, b, true), cpuMsPerUpload: versus(cpu.harness, cpu.bare, false), resends };
  }
  return { chunkBytes, warmupResends, byWindow };
}

/** The harness's malformed loop: each frame through `sendRaw`, each window fenced by a typed echo. */
async function harnessMalformedLoop(client: SmpClient, frames: readonly Uint8Array[], measureMs: number): Promise<{ framesPerSec: number; fences: number; fencesPassed: number }> {
  let sent = 0;
  let fences = 0;
  let passed = 0;
  const started = performance.now();
  while (performance.now() - started < measureMs) {
    for (let k = 0; k < WINDOW_FRAMES; k++) await client.sendRaw(frames[(sent + k) % frames.length]!);
    sent += WINDOW_FRAMES;
    const text = `live-${fences++}`;
    try {
      const reply = await client.request(smpRequest(osCommands.echo, { d: text }), { timeoutMs: 1000 });
      if (reply.body.kind === 'ok' && reply.body.rsp['r'] === text) passed++;
    } catch {
      // An unanswered fence counts as failed; the loop goes on.
    }
  }
  return { framesPerSec: (sent * 1000) / (performance.now() - started), fences, fencesPassed: passed };
}

/** Malformed frames per second with liveness fences; higher is better, goal ≥ 0.9. */
async function malformedVersus(client: SmpClient, port: number): Promise<Versus & { fences: { harness: [number, number]; bare: [number, number] } }> {
  const frames = fc.sample(arbMalformedPacket, { numRuns: 3000, seed: 4242 }).map((f) => f.bytes).filter((b) => b.length > 0);
  const h: number[] = [];
  const b: number[] = [];
  const fences = { harness: [0, 0] as [number, number], bare: [0, 0] as [number, number] };
  for (let r = 0; r < MALFORMED_ROUNDS; r++) {
    const harnessFirst = r % 2 === 1;
    const early = harnessFirst ? await harnessMalformedLoop(client, frames, MALFORMED_MS) : undefined;
    const bare = await bareMalformedLoop(port, frames, WINDOW_FRAMES, MALFORMED_MS);
    const harness = early ?? (await harnessMalformedLoop(client, frames, MALFORMED_MS));
    b.push(bare.framesPerSec);
    h.push(harness.framesPerSec);
    fences.bare = [fences.bare[0] + bare.fencesPassed, fences.bare[1] + bare.fences];
    fences.harness = [fences.harness[0] + harness.fencesPassed, fences.harness[1] + harness.fences];
  }
  return { ...versus(h, b, true), fences };
}

/** Wall time in ms of one process to its exit; rejects on a non-zero exit code. */
function timeProcess(args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: root });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** Whole-process figures: `image upload` against the bare client as a process, and start-up of each command. */
async function processVersus(port: number, chunkBytes: number): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'mgmt-bench-'));
  const imageFile = async (): Promise<string> => {
    const file = join(dir, `image-${imagesMade}.bin`);
    await writeFile(file, nextImage());
    return file;
  };
  const harnessArgs = (file: string): string[] => [BIN, 'image', 'upload', '--smp', `udp://127.0.0.1:${port}`, file, '--window', '3', '--chunk', String(chunkBytes)];
  const bareArgs = (file: string): string[] => [BARE, 'upload', String(port), file, '3', String(chunkBytes)];
  const starts: Record<string, string[]> = {
    'node -e 0': ['-e', '0'], '--help': [BIN, '--help'], 'image upload --help': [BIN, 'image', 'upload', '--help'],
    'probe --help': [BIN, 'probe', '--help'], 'run --help': [BIN, 'run', '--help'],
  };
  try {
    const upload = { harness: [] as number[], bare: [] as number[] };
    const startMs: Record<string, number[]> = Object.fromEntries(Object.keys(starts).map((k) => [k, []]));
    for (let r = 0; r < PROCESS_REPEATS; r++) {
      upload.bare.push(await timeProcess(bareArgs(await imageFile())));
      upload.harness.push(await timeProcess(harnessArgs(await imageFile())));
      for (const [name, args] of Object.entries(starts)) startMs[name]!.push(await timeProcess(args));
    }
    const nodeMs = median(startMs['node -e 0']!);
    return {
      imageUpload: { ...versus(upload.harness, upload.bare, false), extraMs: median(upload.harness) - median(upload.bare), goalExtraMs: 250 },
      startupMs: Object.fromEntries(Object.entries(startMs).map(([k, v]) => [k, { median: median(v), overNodeMs: median(v) - nodeMs, samples: v }])),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** All figures of the harness against the bare client, in one run against one fast device. */
export async function benchHarnessVsBare(): Promise<Record<string, unknown>> {
  const device = await startFastDevice();
  const client = await openClient(device.port);
  try {
    const echo = await echoVersus(client, device.port);
    const upload = await uploadVersus(client, device.port, [1, 2, 3]);
    const malformed = await malformedVersus(client, device.port);
    const whole = await processVersus(device.port, upload.chunkBytes);
    const goals = {
      echoRatioAtMost110: echo.ratio <= 1.1,
      uploadRatiosAtLeast095: Object.values(upload.byWindow).every((v) => v.ratio >= 0.95),
      malformedRatioAtLeast09: malformed.ratio >= 0.9,
      wholeProcessUploadWithin250Ms: (whole['imageUpload'] as { extraMs: number }).extraMs <= 250,
    };
    return { device: { processingMs: 0, bufCount: 4, bufSize: 2048 }, goals, echoRttUs: echo, uploadBytesPerSec: upload, malformedFramesPerSec: malformed, process: whole };
  } finally {
    await client.close();
    device.child.stdin?.end();
    device.child.kill('SIGTERM');
  }
}

/**
 * Only the whole-process figures (`--process-only`): the fast device, one warm-up upload for the
 * chunk size both clients use (as in `uploadVersus`), then `processVersus`.
 */
export async function benchProcessOnly(): Promise<Record<string, unknown>> {
  const device = await startFastDevice();
  const client = await openClient(device.port);
  try {
    const warm = await uploadImage(client, nextImage(), { window: 1 });
    const whole = await processVersus(device.port, warm.chunkDataBytes - 8);
    return { goals: { wholeProcessUploadWithin250Ms: (whole['imageUpload'] as { extraMs: number }).extraMs <= 250 }, process: whole };
  } finally {
    await client.close();
    device.child.stdin?.end();
    device.child.kill('SIGTERM');
  }
}

if (isMainModule(import.meta.url)) {
  const result = process.argv.includes('--process-only') ? await benchProcessOnly() : await benchHarnessVsBare();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
