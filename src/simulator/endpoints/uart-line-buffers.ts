/**
 * The MCUmgr UART transport's receive line buffers (`CONFIG_MCUMGR_TRANSPORT_UART_RX_BUF_COUNT`,
 * commonly 2): the UART interrupt fills one buffer per line and hands it to the SMP work item,
 * which frees it after processing. A line that completes while every buffer is still waiting
 * is dropped whole, so a multi-line request written in one burst loses a line (seen on the real
 * device, captures README "Caveats"); a sender pacing its lines gets through.
 * @see docs/spec/smp.md §4.3, §6.3 item 34
 */

/** How long the work item takes to process one line (the interrupt-to-thread latency). */
export const UART_LINE_PROCESSING_MS = 2;

const NEWLINE = 0x0a;

/** Line buffers between received bytes and the line handler. */
export class UartLineBuffers {
  readonly #count: number;
  readonly #handle: (line: Uint8Array) => void;
  readonly #waiting: Uint8Array[] = [];
  #partial: Uint8Array[] = [];
  #timer: NodeJS.Timeout | undefined;
  #isStopped = false;

  constructor(count: number, handle: (line: Uint8Array) => void) {
    this.#count = Math.max(1, Math.floor(count));
    this.#handle = handle;
  }

  /** Take received bytes; complete lines queue for the handler or are dropped when no buffer is free. */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && !this.#isStopped) {
      const newline = bytes.indexOf(NEWLINE, at);
      const end = newline === -1 ? bytes.length : newline + 1;
      this.#partial.push(bytes.subarray(at, end));
      at = end;
      if (newline !== -1) this.#lineDone();
    }
  }

  /** Drop everything still waiting; nothing is handled afterwards. */
  stop(): void {
    this.#isStopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#waiting.length = 0;
  }

  #lineDone(): void {
    const parts = this.#partial;
    this.#partial = [];
    if (this.#waiting.length >= this.#count) return;
    const line = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      line.set(p, at);
      at += p.length;
    }
    this.#waiting.push(line);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiting.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const line = this.#waiting.shift();
      if (line !== undefined && !this.#isStopped) this.#handle(line);
      this.#schedule();
    }, UART_LINE_PROCESSING_MS);
    this.#timer.unref();
  }
}
