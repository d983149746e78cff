/**
 * Line-rate emulation: bytes take 10 bit times each (8N1), so at 115200 baud a 127-byte line
 * takes about 11 ms. Chunks are delivered in order, each when its last byte would have arrived.
 */

/** Paces chunks of bytes at `baudRate / 10` bytes per second. */
export class LinePacer {
  readonly #bytesPerMs: number;
  #busyUntilMs = 0;
  #chain: Promise<void> = Promise.resolve();
  #isStopped = false;

  /** `baudRate` undefined or 0: no pacing (chunks pass straight through, still in order). */
  constructor(baudRate: number | undefined) {
    this.#bytesPerMs = baudRate !== undefined && baudRate > 0 ? baudRate / 10 / 1000 : 0;
  }

  /** Deliver `chunk` to `sink` once the line has carried it. A failing sink is ignored (a UART has no error path). */
  push(chunk: Uint8Array, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
    if (this.#bytesPerMs === 0) {
      this.#chain = this.#chain.then(() => (this.#isStopped ? undefined : sink(chunk))).catch(() => undefined);
      return this.#chain;
    }
    const now = performance.now();
    const start = Math.max(now, this.#busyUntilMs);
    this.#busyUntilMs = start + chunk.length / this.#bytesPerMs;
    const due = this.#busyUntilMs;
    this.#chain = this.#chain.then(async () => {
      const wait = due - performance.now();
      if (wait > 0) await new Promise<void>((r) => setTimeout(r, wait).unref());
      if (!this.#isStopped) await sink(chunk);
    }).catch(() => undefined);
    return this.#chain;
  }

  /** Drop everything still queued. */
  stop(): void {
    this.#isStopped = true;
  }
}
