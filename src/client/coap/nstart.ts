/**
 * NSTART (RFC 7252 §4.7): at most NSTART outstanding interactions with one peer; further
 * requests wait in arrival order until an earlier one stops being outstanding (its ACK, RST or
 * response arrived, or it was given up).
 * @see docs/spec/lwm2m.md §1.7
 */

/** RFC 7252 §4.8 default: one outstanding interaction per peer. */
export const DEFAULT_NSTART = 1;

/** Largest NSTART accepted (a bound, not a recommendation: the RFC's default is 1). */
export const MAX_NSTART = 1024;

/** The number, checked: an integer 1-1024. */
export function checkedNstart(nstart: number): number {
  if (!Number.isInteger(nstart) || nstart < 1 || nstart > MAX_NSTART) throw new RangeError(`NSTART ${nstart} out of 1-${MAX_NSTART}`);
  return nstart;
}

interface PeerSlots {
  outstanding: number;
  waiting: (() => void)[];
}

/** Outstanding interactions by peer key, and the requests waiting for a slot. */
export class NstartLimiter {
  readonly nstart: number;
  readonly #peers = new Map<string, PeerSlots>();

  constructor(nstart = DEFAULT_NSTART) {
    this.nstart = checkedNstart(nstart);
  }

  /**
   * Run `start` now when the peer has a free slot, else once one frees up. `start` must lead to
   * exactly one `release(key)` call (when the interaction stops being outstanding).
   */
  acquire(key: string, start: () => void): void {
    let slots = this.#peers.get(key);
    if (!slots) this.#peers.set(key, (slots = { outstanding: 0, waiting: [] }));
    if (slots.outstanding < this.nstart) {
      slots.outstanding++;
      start();
    } else {
      slots.waiting.push(start);
    }
  }

  /** One interaction with the peer ended: the next waiting request (if any) takes its slot. */
  release(key: string): void {
    const slots = this.#peers.get(key);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) return next();
    slots.outstanding = Math.max(0, slots.outstanding - 1);
    if (slots.outstanding === 0) this.#peers.delete(key);
  }

  /** Outstanding interactions with the peer. */
  outstanding(key: string): number {
    return this.#peers.get(key)?.outstanding ?? 0;
  }

  /** Requests waiting for a slot with the peer. */
  waiting(key: string): number {
    return this.#peers.get(key)?.waiting.length ?? 0;
  }

  /** Drop every waiting request without starting it (the endpoint closes; their owners reject them). */
  clear(): void {
    this.#peers.clear();
  }
}
