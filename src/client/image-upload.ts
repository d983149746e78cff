/**
 * Pipelined MCUboot image upload over SMP: exact chunk sizes from the device's buffers and the
 * link, a window of outstanding chunks (buf_count − 1 by default: one buffer must stay free for
 * the reply, and a device with no free buffer drops the datagram silently), recovery from lost
 * replies (resend from the last acknowledged offset) and offset mismatches (resume where the
 * device says), optional erase first, and the device's `match` verdict.
 * @see docs/spec/smp.md §3.2.3, §3.2.4, §4.1, §4.7, §6.6
 */
import { DEFAULT_RESPONSE_TIMEOUT_MS } from '../core/timeouts.ts';
import { createHash } from 'node:crypto';
import { elapsedMs, nowNs } from '../core/clock.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { SmpVersion } from '../codec/smp/constants.ts';
import { imgCommands, type ImageUploadReq } from '../codec/smp/groups/img.ts';
import { osCommands } from '../codec/smp/groups/os.ts';
import { encodeSmpPacket } from '../codec/smp/message.ts';
import { ResponseTimeoutError } from '../errors.ts';
import { cborHeadBytes, maxChunkData, maxRequestBytes, type LinkLimits } from './chunk-size.ts';
import type { SmpClient } from './smp-client.ts';
import { describeErrorBody } from './device-probe.ts';
import { Flight, UploadRejectedError, type Outcome } from './upload-flight.ts';

export { UploadRejectedError } from './upload-flight.ts';

/** Progress of an upload, reported after every acknowledged chunk. */
export interface UploadProgress {
  /** Highest offset sent so far. */
  sentBytes: number;
  /** Offset the device has confirmed. */
  ackedBytes: number;
  totalBytes: number;
  bytesPerSec: number;
  /** Estimated time to finish at the current rate (Infinity before the first acknowledgement). */
  etaMs: number;
}

/** Options of `uploadImage`. */
export interface UploadOptions {
  /** Image number (`image` field of the first chunk; default: omitted, the device uses 0). */
  image?: number;
  /** Absolute slot with direct upload: sent as `image` = slot + 1 (Zephyr's direct-upload convention). */
  slot?: number;
  /** Chunks outstanding at once (default: buf_count − 1, at least 1). */
  window?: number;
  /** Upper bound on data bytes per chunk (default: the largest that fits). */
  chunkBytes?: number;
  /** Ask the device to refuse an image that is not newer than the running one. */
  upgrade?: boolean;
  /** Erase the target slot before uploading. */
  eraseFirst?: boolean;
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  /** Wait per chunk reply (default 2000 ms). */
  timeoutMs?: number;
  /** Consecutive recoveries without progress before giving up (default 8). */
  maxRetries?: number;
  /** Link limits; default: derived from the client's endpoint (`udp://` → 1500 bytes). */
  link?: LinkLimits;
  /** Header version bits (default SMP v2). */
  version?: number;
}

/** What an upload achieved. */
export interface UploadResult {
  bytes: number;
  durationMs: number;
  bytesPerSec: number;
  /** Chunk requests sent, retransmissions included. */
  chunks: number;
  /** Recoveries after a lost reply (timeout). */
  retransmits: number;
  /** Resumptions at an offset the device named (mismatch). */
  resumes: number;
  /** The device's verdict on the SHA-256 of the written data, when it reports one. */
  match?: boolean;
  /** Data bytes per chunk used (first chunk and continuation chunks may differ). */
  chunkDataBytes: number;
  window: number;
}

/** A chunk's request packet, encoded before its turn to be sent. */
interface PreparedChunk {
  off: number;
  end: number;
  bytes: Uint8Array;
}

/** Offset of the sequence number in the SMP header. @see docs/spec/smp.md §1.1 */
const SEQ_BYTE = 6;

const DEFAULT_TIMEOUT_MS = DEFAULT_RESPONSE_TIMEOUT_MS;

/** Link limits guessed from the endpoint string when the caller gives none. */
function linkFromEndpoint(endpoint: string): LinkLimits {
  const kind = endpoint.startsWith('udp') ? 'udp' : endpoint.startsWith('serial') ? 'serial' : 'memory';
  return { kind };
}

/** buf_size / buf_count from the device; undefined when it does not support MCUmgr params. */
async function readParams(client: SmpClient, timeoutMs: number): Promise<{ bufSize: number; bufCount: number } | undefined> {
  try {
    const reply = await client.request(smpRequest(osCommands.mcumgrParams, {}), { timeoutMs });
    const v = reply.decoded?.ok ? reply.decoded.value.value : undefined;
    return v ? { bufSize: v.buf_size, bufCount: v.buf_count } : undefined;
  } catch (e) {
    if (e instanceof ResponseTimeoutError) return undefined;
    throw e;
  }
}

/**
 * Upload `image` to the device. Rejects with `UploadRejectedError` on an error reply,
 * `ResponseTimeoutError` after `maxRetries` recoveries without progress, or the signal's reason.
 * @see docs/spec/smp.md §3.2.3
 */
export async function uploadImage(client: SmpClient, image: Uint8Array, options: UploadOptions = {}): Promise<UploadResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.image !== undefined && options.slot !== undefined) throw new RangeError('give image or slot, not both');
  const params = await readParams(client, timeoutMs);
  const link = { ...(options.link ?? linkFromEndpoint(client.endpoint)), bufSize: options.link?.bufSize ?? params?.bufSize };
  const window = options.window ?? Math.max(1, (params?.bufCount ?? 2) - 1);
  if (!Number.isInteger(window) || window < 1 || window > 64) throw new RangeError(`window must be 1..64, got ${window}`);
  if (options.eraseFirst) await eraseSlot(client, options.slot, timeoutMs);
  const upload = new UploadRun(client, image, options, maxRequestBytes(link), window, timeoutMs);
  return upload.run();
}

async function eraseSlot(client: SmpClient, slot: number | undefined, timeoutMs: number): Promise<void> {
  // Erase is synchronous on the device and may take seconds on real flash.
  const reply = await client.request(smpRequest(imgCommands.erase, slot === undefined ? {} : { slot }), { timeoutMs: Math.max(timeoutMs, 10_000) });
  if (reply.body.kind !== 'ok') throw new UploadRejectedError(`erase refused: ${describeErrorBody(reply.body)}`, 0, reply.body);
}

/** One upload: the sliding window, recovery and bookkeeping. */
class UploadRun {
  readonly #client: SmpClient;
  readonly #image: Uint8Array;
  readonly #options: UploadOptions;
  readonly #limitBytes: number;
  readonly #window: number;
  readonly #timeoutMs: number;
  readonly #sha: Uint8Array;
  readonly #startNs = nowNs();
  readonly #flights: Flight[] = [];
  #acked = 0;
  #next = 0;
  #sent = 0;
  #chunks = 0;
  #retransmits = 0;
  #resumes = 0;
  #failures = 0;
  #chunkDataBytes = 0;
  #match: boolean | undefined;
  #prepared: PreparedChunk | undefined;
  /** Chunk packets are built in the client's trace storage, where they are recorded when sent. */
  readonly #allocate = (n: number): Uint8Array => this.#client.trace.allocate(n);
  /** Chunk data size per width of the `off` integer (-1: the first chunk). */
  readonly #sizeByOffWidth = new Map<number, number>();

  constructor(client: SmpClient, image: Uint8Array, options: UploadOptions, limitBytes: number, window: number, timeoutMs: number) {
    this.#client = client;
    this.#image = image;
    this.#options = options;
    this.#limitBytes = limitBytes;
    this.#window = window;
    this.#timeoutMs = timeoutMs;
    this.#sha = new Uint8Array(createHash('sha256').update(image).digest());
  }

  /** Set once the pump has stopped (finished, aborted, failed, or a chunk needs recovery). */
  #halted = false;
  #wake: (() => void) | undefined;
  #pumping = false;
  #failure: { error: unknown } | undefined;
  /** A chunk's outcome is in: the head of the window moves the upload on at once. */
  readonly #onSettled = (flight: Flight): void => {
    if (!this.#halted && flight === this.#flights[0]) this.#pump();
  };

  /**
   * Chunks are sent and acknowledged by `#pump`, called from each reply's delivery; this loop
   * waits for it to stop and does what it cannot: recover from a lost or unexpected reply.
   */
  async run(): Promise<UploadResult> {
    const total = this.#image.length;
    while (this.#acked < total) {
      this.#halted = false;
      const halted = new Promise<void>((resolve) => (this.#wake = resolve));
      this.#pump();
      await halted;
      if (this.#failure !== undefined) throw this.#failure.error;
      this.#options.signal?.throwIfAborted();
      const head = this.#flights[0];
      if (head?.outcome === undefined) break;
      this.#flights.shift();
      await this.#recover(head.outcome);
    }
    const durationMs = elapsedMs(this.#startNs);
    const result: UploadResult = {
      bytes: total, durationMs, bytesPerSec: durationMs > 0 ? (total * 1000) / durationMs : 0, chunks: this.#chunks,
      retransmits: this.#retransmits, resumes: this.#resumes, chunkDataBytes: this.#chunkDataBytes, window: this.#window,
    };
    if (this.#match !== undefined) result.match = this.#match;
    return result;
  }

  /** Move the upload on as far as it goes; a failure stops it, for `run` to throw. */
  #pump(): void {
    if (this.#pumping || this.#halted) return;
    this.#pumping = true;
    try {
      this.#pumpSteps();
    } catch (error) {
      this.#failure ??= { error };
      this.#stop();
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * Take the acknowledged chunks off the head of the window, refill it, and encode the chunk
   * after; stop when done, aborted, out of chunks, or when the head needs recovery.
   */
  #pumpSteps(): void {
    const total = this.#image.length;
    for (;;) {
      let head = this.#flights[0];
      while (head !== undefined && head.isAcknowledged) {
        this.#flights.shift();
        this.#advance(head.end, head.outcome?.kind === 'reply' ? head.outcome.match : undefined);
        head = this.#flights[0];
      }
      if (this.#options.signal?.aborted || this.#acked >= total || head?.outcome !== undefined) return this.#stop();
      while (this.#flights.length < this.#window && this.#next < total) this.#send();
      if (this.#flights.length === 0) return this.#stop();
      // A send that failed at once settles its chunk during the loop above: look again.
      if (this.#flights[0]!.outcome === undefined) return this.#prepare();
    }
  }

  #stop(): void {
    this.#halted = true;
    this.#wake?.();
    this.#wake = undefined;
  }

  /** The request fields of the chunk at `off` (first chunk: image, len, sha, upgrade). */
  #fields(off: number): Omit<ImageUploadReq, 'data'> {
    if (off !== 0) return { off };
    const o = this.#options;
    const image = o.slot !== undefined ? o.slot + 1 : o.image;
    return {
      ...(image === undefined ? {} : { image }), len: this.#image.length, off: 0, sha: this.#sha,
      ...(o.upgrade === undefined ? {} : { upgrade: o.upgrade }),
    };
  }

  /**
   * Send the chunk at `#next`. Its packet is usually encoded already (see `#prepare`), while the
   * previous replies were on their way; only the sequence number byte is set at sending time.
   */
  #send(): void {
    const off = this.#next;
    const chunk = this.#prepared?.off === off ? this.#prepared : this.#encode(off);
    this.#prepared = undefined;
    const cmd = imgCommands.upload;
    const seq = this.#client.nextSeq();
    chunk.bytes[SEQ_BYTE] = seq;
    const flight = new Flight(off, chunk.end, this.#onSettled);
    this.#flights.push(flight);
    this.#client.exchangeRawWith(chunk.bytes, { group: cmd.group, id: cmd.id, seq }, this.#timeoutMs, flight);
    this.#next = chunk.end;
    this.#sent = Math.max(this.#sent, this.#next);
    this.#chunks++;
  }

  /** Encode the chunk that follows the ones in flight, so it leaves as soon as a reply makes room. */
  #prepare(): void {
    if (this.#next < this.#image.length && this.#prepared?.off !== this.#next) this.#prepared = this.#encode(this.#next);
  }

  /** The request packet for the chunk at `off` (sequence number 0 until sent). */
  #encode(off: number): PreparedChunk {
    const fields = this.#fields(off);
    const size = this.#chunkSize(fields);
    const data = this.#image.subarray(off, Math.min(off + size, this.#image.length));
    this.#chunkDataBytes = Math.max(this.#chunkDataBytes, data.length);
    const cmd = imgCommands.upload;
    // A continuation chunk's body is {off, data}, in the command's key order: built directly, as it
    // is for every chunk of the upload.
    const body = off === 0 ? smpRequest(cmd, { ...fields, data }).body : { off, data };
    const bytes = encodeSmpPacket({ op: cmd.op, group: cmd.group, id: cmd.id, seq: 0, version: this.#options.version ?? SmpVersion.V2, body }, this.#allocate);
    return { off, end: off + data.length, bytes };
  }

  /**
   * Data bytes for a chunk with these fields. Continuation chunks differ only in the width of
   * the `off` integer, so their size is computed once per width.
   */
  #chunkSize(fields: Omit<ImageUploadReq, 'data'>): number {
    const key = fields.off === 0 ? -1 : cborHeadBytes(fields.off ?? 0);
    let size = this.#sizeByOffWidth.get(key);
    if (size === undefined) {
      size = maxChunkData(fields, this.#limitBytes);
      if (this.#options.chunkBytes !== undefined) size = Math.min(size, this.#options.chunkBytes);
      if (size <= 0 || (fields.off === 0 && size < Math.min(32, this.#image.length))) {
        throw new RangeError(`a request of at most ${this.#limitBytes} bytes cannot carry an upload chunk`);
      }
      this.#sizeByOffWidth.set(key, size);
    }
    return size;
  }

  #advance(off: number, match: boolean | undefined): void {
    if (off > this.#acked) this.#failures = 0;
    this.#acked = Math.max(this.#acked, off);
    if (match !== undefined) this.#match = match;
    if (this.#options.onProgress === undefined) return;
    const elapsed = elapsedMs(this.#startNs);
    const rate = elapsed > 0 ? (this.#acked * 1000) / elapsed : 0;
    const remaining = this.#image.length - this.#acked;
    this.#options.onProgress({
      sentBytes: this.#sent, ackedBytes: this.#acked, totalBytes: this.#image.length, bytesPerSec: rate,
      etaMs: remaining === 0 ? 0 : rate > 0 ? (remaining * 1000) / rate : Number.POSITIVE_INFINITY,
    });
  }

  /**
   * A reply was lost or named another offset: let every chunk in flight finish (the device
   * handles them in order), then continue from the last offset the device named, or from the
   * last acknowledged offset when no later reply came.
   */
  async #recover(first: Outcome): Promise<void> {
    const total = this.#image.length;
    let latest: Outcome = first;
    let finished: Outcome | undefined = first.kind === 'reply' && first.off === total ? first : undefined;
    let hadTimeout = first.kind === 'timeout';
    for (const flight of this.#flights.splice(0)) {
      const o = await flight.settled();
      if (o.kind === 'timeout') hadTimeout = true;
      else latest = o;
      // After "done" (e.g. the slot already held this image) later chunks hear "no upload: off 0".
      if (o.kind === 'reply' && o.off === total) finished ??= o;
    }
    if (finished?.kind === 'reply') return this.#advance(total, finished.match);
    if (latest.kind === 'error') throw latest.error;
    if (latest.kind === 'reply') {
      if (latest.off > total) throw new UploadRejectedError(`device expects offset ${latest.off}, past the image end ${total}`, latest.off);
      if (first.kind === 'reply') this.#resumes++;
      this.#advance(latest.off, latest.match);
      // The device may also name an offset below the acknowledged one (it lost its upload state).
      this.#acked = latest.off;
    }
    if (hadTimeout) this.#retransmits++;
    this.#next = this.#acked;
    if (++this.#failures > (this.#options.maxRetries ?? 8)) {
      throw new ResponseTimeoutError(`image upload at offset ${this.#acked} to ${this.#client.endpoint}`, this.#timeoutMs);
    }
  }
}
