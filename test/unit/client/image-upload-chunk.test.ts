import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cborHeadBytes,
  maxChunkData,
  maxRequestBytes,
  serialFramedBytes,
  uploadRequestBytes,
} from '../../../src/client/chunk-size.ts';

const SHA = new Uint8Array(32).fill(7);

describe('maxRequestBytes', () => {
  it('takes the smaller of buf_size and the UDP limit', () => {
    expect(maxRequestBytes({ kind: 'udp', bufSize: 2048 })).toBe(1500);
    expect(maxRequestBytes({ kind: 'udp', bufSize: 1024 })).toBe(1024);
    expect(maxRequestBytes({ kind: 'udp', bufSize: 2048, maxPacketBytes: 1200 })).toBe(1200);
  });

  it('leaves room for the serial length field and CRC in the device buffer', () => {
    expect(maxRequestBytes({ kind: 'serial', bufSize: 2048 })).toBe(2044);
    expect(maxRequestBytes({ kind: 'serial', bufSize: 384, maxPacketBytes: 256 })).toBe(256);
  });

  it('is unbounded when nothing limits the link', () => {
    expect(maxRequestBytes({ kind: 'memory' })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('maxChunkData', () => {
  it('fills a 1500-byte request exactly for the first chunk (image, len, off, sha, data)', () => {
    const fields = { image: 0, len: 1 << 20, off: 0, sha: SHA };
    const n = maxChunkData(fields, 1500);
    expect(uploadRequestBytes({ ...fields, data: new Uint8Array(n) })).toBe(1500);
    expect(uploadRequestBytes({ ...fields, data: new Uint8Array(n + 1) })).toBe(1501);
  });

  it('shrinks the continuation chunk as the off integer widens', () => {
    const sizes = [23, 24, 255, 256, 65535, 65536, 0xffffffff].map((off) => maxChunkData({ off }, 1500));
    // off < 24: 1-byte head; < 256: 2; < 65536: 3; otherwise 5.
    expect(sizes).toEqual([sizes[0], sizes[0]! - 1, sizes[0]! - 1, sizes[0]! - 2, sizes[0]! - 2, sizes[0]! - 4, sizes[0]! - 4]);
  });

  it('uses the largest data length a CBOR head width allows when the exact fit is impossible', () => {
    // With 2 bytes of room beyond 23 data bytes, 24 bytes would need a 2-byte head: 25 > 24.
    const base = uploadRequestBytes({ off: 1, data: new Uint8Array(0) });
    const n = maxChunkData({ off: 1 }, base - 1 + 1 + 23 + 1);
    expect(n).toBe(23);
  });

  it('returns 0 when not even an empty chunk fits', () => {
    expect(maxChunkData({ off: 0, len: 10, sha: SHA }, 20)).toBe(0);
  });

  it('property: the chosen size fits and one byte more does not (unless the head width caps it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 40, max: 70_000 }), (off, limit) => {
        const n = maxChunkData({ off }, limit);
        const size = uploadRequestBytes({ off, data: new Uint8Array(n) });
        expect(size).toBeLessThanOrEqual(limit);
        const bigger = uploadRequestBytes({ off, data: new Uint8Array(n + 1) });
        expect(bigger).toBeGreaterThan(limit);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cborHeadBytes and serialFramedBytes', () => {
  it('follows RFC 8949 head widths', () => {
    expect([0, 23, 24, 255, 256, 65535, 65536].map(cborHeadBytes)).toEqual([1, 1, 2, 2, 3, 3, 5]);
  });

  it('counts base64, markers and newlines of a framed packet', () => {
    // 14-byte packet: B = 18 bytes → 24 base64 characters, one line: 2 + 24 + 1.
    expect(serialFramedBytes(14)).toBe(27);
    // 2044-byte packet: B = 2048 bytes → 2732 characters in lines of at most 124 → 23 lines.
    expect(serialFramedBytes(2044)).toBe(2732 + 23 * 3);
  });
});
