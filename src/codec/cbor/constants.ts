/**
 * CBOR wire constants shared by the tokenizer (`head.ts`), the tree decoder, the annotator and
 * the writer, so every part agrees on them.
 * @see RFC 8949 §3
 */

/** CBOR major types (RFC 8949 §3.1). */
export const CborMajor = {
  UINT: 0,
  NINT: 1,
  BSTR: 2,
  TSTR: 3,
  ARRAY: 4,
  MAP: 5,
  TAG: 6,
  /** Simple values and floats. */
  SIMPLE: 7,
} as const;

/** Additional-information values with a fixed meaning. */
export const CborAi = {
  UINT8: 24,
  UINT16: 25,
  UINT32: 26,
  UINT64: 27,
  /** Indefinite length (or, with major 7, the break code). */
  INDEFINITE: 31,
} as const;

/** The one-byte break code that closes an indefinite-length item. */
export const CBOR_BREAK = 0xff;
