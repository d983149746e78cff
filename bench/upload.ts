/**
 * Image upload throughput against the simulator, in one run of about 60 s (issue 5):
 * - UDP, 1 MiB image into a 0x120000-byte simulated slot, PROCESSING_MS of simulated device
 *   processing time per request buffer (the device is the limit): Zephyr's defaults (2048 × 2
 *   buffers: window 1 is all it allows) and 4 buffers with window 1 (stop-and-wait, what the Go
 *   `mcumgr` does) vs the engine's default (buf_count − 1); on plain loopback (answers "≥ 95 % of
 *   the device rate") and through a relay adding 10 ms one-way latency, where pipelining pays
 *   (answers "≥ 2× stop-and-wait with 4 buffers"; on loopback the device alone is the limit).
 * - the pseudo-terminal at 115200 baud (line-rate emulation), serial MTU 256 and 4 buffers, against
 *   the framed line rate.
 * Ratios are against the rate the device can take: chunk bytes per measured request time (the
 * simulator's processing sleep as this event loop actually delivers it).
 * @see docs/spec/smp.md §3.2.3, §4.1, §4.2, §4.7
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { serialFramedBytes } from '../src/client/chunk-size.ts';
import { uploadImage, type UploadResult } from '../src/client/image-upload.ts';
import { SmpClient } from '../src/client/smp-client.ts';
import { signMcubootImage } from '../src/codec/image/index.ts';
import { SERIAL_MTU_BYTES, startSimulator, type SimulatorOptions } from '../src/simulator/index.ts';
import { SerialTransport } from '../src/transport/serial.ts';
import { UdpTransport } from '../src/transport/udp.ts';
import { isMainModule } from './is-main.ts';

/** Simulated device time per request buffer (flash write and bookkeeping). */
export const PROCESSING_MS = 10;
/** One-way latency the relay adds in the latency runs (a round trip of 2 × this). */
export const LINK_LATENCY_MS = 10;
/** The image size. */
const UDP_IMAGE_BYTES = 1024 * 1024;
/**
 * The capture's native_sim slot (0x69000 bytes) cannot hold 1 MiB (the device rightly refuses it
 * with err 30, INVALID_IMAGE_TOO_LARGE), so the UDP runs use a larger partition.
 */
export const UDP_SLOT_BYTES = 0x120000;
/**
 * 64 KiB keeps the 115200-baud run near 8 s; 1 MiB would take about 126 s (the framed line —
 * base64, line headers, CRC — carries about 8 300 image bytes/s), over half the bench's time
 * budget. The ratio to the framed line rate barely depends on the image size past the first chunk.
 */
const PTY_IMAGE_BYTES = 64 * 1024;
const BAUD_RATE = 115200;
/** SMP buffers of the pty run's device: Zephyr's default CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT. */
const PTY_BUF_COUNT = 4;

export function image(totalBytes: number): Uint8Array {
  // Body sized so the signed file (32-byte header + 40-byte hash TLV area) is `totalBytes`.
  const payload = Uint8Array.from({ length: totalBytes - 72 }, (_, i) => (i * 31 + (i >> 10)) & 0xff);
  const built = signMcubootImage({ payload, version: { major: 3, minor: 0, revision: 0, build: 0 } });
  if (!built.ok) throw new Error(built.error);
  return built.value;
}

/**
 * How long the simulator's processing sleep really takes while the upload runs: a sampler in the
 * same event loop sleeps `ms` over and over until stopped; the mean is the device's request time.
 */
function sampleSleeps(ms: number): { stop: () => number } {
  let isRunning = true;
  let total = 0;
  let count = 0;
  void (async () => {
    while (isRunning) {
      const started = performance.now();
      await new Promise((r) => setTimeout(r, ms));
      total += performance.now() - started;
      count++;
    }
  })();
  return {
    stop: () => {
      isRunning = false;
      return count === 0 ? ms : total / count;
    },
  };
}

/** A UDP relay that delays every datagram by `delayMs` in each direction. */
async function startRelay(target: { host: string; port: number }, delayMs: number): Promise<{ port: number; close: () => void }> {
  const socket = createSocket('udp4');
  let client: RemoteInfo | undefined;
  socket.on('message', (msg, from) => {
    const toDevice = from.port !== target.port;
    if (toDevice) client = from;
    const peer = toDevice ? target : client === undefined ? undefined : { host: client.address, port: client.port };
    if (peer) setTimeout(() => socket.send(msg, peer.port, peer.host), delayMs);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

interface Run {
  result: UploadResult;
  /** Mean real duration of the device's processing sleep during the run. */
  requestMs: number;
  /** Bytes of image per second the device can take at this chunk size. */
  capacityBytesPerSec: number;
}

async function udpRun(bufCount: number, window: number | undefined, latencyMs: number, img: Uint8Array): Promise<Run> {
  const sim = await startSimulator({ udp: { port: 0 }, serial: false, bufSize: 2048, bufCount, processingMs: PROCESSING_MS, slotBytes: UDP_SLOT_BYTES });
  const relay = latencyMs > 0 ? await startRelay(sim.udp!, latencyMs) : undefined;
  const client = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port: relay?.port ?? sim.udp!.port }));
  try {
    const sampler = sampleSleeps(PROCESSING_MS);
    const result = await uploadImage(client, img, window === undefined ? {} : { window });
    const requestMs = sampler.stop();
    return { result, requestMs, capacityBytesPerSec: (result.chunkDataBytes * 1000) / requestMs };
  } finally {
    await client.close();
    relay?.close();
    await sim.stop();
  }
}

/**
 * The pty run as the smp_svr sample is built by default: serial transport MTU 256 (the
 * simulator's default: larger frames are dropped) and 4 SMP buffers
 * (CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT), so the engine keeps 3 chunks on the line and it never
 * idles while a reply comes back. Bytes per second and the framed line rate of exactly the
 * packets sent.
 */
export async function ptyRun(img: Uint8Array): Promise<{ result: UploadResult; lineRateBytesPerSec: number }> {
  const options: SimulatorOptions = { udp: false, serial: { baudRate: BAUD_RATE, mtu: SERIAL_MTU_BYTES }, bufCount: PTY_BUF_COUNT, consoleText: false };
  const sim = await startSimulator(options);
  const client = new SmpClient(await SerialTransport.open({ path: sim.serialPath!, baudRate: BAUD_RATE }), { timeoutMs: 5000 });
  try {
    const result = await uploadImage(client, img, { timeoutMs: 5000, link: { kind: 'serial', maxPacketBytes: SERIAL_MTU_BYTES } });
    const uploads = client.trace.entries.filter((e) => e.direction === 'out' && e.hex.slice(8, 12) === '0001' && e.hex.slice(14, 16) === '01');
    const framedBytes = uploads.reduce((sum, e) => sum + serialFramedBytes(e.hex.length / 2), 0);
    return { result, lineRateBytesPerSec: (img.length * (BAUD_RATE / 10)) / framedBytes };
  } finally {
    await client.close();
    await sim.stop();
  }
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** One upload run as reported: rate, the window used, and its ratio to the device's rate. */
export interface RunFigures {
  bufCount: number;
  window: number;
  bytesPerSec: number;
  /** This run's rate over what the device can take (chunk bytes per measured request time). */
  ofDeviceRateRatio: number;
  retransmits: number;
  isMatch: boolean;
}

/** A pair of runs with 4 buffers on one link, and how much the engine's default window gains. */
export interface LinkFigures {
  /** One-way latency added by the relay (0 = plain loopback). */
  oneWayLatencyMs: number;
  chunkDataBytes: number;
  /** Mean real duration of the device's processing sleep in the engine-default run. */
  measuredRequestMs: number;
  deviceRateBytesPerSec: number;
  /** Zephyr's defaults, 2048 × 2 buffers: the engine's default window is 1 here. */
  zephyr2Buf?: RunFigures;
  /** 4 buffers, window 1: stop-and-wait. */
  buf4StopAndWait: RunFigures;
  /** 4 buffers, the engine's default window (buf_count − 1). */
  buf4EngineDefault: RunFigures;
  buf4EngineDefaultVsStopAndWaitRatio: number;
}

/** Upload figures: the simulated device, loopback and latency links, and the pty. */
export interface UploadFigures {
  device: { processingMsPerRequest: number; bufSize: number; slotBytes: number };
  udp: { imageBytes: number; loopback: LinkFigures; latency: LinkFigures };
  pty: { imageBytes: number; baudRate: number; serialMtuBytes: number; bufCount: number; window: number; chunkDataBytes: number; bytesPerSec: number; framedLineRateBytesPerSec: number; ofFramedLineRateRatio: number };
}

function runFigures(bufCount: number, run: Run): RunFigures {
  const r = run.result;
  return {
    bufCount,
    window: r.window,
    bytesPerSec: Math.round(r.bytesPerSec),
    ofDeviceRateRatio: round(r.bytesPerSec / run.capacityBytesPerSec),
    retransmits: r.retransmits,
    isMatch: r.match === true,
  };
}

/** The 4-buffer pair (and optionally the 2-buffer run) on a link with `latencyMs` one way. */
async function linkFigures(img: Uint8Array, latencyMs: number, withZephyrDefaults: boolean): Promise<LinkFigures> {
  const zephyr = withZephyrDefaults ? await udpRun(2, undefined, latencyMs, img) : undefined;
  const stopAndWait = await udpRun(4, 1, latencyMs, img);
  const pipelined = await udpRun(4, undefined, latencyMs, img);
  return {
    oneWayLatencyMs: latencyMs,
    chunkDataBytes: pipelined.result.chunkDataBytes,
    measuredRequestMs: round(pipelined.requestMs),
    deviceRateBytesPerSec: Math.round(pipelined.capacityBytesPerSec),
    ...(zephyr === undefined ? {} : { zephyr2Buf: runFigures(2, zephyr) }),
    buf4StopAndWait: runFigures(4, stopAndWait),
    buf4EngineDefault: runFigures(4, pipelined),
    buf4EngineDefaultVsStopAndWaitRatio: round(pipelined.result.bytesPerSec / stopAndWait.result.bytesPerSec),
  };
}

/** Image upload throughput over UDP (loopback and a 10 ms latency link) and the pty. */
export async function benchUpload(): Promise<UploadFigures> {
  const udpImage = image(UDP_IMAGE_BYTES);
  const loopback = await linkFigures(udpImage, 0, true);
  const latency = await linkFigures(udpImage, LINK_LATENCY_MS, false);
  const pty = await ptyRun(image(PTY_IMAGE_BYTES));
  return {
    device: { processingMsPerRequest: PROCESSING_MS, bufSize: 2048, slotBytes: UDP_SLOT_BYTES },
    udp: { imageBytes: UDP_IMAGE_BYTES, loopback, latency },
    pty: {
      imageBytes: PTY_IMAGE_BYTES,
      baudRate: BAUD_RATE,
      serialMtuBytes: SERIAL_MTU_BYTES,
      bufCount: PTY_BUF_COUNT,
      window: pty.result.window,
      chunkDataBytes: pty.result.chunkDataBytes,
      bytesPerSec: Math.round(pty.result.bytesPerSec),
      framedLineRateBytesPerSec: Math.round(pty.lineRateBytesPerSec),
      // Unrounded: the goal (≥ 0.90) is judged on this figure.
      ofFramedLineRateRatio: pty.result.bytesPerSec / pty.lineRateBytesPerSec,
    },
  };
}

if (isMainModule(import.meta.url)) {
  const started = Date.now();
  const figures = await benchUpload();
  process.stdout.write(`${JSON.stringify({ ...figures, benchDurationMs: Date.now() - started }, null, 2)}\n`);
}
