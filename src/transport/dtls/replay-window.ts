/**
 * Anti-replay sliding window over 48-bit record sequence numbers of one epoch.
 * @see RFC 6347 §4.1.2.6 (window of at least 32; 64 here, as RFC 4303 §3.4.3 suggests)
 */

/** Window width in records. */
export const REPLAY_WINDOW_SIZE = 64;

/**
 * Tracks which sequence numbers were accepted. `check` before authenticating a record and `mark`
 * only after it authenticated, so forged records cannot move the window.
 */
export class ReplayWindow {
  /** Highest accepted sequence number, -1 before the first. */
  private highest = -1;
  /** Bit i set = `highest - i` was accepted. */
  private bits = 0n;

  /** Whether `seq` is new and not older than the window. */
  check(seq: number): 'fresh' | 'replay' | 'too-old' {
    if (seq > this.highest) return 'fresh';
    const age = this.highest - seq;
    if (age >= REPLAY_WINDOW_SIZE) return 'too-old';
    return (this.bits >> BigInt(age)) & 1n ? 'replay' : 'fresh';
  }

  /** Record `seq` as received. */
  mark(seq: number): void {
    if (seq > this.highest) {
      const shift = this.highest < 0 ? REPLAY_WINDOW_SIZE : seq - this.highest;
      this.bits = shift >= REPLAY_WINDOW_SIZE ? 0n : (this.bits << BigInt(shift)) & ((1n << BigInt(REPLAY_WINDOW_SIZE)) - 1n);
      this.bits |= 1n;
      this.highest = seq;
      return;
    }
    const age = this.highest - seq;
    if (age < REPLAY_WINDOW_SIZE) this.bits |= 1n << BigInt(age);
  }
}
