/**
 * Malformed requests per second against the simulator over UDP, with liveness checks: frames
 * from `arbMalformedPacket` (lying lengths, bad versions/ops/flags, non-map and truncated CBOR,
 * wrong types, huge claims, deep nesting, random damage) streamed through a raw dgram socket in
 * windows of WINDOW_FRAMES, each window followed by an echo that must be answered before the next
 * window goes out (so at most one window is outstanding). Replies and silences are counted.
 * @see docs/spec/smp.md §6.1, §6.2, §6.5
 */
import { createSocket, type Socket } from 'node:dgram';
import fc from 'fast-check';
import { decodeCbor } from '../src/codec/cbor/cbor.ts';
import { arbMalformedPacket } from '../src/codec/smp/arbitraries.ts';
import { decodeSmpPacket, encodeSmpPacket } from '../src/codec/smp/message.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { isMainModule } from './is-main.ts';

/** Malformed frames sent between two liveness checks. */
export const WINDOW_FRAMES = 100;
/** How long frames are streamed (after a warm-up window). */
const MEASURE_MS = 3000;
/** Distinct frames generated up front (reused in a cycle, so generation is not measured). */
const SAMPLE_FRAMES = 3000;
/** A liveness echo unanswered for this long counts as failed. */
const LIVENESS_TIMEOUT_MS = 1000;
const SEED = 4242;

/** Figures of the malformed-frame run. */
export interface MalformedFigures {
  framesPerSec: number;
  framesSent: number;
  /** Packets that came back for malformed frames (error replies, or answers to frames that still parsed). */
  repliesToFrames: number;
  /**
   * Frames sent minus packets back: frames the device dropped silently (as §6.2 allows for
   * damage). A lower bound, since a frame carrying two packets can be answered twice.
   */
  silentFrames: number;
  livenessChecks: number;
  livenessPassed: number;
  windowFrames: number;
  distinctFrames: number;
  seed: number;
}

/** The text a liveness echo carries, unique per check. */
const liveText = (n: number): string => `live-${n}`;

/** The echoed text of a reply, when it is an echo reply (op 3, group 0, id 0) with `r`. */
function echoedText(bytes: Uint8Array): string | undefined {
  const p = decodeSmpPacket(bytes);
  if (!p.ok || p.value.header.op !== 3 || p.value.header.group !== 0 || p.value.header.id !== 0) return undefined;
  const body = decodeCbor(p.value.payload);
  if (!body.ok || typeof body.value !== 'object' || body.value === null || !('r' in body.value)) return undefined;
  const r = (body.value as { r: unknown }).r;
  return typeof r === 'string' ? r : undefined;
}

class Stream {
  replies = 0;
  #waiting: { text: string; done: (isAnswered: boolean) => void } | undefined;

  constructor(readonly socket: Socket) {
    socket.on('message', (msg) => {
      const text = echoedText(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
      if (text !== undefined && text === this.#waiting?.text) this.#waiting.done(true);
      else this.replies++;
    });
  }

  /** Send one window of frames then a liveness echo; resolves true when the echo is answered. */
  window(frames: readonly Uint8Array[], check: number): Promise<boolean> {
    for (const f of frames) this.socket.send(f);
    const text = liveText(check);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(resolve, false), LIVENESS_TIMEOUT_MS);
      this.#waiting = {
        text,
        done: (isAnswered) => {
          clearTimeout(timer);
          this.#settle(resolve, isAnswered);
        },
      };
      this.socket.send(encodeSmpPacket({ op: 2, group: 0, id: 0, seq: check & 0xff, body: { d: text } }));
    });
  }

  #settle(resolve: (v: boolean) => void, isAnswered: boolean): void {
    this.#waiting = undefined;
    resolve(isAnswered);
  }
}

/** Stream malformed frames for MEASURE_MS with an echo liveness check after every window. */
export async function benchMalformed(): Promise<MalformedFigures> {
  const frames = fc.sample(arbMalformedPacket, { numRuns: SAMPLE_FRAMES, seed: SEED }).map((f) => f.bytes).filter((b) => b.length > 0);
  const sim = await startSimulator({ udp: { port: 0 }, serial: false });
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(sim.udp!.port, sim.udp!.host, resolve));
  const stream = new Stream(socket);
  const windowAt = (i: number): Uint8Array[] => Array.from({ length: WINDOW_FRAMES }, (_, k) => frames[(i * WINDOW_FRAMES + k) % frames.length]!);
  try {
    await stream.window(windowAt(0), 0);
    stream.replies = 0;
    let checks = 0;
    let passed = 0;
    const started = performance.now();
    while (performance.now() - started < MEASURE_MS) {
      checks++;
      if (await stream.window(windowAt(checks), checks)) passed++;
    }
    const elapsedMs = performance.now() - started;
    const framesSent = checks * WINDOW_FRAMES;
    return {
      framesPerSec: Math.round((framesSent * 1000) / elapsedMs),
      framesSent,
      repliesToFrames: stream.replies,
      silentFrames: Math.max(0, framesSent - stream.replies),
      livenessChecks: checks,
      livenessPassed: passed,
      windowFrames: WINDOW_FRAMES,
      distinctFrames: frames.length,
      seed: SEED,
    };
  } finally {
    socket.close();
    await sim.stop();
  }
}

if (isMainModule(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchMalformed(), null, 2)}\n`);
}
