/**
 * Duplicate detection for incoming CON and NON messages (RFC 7252 §4.5): (peer, MID) pairs
 * remembered for EXCHANGE_LIFETIME / NON_LIFETIME with the reply sent, so a retransmitted
 * request gets the same reply again instead of being handled twice.
 * @see docs/spec/lwm2m.md §1.2, §1.4
 */

/** What was seen under one (peer, MID). */
export interface SeenMessage {
  /** The reply bytes sent (piggybacked response, empty ACK or RST); undefined while handling. */
  reply: Uint8Array | undefined;
  expiresAtMs: number;
  /** How many duplicates arrived. */
  duplicates: number;
}

/** Key of a (peer, MID) pair. */
export function dedupKey(address: string, port: number, messageId: number): string {
  return `${address}|${port}|${messageId}`;
}

/** A time-bounded map from (peer, MID) to the reply; entries leave in insertion order. */
export class DuplicateCache {
  readonly #seen = new Map<string, SeenMessage>();
  readonly #limit: number;

  /** `limit` bounds memory when a peer floods with fresh MIDs. */
  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The entry for `key` when it has not expired. */
  get(key: string, nowMs: number): SeenMessage | undefined {
    const e = this.#seen.get(key);
    if (e && e.expiresAtMs <= nowMs) {
      this.#seen.delete(key);
      return undefined;
    }
    return e;
  }

  /** Remember a fresh message; drops expired (and, past the limit, oldest) entries first. */
  remember(key: string, lifetimeMs: number, nowMs: number): SeenMessage {
    this.#prune(nowMs);
    const entry: SeenMessage = { reply: undefined, expiresAtMs: nowMs + lifetimeMs, duplicates: 0 };
    this.#seen.delete(key);
    this.#seen.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(nowMs: number): void {
    for (const [key, e] of this.#seen) {
      if (e.expiresAtMs > nowMs && this.#seen.size < this.#limit) break;
      this.#seen.delete(key);
    }
  }
}
