/**
 * CRC-16/XMODEM, the checksum of SMP serial framing.
 * @see docs/spec/smp.md §4.2
 */

/** Polynomial 0x1021 (x^16 + x^12 + x^5 + 1), MSB first, as Zephyr's `crc16_itu_t`. */
const POLY = 0x1021;

/** One entry per leading byte: the CRC of that byte shifted through the register. */
const TABLE: Uint16Array = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ POLY) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
}

/**
 * CRC-16/XMODEM (poly 0x1021, no reflection, no final XOR) of `bytes`, continuing from
 * `initial` (default 0). Check value of ASCII "123456789" is 0x31C3. The CRC of data followed
 * by its own big-endian CRC is 0, which is how receivers check a frame.
 * @see docs/spec/smp.md §4.2
 */
export function crc16Xmodem(bytes: Uint8Array, initial = 0): number {
  let crc = initial & 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  }
  return crc;
}
