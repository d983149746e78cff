import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RawPacketSplitter } from '../../../src/transport/raw-splitter.ts';
import { encodeSmpHeader } from '../../../src/codec/smp/header.ts';
import { concatBytes } from '../../../src/core/bytes.ts';

function packet(n: number, seq: number): Uint8Array {
  return concatBytes(encodeSmpHeader({ op: 0, version: 1, length: n, group: 1, seq, id: 0 }), new Uint8Array(n).fill(seq));
}

describe('RawPacketSplitter', () => {
  it('splits concatenated packets at any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (sizes, cuts) => {
          const sent = sizes.map((n, i) => packet(n, i));
          const stream = concatBytes(...sent);
          const splitter = new RawPacketSplitter();
          const got: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const step = cuts[i % cuts.length]!;
            got.push(...splitter.push(stream.subarray(at, at + step), 0).packets);
            at += step;
          }
          expect(got.map((p) => [...p])).toEqual(sent.map((p) => [...p]));
          expect(splitter.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops a partial packet older than the inter-byte timeout and reports its bytes', () => {
    const splitter = new RawPacketSplitter({ interByteTimeoutMs: 100 });
    const p = packet(20, 1);
    expect(splitter.push(p.subarray(0, 5), 1000)).toEqual({ packets: [], dropped: undefined });
    expect(splitter.push(p.subarray(5, 12), 1090).packets).toEqual([]);
    const later = splitter.push(packet(2, 2), 1191);
    expect(later.dropped && [...later.dropped]).toEqual([...p.subarray(0, 12)]);
    expect(later.packets.map((x) => [...x])).toEqual([[...packet(2, 2)]]);
  });

  it('holds at most one maximum-size packet and completes it', () => {
    const splitter = new RawPacketSplitter();
    const header = encodeSmpHeader({ op: 2, version: 0, length: 0xffff, group: 0, seq: 0, id: 0 });
    expect(splitter.push(header, 0).packets).toHaveLength(0);
    const out = splitter.push(new Uint8Array(0xffff + 5), 0);
    expect(out.packets).toHaveLength(1);
    expect(out.packets[0]!.length).toBe(8 + 0xffff);
    expect(splitter.pendingBytes).toBe(5);
  });
});
