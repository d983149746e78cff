/**
 * A counting gate for requests in flight: at most `size` at once, the rest wait in FIFO order.
 * A device with `buf_count` buffers drops what it cannot hold, so the client must not overrun it.
 * @see docs/spec/smp.md §4.7
 */
import { TransportClosedError } from '../errors.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** FIFO gate limiting how many requests are outstanding. */
export class RequestWindow {
  readonly size: number;
  #inFlight = 0;
  readonly #waiting: Waiter[] = [];
  #closedError: Error | undefined;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 255) {
      throw new RangeError(`window must be an integer 1..255, got ${size}`);
    }
    this.size = size;
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Take a slot if one is free right now (no promise on the hot path); false when full or closed. */
  tryAcquire(): boolean {
    if (this.#closedError || this.#inFlight >= this.size || this.#waiting.length > 0) return false;
    this.#inFlight++;
    return true;
  }

  /** Take a slot, waiting for one when the window is full. Rejects once the gate is closed. */
  acquire(): Promise<void> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (this.#inFlight < this.size) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Give a slot back; the oldest waiter takes it over. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next.resolve();
    else if (this.#inFlight > 0) this.#inFlight--;
  }

  /** Reject every waiter and all later `acquire` calls. */
  close(error: Error = new TransportClosedError()): void {
    this.#closedError = error;
    for (const w of this.#waiting.splice(0)) w.reject(error);
  }
}
