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

/**
 * A bounded in-memory trace; the oldest entries are dropped once `limit` is reached. A ring
 * buffer, so adding stays O(1) on long upload and property runs.
 */
export class TraceLog {
  readonly #ring: (TraceEntry | undefined)[];
  readonly #limit: number;
  /** Entries ever added: a position in the stream (what `mark()` returns). */
  #added = 0;
  constructor(limit = 100_000) {
    this.#limit = Math.max(1, limit);
    this.#ring = new Array<TraceEntry | undefined>(this.#limit);
  }
  add(entry: TraceEntry): void {
    this.#ring[this.#added % this.#limit] = entry;
    this.#added++;
  }
  /** Entries since `mark` (a value from `mark()`), oldest first, for per-case evidence. */
  since(mark: number): TraceEntry[] {
    const first = Math.max(mark, this.#added - this.#limit, 0);
    const out: TraceEntry[] = [];
    for (let i = first; i < this.#added; i++) out.push(this.#ring[i % this.#limit]!);
    return out;
  }
  /** A position to pass to `since` later. */
  mark(): number {
    return this.#added;
  }
  /** The entries still held, oldest first. */
  get entries(): readonly TraceEntry[] {
    return this.since(0);
  }
}
