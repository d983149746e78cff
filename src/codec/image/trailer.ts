/**
 * The boot trailer at the end of a slot, as `imgtool --pad [--confirm]` writes it into a file.
 * @see spec/smp.md §5.8
 */
import { err, ok, type Result } from '../../core/result.ts';
import { BOOT_MAGIC_ALIGN8, BOOT_MAGIC_TAIL, DEFAULT_MAX_ALIGN, DEFAULT_MAX_SECTORS } from './constants.ts';
import type { ImageTrailing } from './types.ts';

const MAGIC_SIZE = 16;

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Trailer magic for a `BOOT_MAX_ALIGN`: the fixed 16 bytes for 8, else LE u16 alignment + tail. @see spec/smp.md §5.8 */
export function bootMagic(maxAlign: number = DEFAULT_MAX_ALIGN): Uint8Array {
  if (maxAlign === DEFAULT_MAX_ALIGN) return Uint8Array.from(BOOT_MAGIC_ALIGN8);
  return Uint8Array.from([maxAlign & 0xff, (maxAlign >> 8) & 0xff, ...BOOT_MAGIC_TAIL]);
}

/** Trailer geometry inputs, with imgtool's defaults. */
export interface TrailerOptions {
  /** Flash write alignment (`--align`): 1, 2, 4, 8, 16 or 32. */
  align?: number;
  /** `BOOT_MAX_ALIGN` (`--max-align`); imgtool uses max(8, align). */
  maxAlign?: number;
  maxSectors?: number;
}

/** Trailer size as imgtool computes it (swap modes, no encryption). @see spec/smp.md §5.8 */
export function trailerSize(options: TrailerOptions = {}): number {
  const align = options.align ?? 1;
  const maxAlign = options.maxAlign ?? Math.max(DEFAULT_MAX_ALIGN, align);
  const sectors = options.maxSectors ?? DEFAULT_MAX_SECTORS;
  // status area + image_ok/copy_done/swap_info/swap_size + magic
  return sectors * 3 * align + maxAlign * 4 + alignUp(MAGIC_SIZE, maxAlign);
}

/**
 * Bytes to append so the file fills `slotSize` and ends with a trailer, as `imgtool --pad`
 * does: 0xff fill, the magic last, and `image_ok = 0x01` when `confirm`. @see spec/smp.md §5.8
 */
export function buildPadding(
  imageLength: number,
  slotSize: number,
  options: TrailerOptions & { confirm?: boolean; erasedVal?: number } = {},
): Result<Uint8Array, string> {
  const tsize = trailerSize(options);
  const maxAlign = options.maxAlign ?? Math.max(DEFAULT_MAX_ALIGN, options.align ?? 1);
  const fill = slotSize - imageLength - tsize;
  if (fill < 0) return err(`image (${imageLength} bytes) + trailer (${tsize} bytes) exceeds the slot size ${slotSize}`);
  const out = new Uint8Array(slotSize - imageLength).fill(options.erasedVal ?? 0xff);
  out.set(bootMagic(maxAlign), out.length - MAGIC_SIZE);
  if (options.confirm) out[out.length - (alignUp(MAGIC_SIZE, maxAlign) + maxAlign)] = 0x01;
  return ok(out);
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (bytes.length < tail.length) return false;
  const start = bytes.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (bytes[start + i] !== tail[i]) return false;
  return true;
}

function trailerMaxAlign(bytes: Uint8Array): number | undefined {
  if (endsWith(bytes, Uint8Array.from(BOOT_MAGIC_ALIGN8))) return DEFAULT_MAX_ALIGN;
  if (bytes.length < MAGIC_SIZE || !endsWith(bytes, Uint8Array.from(BOOT_MAGIC_TAIL))) return undefined;
  const at = bytes.length - MAGIC_SIZE;
  const align = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  return align > 0 && align <= 0x8000 ? align : undefined;
}

function allErasedExcept(bytes: Uint8Array, from: number, to: number, skip: number): boolean {
  for (let i = from; i < to; i++) if (i !== skip && bytes[i] !== 0xff) return false;
  return true;
}

/** Classify what follows the TLV areas (`endAt` = end of the unprotected area). @see spec/smp.md §5.8 */
export function findTrailer(bytes: Uint8Array, endAt: number): ImageTrailing | undefined {
  if (endAt >= bytes.length) return undefined;
  const count = bytes.length - endAt;
  const maxAlign = trailerMaxAlign(bytes);
  if (maxAlign !== undefined && count >= alignUp(MAGIC_SIZE, maxAlign) + maxAlign) {
    const magicAt = bytes.length - MAGIC_SIZE;
    const imageOkAt = bytes.length - (alignUp(MAGIC_SIZE, maxAlign) + maxAlign);
    const isConfirmed = bytes[imageOkAt] === 0x01;
    const clean = allErasedExcept(bytes, endAt, magicAt, isConfirmed ? imageOkAt : -1);
    return { at: endAt, bytes: count, kind: clean ? 'trailer' : 'data', trailer: { magicAt, maxAlign, isConfirmed, imageOkAt } };
  }
  return { at: endAt, bytes: count, kind: allErasedExcept(bytes, endAt, bytes.length, -1) ? 'erased' : 'data' };
}
