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

describe('TraceLog packets', () => {
  const describe2 = (b: Uint8Array): unknown => ({ first: b[0] });

  it('describes a packet only when read, and gives the same entry on every read', () => {
    const t = new TraceLog();
    const bytes = Uint8Array.of(1, 2, 3);
    let described = 0;
    t.addPacket('out', 7n, bytes, 'raw', (b) => (described++, { first: b[0] }));
    expect(described).toBe(0);
    const [e] = t.entries;
    expect(e).toMatchObject({ direction: 'out', atNs: 7n, hex: '010203', note: 'raw', decoded: { first: 1 } });
    expect(t.entries[0]).toBe(e);
    expect(described).toBe(1);
    expect(JSON.parse(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).toEqual({ direction: 'out', atNs: '7', hex: '010203', note: 'raw', decoded: { first: 1 } });
  });

  it('interleaves packets and entry objects in order, across growth and many wraps', () => {
    const t = new TraceLog(3000);
    for (let i = 0; i < 20_000; i++) {
      if (i % 3 === 0) t.add({ direction: 'event', atNs: BigInt(i), hex: '', note: String(i) });
      else t.addPacket(i % 3 === 1 ? 'out' : 'in', BigInt(i), new Uint8Array(40 + (i % 1400)).fill(i & 0xff), String(i), describe2);
    }
    const kept = t.entries;
    expect(kept.length).toBe(3000);
    kept.forEach((e, k) => {
      const i = 17_000 + k;
      expect(e.note).toBe(String(i));
      expect(e.atNs).toBe(BigInt(i));
      if (i % 3 !== 0) expect(e.hex).toBe(((i & 0xff).toString(16).padStart(2, '0')).repeat(40 + (i % 1400)));
    });
  });

  it('keeps large packets whole', () => {
    const t = new TraceLog(2);
    const big = new Uint8Array(600_000).fill(0xab);
    t.addPacket('in', 1n, Uint8Array.of(1), undefined, describe2);
    t.addPacket('in', 2n, big, undefined, describe2);
    t.addPacket('in', 3n, Uint8Array.of(3), undefined, describe2);
    expect(t.entries.map((e) => e.hex.length)).toEqual([1_200_000, 2]);
  });
});

describe('TraceLog storage', () => {
  it('hands out separate slices, and storage of its own for a large packet', () => {
    const t = new TraceLog();
    const a = t.allocate(10).fill(1);
    const b = t.allocate(20).fill(2);
    expect([a.length, b.length]).toEqual([10, 20]);
    expect(a.every((x) => x === 1) && b.every((x) => x === 2)).toBe(true);
    const many = Array.from({ length: 400 }, (_, i) => t.allocate(1400).fill(i & 0xff));
    many.forEach((m, i) => expect(m.every((x) => x === (i & 0xff))).toBe(true));
    expect(t.allocate(100_000).byteOffset).toBe(0);
  });
});
