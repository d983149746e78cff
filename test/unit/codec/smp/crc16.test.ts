import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../../src/core/bytes.ts';
import { crc16Xmodem } from '../../../../src/codec/smp/crc16.ts';

/** Bit-by-bit reference, independent of the table. */
function crcBitwise(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('crc16Xmodem', () => {
  it('has the CRC-16/XMODEM check value 0x31C3 for "123456789"', () => {
    expect(crc16Xmodem(new TextEncoder().encode('123456789'))).toBe(0x31c3);
  });

  it('gives 0x4BF1 for the spec §4.2 v1 echo "aa" packet', () => {
    expect(crc16Xmodem(Uint8Array.from([0x02, 0, 0, 0x06, 0, 0, 0x42, 0, 0xa1, 0x61, 0x64, 0x62, 0x61, 0x61]))).toBe(0x4bf1);
  });

  it('is 0 for the empty input and for any data followed by its own big-endian CRC', () => {
    expect(crc16Xmodem(new Uint8Array(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const crc = crc16Xmodem(data);
        expect(crc).toBe(crcBitwise(data));
        expect(crc16Xmodem(concatBytes(data, Uint8Array.of(crc >> 8, crc & 0xff)))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('continues from an initial value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        expect(crc16Xmodem(b, crc16Xmodem(a))).toBe(crc16Xmodem(concatBytes(a, b)));
      }),
      { numRuns: 1000 },
    );
  });
});
