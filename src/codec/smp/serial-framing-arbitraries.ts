/**
 * fast-check arbitraries for serial framing: how a byte stream arrives (chunking) and what a
 * console prints between frames.
 * @see docs/spec/smp.md §4.3, §6.3 item 33
 */
import fc from 'fast-check';

/**
 * Cuts of `bytes` into consecutive non-empty chunks at arbitrary points (a single chunk, many
 * one-byte chunks, and everything between), as a UART driver may deliver them.
 */
export function arbSerialChunking(bytes: Uint8Array, options: { maxCuts?: number } = {}): fc.Arbitrary<Uint8Array[]> {
  const maxCuts = Math.min(options.maxCuts ?? 32, Math.max(0, bytes.length - 1));
  const oneByte = fc.constant(null).map(() => Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
  const cuts = fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: maxCuts }).map((points) => {
    const sorted = points.filter((p) => p < bytes.length).sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const p of [...sorted, bytes.length]) {
      if (p > at) chunks.push(bytes.subarray(at, p));
      at = p;
    }
    return chunks;
  });
  return bytes.length > 1 ? fc.oneof({ arbitrary: cuts, weight: 9 }, { arbitrary: oneByte, weight: 1 }) : fc.constant(bytes.length ? [bytes] : []);
}

/** Longest console line generated, in UTF-8 bytes, so lines stay under the 127-byte limit. */
const MAX_CONSOLE_TEXT_BYTES = 100;

/**
 * One console (log) line without its newline: any text without `\n` or `\r`, never starting
 * with an SMP marker (`06 09` / `04 14`), at most 100 UTF-8 bytes.
 */
export function arbConsoleText(): fc.Arbitrary<string> {
  const anyText = fc.string({ unit: 'binary', maxLength: 60 });
  const logLike = fc.tuple(fc.constantFrom('[00:00:01.000,000] <inf> ', 'uart:~$ ', '*** Booting Zephyr ***', ''), fc.string({ maxLength: 60 })).map(([a, b]) => a + b);
  return fc
    .oneof(logLike, anyText)
    // Lone surrogates are not valid UTF-8; normalise so the decoder's text equals the generated one.
    .map((text) => Buffer.from(text.replace(/[\r\n]/g, ' '), 'utf8').toString('utf8'))
    .filter((text) => !text.startsWith('\x06\x09') && !text.startsWith('\x04\x14') && Buffer.byteLength(text, 'utf8') <= MAX_CONSOLE_TEXT_BYTES);
}
