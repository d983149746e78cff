/** The anti-replay window against a reference model (RFC 6347 §4.1.2.6). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SIZE, ReplayWindow } from '../../../../src/transport/dtls/replay-window.ts';

describe('ReplayWindow', () => {
  it('accepts each sequence number once and refuses those older than the window', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 400 }), (seqs) => {
      const window = new ReplayWindow();
      const seen = new Set<number>();
      let highest = -1;
      for (const seq of seqs) {
        const expected = seen.has(seq) ? 'replay' : seq <= highest - REPLAY_WINDOW_SIZE ? 'too-old' : 'fresh';
        const got = window.check(seq);
        // A replay older than the window is reported as too old: either way it is refused.
        if (expected === 'replay' && seq <= highest - REPLAY_WINDOW_SIZE) expect(got).toBe('too-old');
        else expect(got).toBe(expected);
        if (got === 'fresh') {
          window.mark(seq);
          seen.add(seq);
          highest = Math.max(highest, seq);
        }
      }
    }), { numRuns: 500 });
  });

  it('keeps the edge: 63 behind is still accepted once, 64 behind is too old', () => {
    const window = new ReplayWindow();
    window.mark(100);
    expect(window.check(100 - 63)).toBe('fresh');
    expect(window.check(100 - 64)).toBe('too-old');
    window.mark(37);
    expect(window.check(37)).toBe('replay');
    window.mark(2 ** 48 - 1);
    expect(window.check(2 ** 48 - 1)).toBe('replay');
    expect(window.check(100)).toBe('too-old');
  });
});
