/** Evidence: every frame in and out, timestamped, as hex plus decoded form. */

export type TraceDirection = 'out' | 'in' | 'event';

export interface TraceEntry {
  direction: TraceDirection;
  /** `process.hrtime.bigint()` when the bytes were handed to / received from the transport. */
  atNs: bigint;
  /** Exact bytes (the SMP packet; for raw sends, the bytes as written). */
  hex: string;
  /** Decoded form (header and body), or a decode error description. */
  decoded?: unknown;
  /** Free text: 'raw', 'timeout', framing event kind, … */
  note?: string;
}

/** A bounded in-memory trace; old entries are dropped once `limit` is reached. */
export class TraceLog {
  readonly #entries: TraceEntry[] = [];
  readonly #limit: number;
  #dropped = 0;
  constructor(limit = 100_000) {
    this.#limit = limit;
  }
  add(entry: TraceEntry): void {
    if (this.#entries.length >= this.#limit) {
      this.#entries.shift();
      this.#dropped++;
    }
    this.#entries.push(entry);
  }
  /** Entries since `mark` (a value from `mark()`), for per-case evidence. */
  since(mark: number): TraceEntry[] {
    const start = Math.max(0, mark - this.#dropped);
    return this.#entries.slice(start);
  }
  /** A position to pass to `since` later. */
  mark(): number {
    return this.#dropped + this.#entries.length;
  }
  get entries(): readonly TraceEntry[] {
    return this.#entries;
  }
}
