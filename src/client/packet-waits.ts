/**
 * Bookkeeping of requests waiting for their response, keyed on (group, id, seq). Built for the
 * hot path: one small object and one promise per request; timers are the client's (one per client).
 * @see docs/spec/smp.md §1.6, §7 (responses match on seq, group and command)
 */
import { ResponseTimeoutError } from '../errors.ts';
import type { ReceivedPacket } from './packet-view.ts';

/** Key of a (group, id, seq) triple; group is 16 bits, id and seq 8 bits each. */
export function matchKey(group: number, id: number, seq: number): number {
  return group * 65536 + id * 256 + seq;
}

function ignore(): void {
  // A wait rejected while nobody awaits it yet (close during a failing send) must not crash.
}

/** What a wait does when it ends: the matching packet, or the error (timeout, failed send, close). */
export interface WaitSettlement {
  resolve(p: ReceivedPacket): void;
  reject(e: Error): void;
}

const IGNORED: WaitSettlement = { resolve: ignore, reject: ignore };

/**
 * One wait for a response packet. `op` undefined accepts any op (raw exchanges). It tells its
 * `settle` how it ended: a promise's resolve and reject (see `promisedWait`), or an object of the
 * caller's own (the upload engine's chunk in flight), which costs no promise at all.
 */
export class PacketWait {
  readonly key: number;
  readonly op: number | undefined;
  readonly name: string;
  readonly timeoutMs: number;
  /** `performance.now()` after which the wait fails. */
  readonly deadlineMs: number;
  readonly #settle: WaitSettlement;

  constructor(key: number, op: number | undefined, name: string, timeoutMs: number, settle: WaitSettlement = IGNORED) {
    this.key = key;
    this.op = op;
    this.name = name;
    this.timeoutMs = timeoutMs;
    this.deadlineMs = performance.now() + timeoutMs;
    this.#settle = settle;
  }

  /** What timed out, for the error message: `os.echo (group 0 id 0 seq 3)`. */
  describe(): string {
    const seq = this.key & 0xff;
    const id = (this.key >> 8) & 0xff;
    const group = Math.floor(this.key / 65536);
    return `${this.name} (group ${group} id ${id} seq ${seq})`;
  }

  /** Settle with the matching packet. */
  resolve(p: ReceivedPacket): void {
    this.#settle.resolve(p);
  }

  /** Settle with a timeout, send or close error. */
  reject(e: Error): void {
    this.#settle.reject(e);
  }
}

/**
 * A wait settled through a promise. `isAwaitedAtOnce`: the caller awaits the promise before
 * control returns to the event loop, so a rejection always has a handler; otherwise (the promise
 * is handed out) a rejection nobody awaits yet is marked handled, so it cannot crash the process.
 */
export function promisedWait(key: number, op: number | undefined, name: string, timeoutMs: number, isAwaitedAtOnce = false): { wait: PacketWait; promise: Promise<ReceivedPacket> } {
  let settle: WaitSettlement = IGNORED;
  const promise = new Promise<ReceivedPacket>((resolve, reject) => {
    settle = { resolve, reject };
  });
  if (!isAwaitedAtOnce) promise.catch(ignore);
  return { wait: new PacketWait(key, op, name, timeoutMs, settle), promise };
}

/**
 * Waits by key, oldest first; a key holds several only when a caller repeats a seq on purpose.
 * A settled key keeps its slot (set to undefined) instead of being deleted: one request after
 * another on the same few keys would otherwise shrink and regrow the map's table every time.
 * Empty slots are swept once there are many of them (fuzzing uses many distinct keys).
 */
export class PacketWaits {
  readonly #byKey = new Map<number, PacketWait | PacketWait[] | undefined>();
  #emptySlots = 0;

  /** True when some request waits on this key. */
  has(key: number): boolean {
    return this.#byKey.get(key) !== undefined;
  }

  /** Register a wait behind any others on the same key. */
  add(w: PacketWait): void {
    const there = this.#byKey.get(w.key);
    if (there === undefined) {
      if (this.#byKey.has(w.key)) this.#emptySlots--;
      this.#byKey.set(w.key, w);
    } else if (Array.isArray(there)) there.push(w);
    else this.#byKey.set(w.key, [there, w]);
  }

  /** Forget a wait (answered, expired or withdrawn); false when it was no longer registered. */
  remove(w: PacketWait): boolean {
    const there = this.#byKey.get(w.key);
    if (there === w) {
      this.#empty(w.key);
      return true;
    }
    if (!Array.isArray(there) || !there.includes(w)) return false;
    const rest = there.filter((x) => x !== w);
    if (rest.length === 0) this.#empty(w.key);
    else this.#byKey.set(w.key, rest.length === 1 ? rest[0]! : rest);
    return true;
  }

  /** Take the oldest wait for this packet's (group, id, seq) that accepts its op, if any. */
  take(group: number, id: number, seq: number, op: number): PacketWait | undefined {
    const there = this.#byKey.get(matchKey(group, id, seq));
    if (there === undefined) return undefined;
    const w = Array.isArray(there) ? there.find((x) => x.op === undefined || x.op === op) : there.op === undefined || there.op === op ? there : undefined;
    if (w) this.remove(w);
    return w;
  }

  /** Every wait, oldest first per key. */
  all(): PacketWait[] {
    return this.#values();
  }

  /** Remove and return every wait (on close). */
  drain(): PacketWait[] {
    const all = this.#values();
    this.#byKey.clear();
    this.#emptySlots = 0;
    return all;
  }

  #values(): PacketWait[] {
    const out: PacketWait[] = [];
    for (const v of this.#byKey.values()) {
      if (Array.isArray(v)) out.push(...v);
      else if (v !== undefined) out.push(v);
    }
    return out;
  }

  #empty(key: number): void {
    this.#byKey.set(key, undefined);
    if (++this.#emptySlots <= MAX_EMPTY_SLOTS) return;
    for (const [k, v] of this.#byKey) if (v === undefined) this.#byKey.delete(k);
    this.#emptySlots = 0;
  }
}

/** Settled keys kept before a sweep: a few per (group, id) in use is plenty. */
const MAX_EMPTY_SLOTS = 1024;

/** The error a wait rejects with when its time is up. */
export function timeoutError(w: PacketWait, endpoint: string): ResponseTimeoutError {
  return new ResponseTimeoutError(`${w.describe()} to ${endpoint}`, w.timeoutMs);
}
