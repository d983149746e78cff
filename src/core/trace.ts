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

/** Bytes of one arena block; a larger packet gets a block of its own. */
const BLOCK_BYTES = 256 * 1024;
/** Released arena blocks kept for reuse. */
const MAX_SPARE_BLOCKS = 4;
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

/** One block of the byte arena and the last entry (stream position) whose bytes it holds. */
interface ArenaBlock {
  bytes: Uint8Array;
  used: number;
  lastEntry: number;
}

/**
 * A bounded in-memory trace; the oldest entries are dropped once `limit` is reached. A ring, so
 * adding stays O(1) on long upload and property runs.
 *
 * Packets (`addPacket`) are stored in columns: their bytes copied into large arena blocks, their
 * time, direction, note and describer in typed or plain arrays. Recording a packet thus leaves no
 * object behind per entry: a client sending hundreds of thousands of packets keeps the garbage
 * collector's young generation free of trace entries, which would otherwise all survive into the
 * old generation. An entry object is built on first read and kept for later reads.
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
  /** Arena block number (see `#blocks`), offset and length of each packet row's bytes. */
  #block: Float64Array;
  #offset: Int32Array;
  #length: Int32Array;
  /** Live arena blocks, oldest first; `#firstBlock` is the number of `#blocks[0]`. */
  readonly #blocks: ArenaBlock[] = [];
  #firstBlock = 0;
  /** Released blocks kept for reuse: a full ring then records without allocating. */
  readonly #spare: Uint8Array[] = [];

  constructor(limit = 100_000) {
    this.#limit = Math.max(1, limit);
    this.#rows = Math.min(this.#limit, FIRST_ROWS);
    this.#objects = packedArray([], this.#rows);
    this.#atNs = new BigInt64Array(this.#rows);
    this.#direction = new Uint8Array(this.#rows);
    this.#notes = packedArray([], this.#rows);
    this.#describers = packedArray([], this.#rows);
    this.#block = new Float64Array(this.#rows);
    this.#offset = new Int32Array(this.#rows);
    this.#length = new Int32Array(this.#rows);
  }

  /** Record an entry object as it is. */
  add(entry: TraceEntry): void {
    const row = this.#nextRow();
    this.#objects[row] = entry;
    this.#describers[row] = undefined;
  }

  /**
   * Record a packet: its bytes are copied (later changes to `bytes` do not alter the evidence),
   * and its hex and decoded form (`describe(bytes)`) are computed only when the entry is read.
   */
  addPacket(direction: TraceDirection, atNs: bigint, bytes: Uint8Array, note: string | undefined, describe: PacketDescriber): void {
    const row = this.#nextRow();
    this.#objects[row] = undefined;
    this.#atNs[row] = atNs;
    this.#direction[row] = DIRECTION_CODE[direction];
    this.#notes[row] = note;
    this.#describers[row] = describe;
    const block = this.#blockFor(bytes.length);
    block.bytes.set(bytes, block.used);
    this.#block[row] = this.#firstBlock + this.#blocks.length - 1;
    this.#offset[row] = block.used;
    this.#length[row] = bytes.length;
    block.used += bytes.length;
    block.lastEntry = this.#added - 1;
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
    if (this.#added > this.#rows) this.#releaseBlocks();
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
    this.#block = grown((n) => new Float64Array(n), this.#block);
    this.#offset = grown((n) => new Int32Array(n), this.#offset);
    this.#length = grown((n) => new Int32Array(n), this.#length);
    this.#objects = packedArray(this.#objects, rows);
    this.#notes = packedArray(this.#notes, rows);
    this.#describers = packedArray(this.#describers, rows);
    this.#rows = rows;
  }

  /** Drop arena blocks whose every row has been overwritten. */
  #releaseBlocks(): void {
    const oldestLive = this.#added - this.#rows;
    while (this.#blocks.length > 1 && this.#blocks[0]!.lastEntry < oldestLive) {
      const released = this.#blocks.shift()!;
      this.#firstBlock++;
      if (released.bytes.length === BLOCK_BYTES && this.#spare.length < MAX_SPARE_BLOCKS) this.#spare.push(released.bytes);
    }
  }

  /** An arena block with room for `n` more bytes (a new one when the newest is full). */
  #blockFor(n: number): ArenaBlock {
    const last = this.#blocks[this.#blocks.length - 1];
    if (last !== undefined && last.used + n <= last.bytes.length) return last;
    const bytes = n <= BLOCK_BYTES ? (this.#spare.pop() ?? new Uint8Array(BLOCK_BYTES)) : new Uint8Array(n);
    const block: ArenaBlock = { bytes, used: 0, lastEntry: this.#added - 1 };
    this.#blocks.push(block);
    return block;
  }

  /**
   * The entry object of a row, built from the columns on first read. Its bytes are a copy: arena
   * blocks are reused once the ring has moved past them, and an entry may outlive its row.
   */
  #entryAt(row: number): TraceEntry {
    const there = this.#objects[row];
    if (there !== undefined) return there;
    const at = this.#offset[row]!;
    const block = this.#blocks[this.#block[row]! - this.#firstBlock]!;
    const bytes = block.bytes.slice(at, at + this.#length[row]!);
    const entry = new PacketTraceEntry(DIRECTIONS[this.#direction[row]!]!, this.#atNs[row]!, bytes, this.#notes[row], this.#describers[row]!);
    this.#objects[row] = entry;
    return entry;
  }
}
