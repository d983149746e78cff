import { describe, expect, it } from 'vitest';
import { PacketWait, PacketWaits, matchKey } from '../../../src/client/packet-waits.ts';

const wait = (seq: number, op?: number): PacketWait => new PacketWait(matchKey(0, 0, seq), op, 'os.echo', 1000);

describe('PacketWaits', () => {
  it('a settled key is free again: has, take and all see only waits still pending', () => {
    const waits = new PacketWaits();
    const a = wait(1, 3);
    waits.add(a);
    expect(waits.has(a.key)).toBe(true);
    expect(waits.take(0, 0, 1, 2)).toBeUndefined();
    expect(waits.take(0, 0, 1, 3)).toBe(a);
    expect(waits.has(a.key)).toBe(false);
    expect(waits.all()).toEqual([]);
    expect(waits.remove(a)).toBe(false);
    const b = wait(1, 3);
    waits.add(b);
    expect(waits.all()).toEqual([b]);
    expect(waits.remove(b)).toBe(true);
  });

  it('several waits on one key settle oldest first; drain returns what is left', () => {
    const waits = new PacketWaits();
    const [a, b, c] = [wait(7), wait(7), wait(8)];
    for (const w of [a, b, c]) waits.add(w);
    expect(waits.take(0, 0, 7, 3)).toBe(a);
    expect(waits.all()).toEqual([b, c]);
    expect(waits.drain()).toEqual([b, c]);
    expect(waits.has(b.key)).toBe(false);
  });

  it('many distinct settled keys are swept and stay settled', () => {
    const waits = new PacketWaits();
    const pending = new PacketWait(matchKey(9, 9, 9), undefined, 'raw packet', 1000);
    waits.add(pending);
    for (let i = 0; i < 3000; i++) {
      const w = new PacketWait(matchKey(1 + (i >> 8), 0, i & 0xff), 3, 'x', 1000);
      waits.add(w);
      expect(waits.take(1 + (i >> 8), 0, i & 0xff, 3)).toBe(w);
    }
    expect(waits.all()).toEqual([pending]);
    expect(waits.has(matchKey(1, 0, 5))).toBe(false);
  });
});
