/** Evidence: every frame in and out, timestamped, as hex plus decoded form. */
import { toHex } from './bytes.ts';

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

/** Turns a packet's bytes into the decoded form a trace entry shows. */
export type PacketDescriber = (bytes: Uint8Array) => unknown;

/**
 * A trace entry whose `hex` and `decoded` are computed on first read, so hot loops (uploads,
 * benchmarks) only keep the bytes. `toJSON` gives the full plain form.
 */
export class PacketTraceEntry implements TraceEntry {
  readonly direction: TraceDirection;
  readonly atNs: bigint;
  readonly note: string | undefined;
  readonly #bytes: Uint8Array;
  readonly #decode: PacketDescriber;
  #hex: string | undefined;
  #decoded: { value: unknown } | undefined;

  constructor(direction: TraceDirection, atNs: bigint, bytes: Uint8Array, note: string | undefined, decode: PacketDescriber) {
    this.direction = direction;
    this.atNs = atNs;
    this.note = note;
    this.#bytes = bytes;
    this.#decode = decode;
  }

  get hex(): string {
    this.#hex ??= toHex(this.#bytes);
    return this.#hex;
  }

  get decoded(): unknown {
    this.#decoded ??= { value: this.#decode(this.#bytes) };
    return this.#decoded.value;
  }

  /** Plain form for JSON evidence (getters live on the prototype, which JSON would skip). */
  toJSON(): TraceEntry {
    const out: TraceEntry = { direction: this.direction, atNs: this.atNs, hex: this.hex, decoded: this.decoded };
    if (this.note !== undefined) out.note = this.note;
    return out;
  }
}

/** Bytes of one block of packet storage (see `TraceLog.allocate`). */
const BLOCK_BYTES = 256 * 1024;
/** Larger packets get storage of their own. */
const MAX_BLOCK_PACKET = 16 * 1024;
/** Rows the columns start with; they double up to the log's limit. */
const FIRST_ROWS = 1024;
const DIRECTIONS: readonly TraceDirection[] = ['out', 'in', 'event'];
const DIRECTION_CODE: Readonly<Record<TraceDirection, number>> = { out: 0, in: 1, event: 2 };

/**
 * `items` extended with `undefined` to `length`, every slot filled: an array with holes (or one
 * lengthened by setting `length`) may fall back to slow dictionary storage once large.
 */
function packedArray<T>(items: readonly (T | undefined)[], length: number): (T | undefined)[] {
  const out = items.slice();
  while (out.length < length) out.push(undefined);
  return out;
}

/**
 * A bounded in-memory trace; the oldest entries are dropped once `limit` is reached. A ring, so
 * adding stays O(1) on long upload and property runs.
 *
 * Packets (`addPacket`) are stored in columns: a reference to their bytes, their time, direction,
 * note and describer in typed or plain arrays. Recording a packet thus allocates nothing: a client
 * sending hundreds of thousands of packets does not fill the garbage collector's young generation
 * with entry objects and timestamps that would all survive into the old generation. An entry
 * object is built on first read and kept for later reads.
 */
export class TraceLog {
  readonly #limit: number;
  /** Rows the columns hold now (grows to `#limit`; the ring wraps only at the limit). */
  #rows: number;
  /** Entries ever added: a position in the stream (what `mark()` returns). */
  #added = 0;
  /** Entry objects: those added with `add`, and packet entries once read. */
  #objects: (TraceEntry | undefined)[];
  #atNs: BigInt64Array;
  #direction: Uint8Array;
  #notes: (string | undefined)[];
  #describers: (PacketDescriber | undefined)[];
  #bytes: (Uint8Array | undefined)[];
  /** The block `allocate` hands out from, and how much of it is taken. */
  #block: Uint8Array | undefined;
  #blockUsed = 0;

  constructor(limit = 100_000) {
    this.#limit = Math.max(1, limit);
    this.#rows = Math.min(this.#limit, FIRST_ROWS);
    this.#objects = packedArray([], this.#rows);
    this.#atNs = new BigInt64Array(this.#rows);
    this.#direction = new Uint8Array(this.#rows);
    this.#notes = packedArray([], this.#rows);
    this.#describers = packedArray([], this.#rows);
    this.#bytes = packedArray([], this.#rows);
  }

  /** Record an entry object as it is. */
  add(entry: TraceEntry): void {
    const row = this.#nextRow();
    this.#objects[row] = entry;
    this.#describers[row] = undefined;
    this.#bytes[row] = undefined;
  }

  /**
   * Record a packet. The bytes are kept as given, not copied: the caller hands over bytes it will
   * not change. Their hex and decoded form (`describe(bytes)`) are computed only when the entry
   * is read.
   */
  addPacket(direction: TraceDirection, atNs: bigint, bytes: Uint8Array, note: string | undefined, describe: PacketDescriber): void {
    const row = this.#nextRow();
    this.#objects[row] = undefined;
    this.#atNs[row] = atNs;
    this.#direction[row] = DIRECTION_CODE[direction];
    this.#notes[row] = note;
    this.#describers[row] = describe;
    this.#bytes[row] = bytes;
  }

  /**
   * Storage, not zero-filled, for a packet of `n` bytes that is about to be built, sent and
   * recorded with `addPacket`: a slice of a large block, so the packet costs no allocation of its
   * own and the trace holds a few blocks instead of thousands of small buffers. A block is freed
   * by the garbage collector once no recorded entry and no caller refers to it any more.
   */
  allocate(n: number): Uint8Array {
    if (n > MAX_BLOCK_PACKET) return new Uint8Array(n);
    if (this.#block === undefined || this.#blockUsed + n > this.#block.length) {
      // Not zero-filled: every byte handed out is written by the packet's encoder before use.
      const block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
      this.#block = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
      this.#blockUsed = 0;
    }
    const out = this.#block.subarray(this.#blockUsed, this.#blockUsed + n);
    this.#blockUsed += n;
    return out;
  }

  /** Entries since `mark` (a value from `mark()`), oldest first, for per-case evidence. */
  since(mark: number): TraceEntry[] {
    const first = Math.max(mark, this.#added - this.#limit, 0);
    const out: TraceEntry[] = [];
    for (let i = first; i < this.#added; i++) out.push(this.#entryAt(i % this.#rows));
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

  /** The row for the next entry, growing the columns until the limit and dropping the oldest after. */
  #nextRow(): number {
    if (this.#added === this.#rows && this.#rows < this.#limit) this.#grow();
    const row = this.#added % this.#rows;
    this.#added++;
    return row;
  }

  #grow(): void {
    const rows = Math.min(this.#limit, this.#rows * 2);
    const grown = <T extends { set(a: T): void }>(make: (n: number) => T, old: T): T => {
      const a = make(rows);
      a.set(old);
      return a;
    };
    this.#atNs = grown((n) => new BigInt64Array(n), this.#atNs);
    this.#direction = grown((n) => new Uint8Array(n), this.#direction);
    this.#objects = packedArray(this.#objects, rows);
    this.#notes = packedArray(this.#notes, rows);
    this.#describers = packedArray(this.#describers, rows);
    this.#bytes = packedArray(this.#bytes, rows);
    this.#rows = rows;
  }

  /** The entry object of a row, built from the columns on first read. */
  #entryAt(row: number): TraceEntry {
    const there = this.#objects[row];
    if (there !== undefined) return there;
    const bytes = this.#bytes[row]!;
    const entry = new PacketTraceEntry(DIRECTIONS[this.#direction[row]!]!, this.#atNs[row]!, bytes, this.#notes[row], this.#describers[row]!);
    this.#objects[row] = entry;
    return entry;
  }
}
