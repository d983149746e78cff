/**
 * The SMP work queue between the endpoints and the dispatcher: every received buffer takes one
 * of the `bufCount` SMP buffers (none free → dropped silently), requests are processed one at a
 * time after `processingMs`, and the response takes a buffer while it is built (none free → the
 * request's own buffer carries `{rc: 2}`, as `smp_on_err` does).
 * @see docs/spec/smp.md §4.7
 */
import { sleep } from '../core/clock.ts';
import { BUS_FAULT_BANNER, type SimDevice } from './device.ts';
import { receivedBuffer } from './dispatch-faults.ts';
import { dispatchBuffer } from './dispatcher.ts';
import { hostileRequestAction } from './hostile-faults.ts';

/** Where a response goes (the endpoint that received the request, and to whom). */
export type ReplyFn = (packet: Uint8Array) => void;

interface Job {
  buffer: Uint8Array;
  reply: ReplyFn;
}

/** fs group, file command (docs/spec/smp.md §3.5). */
const FS_GROUP = 8;
const FS_FILE_ID = 0;
/** Header op of a write request. */
const OP_WRITE = 2;

/** A file upload request: op write, group fs, id file (the header is 8 bytes, group big-endian at 4). */
function isFsUpload(buffer: Uint8Array): boolean {
  return buffer.length >= 8 && ((buffer[0] ?? 0) & 0x07) === OP_WRITE && (((buffer[4] ?? 0) << 8) | (buffer[5] ?? 0)) === FS_GROUP && buffer[7] === FS_FILE_ID;
}

/** The death profiles: true when this request (the `nth` processed) kills the device, which then answers nothing. */
function dies(device: SimDevice, buffer: Uint8Array, nth: number): boolean {
  const faults = device.faults;
  if (faults.has('crash-on-fs-upload') && isFsUpload(buffer)) device.die(BUS_FAULT_BANNER, 'exit');
  const hangAfter = faults.param('hang-after-requests');
  if (hangAfter !== undefined && nth > hangAfter) device.die([], 'halt');
  const bannerAfter = faults.param('fault-banner');
  if (bannerAfter !== undefined && nth > bannerAfter) device.die(BUS_FAULT_BANNER, 'halt');
  return device.isCrashed;
}

/** Serialises request processing for all endpoints of one device. */
export class SmpServer {
  readonly #device: SimDevice;
  readonly #queue: Job[] = [];
  #isRunning = false;
  #isStopped = false;
  #responseCount = 0;
  #requestCount = 0;

  constructor(device: SimDevice) {
    this.#device = device;
  }

  /** Hand over one received SMP buffer; silently dropped when no buffer is free. */
  submit(buffer: Uint8Array, reply: ReplyFn): void {
    // An empty packet is ignored, unless the `short-packet-answered` fault answers it.
    const isIgnored = buffer.length === 0 && !this.#device.faults.has('short-packet-answered');
    if (this.#isStopped || isIgnored || !this.#device.takeBuffer()) return;
    this.#queue.push({ buffer: receivedBuffer(this.#device, buffer).slice(), reply });
    if (!this.#isRunning) void this.#run();
  }

  /** Stop processing; queued requests are discarded. */
  stop(): void {
    this.#isStopped = true;
    this.#queue.length = 0;
  }

  async #run(): Promise<void> {
    this.#isRunning = true;
    try {
      for (let job = this.#queue.shift(); job !== undefined && !this.#isStopped; job = this.#queue.shift()) {
        if (this.#device.options.processingMs > 0) await sleep(this.#device.options.processingMs, true);
        if (this.#isStopped) return;
        this.#process(job);
      }
    } finally {
      this.#isRunning = false;
    }
  }

  #process(job: Job): void {
    const device = this.#device;
    if (device.isCrashed || dies(device, job.buffer, ++this.#requestCount)) return;
    if (hostileRequestAction(device, job.buffer, performance.now()) === 'drop') {
      device.releaseBuffer();
      return;
    }
    const hasResponseBuffer = device.takeBuffer();
    const outcome = dispatchBuffer(device, job.buffer, { hasResponseBuffer });
    if (hasResponseBuffer) device.releaseBuffer();
    if (outcome.hadMalformedBody && device.faults.has('leak-buffer-on-malformed')) device.leakBuffer();
    else device.releaseBuffer();
    for (const packet of outcome.responses) this.#send(packet, job.reply);
    if (outcome.hadMalformedBody && device.faults.has('crash-after-malformed')) device.crash();
  }

  #send(packet: Uint8Array, reply: ReplyFn): void {
    this.#responseCount++;
    const nth = this.#device.faults.param('drop-every-nth');
    if (nth !== undefined && nth > 0 && this.#responseCount % nth === 0) return;
    const delayMs = this.#device.faults.param('slow-replies');
    if (delayMs === undefined || delayMs === 0) {
      reply(packet);
      return;
    }
    setTimeout(() => {
      if (!this.#isStopped) reply(packet);
    }, delayMs).unref();
  }
}
