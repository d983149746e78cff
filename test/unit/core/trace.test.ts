import { describe, expect, it } from 'vitest';
import { TraceLog } from '../../../src/core/trace.ts';

describe('TraceLog', () => {
  it('returns entries since a mark', () => {
    const t = new TraceLog();
    t.add({ direction: 'out', atNs: 1n, hex: '00' });
    const m = t.mark();
    t.add({ direction: 'in', atNs: 2n, hex: '01' });
    expect(t.since(m).map((e) => e.hex)).toEqual(['01']);
  });
  it('stays bounded and keeps marks valid after dropping', () => {
    const t = new TraceLog(3);
    for (let i = 0; i < 5; i++) t.add({ direction: 'out', atNs: BigInt(i), hex: String(i) });
    expect(t.entries.map((e) => e.hex)).toEqual(['2', '3', '4']);
    const m = t.mark();
    t.add({ direction: 'in', atNs: 9n, hex: 'x' });
    expect(t.since(m).map((e) => e.hex)).toEqual(['x']);
    expect(t.since(0).length).toBe(3);
  });
});

describe('TraceLog ring', () => {
  it('keeps the newest entries in order across many wraps', () => {
    const t = new TraceLog(4);
    for (let i = 0; i < 1003; i++) t.add({ direction: 'out', atNs: BigInt(i), hex: String(i) });
    expect(t.entries.map((e) => e.hex)).toEqual(['999', '1000', '1001', '1002']);
    expect(t.since(1001).map((e) => e.hex)).toEqual(['1001', '1002']);
    expect(t.since(5000)).toEqual([]);
  });
});
