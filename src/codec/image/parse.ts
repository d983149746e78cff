/**
 * MCUboot image parser: header, protected and unprotected TLV areas, padding and trailer.
 * Never throws; every length read from the file is checked against the file before use.
 * @see spec/smp.md §5.1–§5.5, §5.8
 */
import { err, ok, type Result } from '../../core/result.ts';
import {
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  IMAGE_MAGIC_NONE,
  IMAGE_MAGIC_V1,
  IMAGE_TLV_INFO_MAGIC,
  IMAGE_TLV_PROT_INFO_MAGIC,
  MAX_IMAGE_BYTES,
  TLV_INFO_SIZE,
  TLV_SIZE,
  tlvTypeName,
} from './constants.ts';
import { findTrailer } from './trailer.ts';
import type { ImageDefect, ImageDefectKind, ImageHeader, ImageLayout, ImageTlvEntry, McubootImage, TlvArea } from './types.ts';
import { checkTlvPlacement } from './tlv-rules.ts';

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decode the 32-byte header; undefined when fewer than 32 bytes are given. @see spec/smp.md §5.2 */
export function parseImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes.length < IMAGE_HEADER_SIZE) return undefined;
  const v = view(bytes);
  return {
    magic: v.getUint32(0, true),
    loadAddr: v.getUint32(4, true),
    hdrSize: v.getUint16(8, true),
    protectTlvSize: v.getUint16(10, true),
    imgSize: v.getUint32(12, true),
    flags: v.getUint32(16, true),
    version: {
      major: v.getUint8(20),
      minor: v.getUint8(21),
      revision: v.getUint16(22, true),
      build: v.getUint32(24, true),
    },
    pad1: v.getUint32(28, true),
  };
}

function magicDefect(magic: number): ImageDefect | undefined {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (magic === IMAGE_MAGIC) return undefined;
  if (magic === IMAGE_MAGIC_NONE) return { kind: 'erased-header', at: 0, message: 'header magic is 0xffffffff (erased flash, no image)' };
  if (magic === IMAGE_MAGIC_V1) return { kind: 'legacy-magic', at: 0, message: `legacy header magic ${hex} (IMAGE_MAGIC_V1), expected 0x96f3b83d` };
  return { kind: 'bad-magic', at: 0, message: `header magic ${hex}, expected 0x96f3b83d` };
}

/** Walk the entries of one TLV area whose info header is at `at` and spans `[at, end)`. */
function readTlvEntries(bytes: Uint8Array, at: number, end: number, isProtected: boolean, defects: ImageDefect[]): ImageTlvEntry[] {
  const v = view(bytes);
  const entries: ImageTlvEntry[] = [];
  let off = at + TLV_INFO_SIZE;
  while (off < end) {
    if (off + TLV_SIZE > end) {
      defects.push({ kind: 'tlv-length-overrun', at: off, message: `${end - off} stray byte(s) at the end of the TLV area, too few for a TLV header` });
      break;
    }
    const type = v.getUint16(off, true);
    const len = v.getUint16(off + 2, true);
    // Zephyr's img_mgmt treats type 0xff / length 0xffff as erased flash (spec §5.7).
    if ((type & 0xff) === 0xff && len === 0xffff) {
      defects.push({ kind: 'erased-tlv', at: off, message: 'TLV header reads as erased flash (ff ff ff ff)' });
      break;
    }
    if (off + TLV_SIZE + len > end) {
      defects.push({ kind: 'tlv-length-overrun', at: off, message: `TLV ${tlvTypeName(type)} claims ${len} bytes but the area ends ${end - off - TLV_SIZE} bytes after its header` });
      break;
    }
    const valueAt = off + TLV_SIZE;
    entries.push({ type, name: tlvTypeName(type), len, at: off, valueAt, value: bytes.subarray(valueAt, valueAt + len), isProtected });
    off = valueAt + len;
  }
  return entries;
}

/** Read one TLV area's info header and entries; undefined (with a defect) when it does not fit. */
function readTlvArea(bytes: Uint8Array, at: number, magic: number, defects: ImageDefect[]): TlvArea | undefined {
  const v = view(bytes);
  const total = v.getUint16(at + 2, true);
  const label = magic === IMAGE_TLV_PROT_INFO_MAGIC ? 'protected' : 'unprotected';
  if (total < TLV_INFO_SIZE) {
    defects.push({ kind: 'tlv-length-overrun', at, message: `${label} TLV area claims ${total} bytes, less than its own 4-byte info header` });
    return undefined;
  }
  if (at + total > bytes.length) {
    defects.push({ kind: 'tlv-area-overrun', at, message: `${label} TLV area claims ${total} bytes but the file ends ${bytes.length - at} bytes after its start` });
    return undefined;
  }
  return { magic, at, totalBytes: total, entries: readTlvEntries(bytes, at, at + total, magic === IMAGE_TLV_PROT_INFO_MAGIC, defects) };
}

/** The protected area, per MCUboot's rule: present iff `ih_protect_tlv_size` != 0, and equal in size. */
function readProtectedArea(bytes: Uint8Array, header: ImageHeader, at: number, defects: ImageDefect[]): TlvArea | undefined {
  if (header.protectTlvSize !== 0 && at + TLV_INFO_SIZE > bytes.length) {
    defects.push({ kind: 'truncated', at: bytes.length, message: `file ends at ${bytes.length}, before the protected TLV area expected at ${at}` });
    return undefined;
  }
  const magic = at + TLV_INFO_SIZE <= bytes.length ? view(bytes).getUint16(at, true) : undefined;
  if (magic !== IMAGE_TLV_PROT_INFO_MAGIC) {
    if (header.protectTlvSize !== 0) {
      defects.push({ kind: 'protected-size-mismatch', at: 10, message: `header says ${header.protectTlvSize} bytes of protected TLVs but there is no 0x6908 area at ${at}` });
    }
    return undefined;
  }
  const area = readTlvArea(bytes, at, magic, defects);
  if (area && area.totalBytes !== header.protectTlvSize) {
    defects.push({ kind: 'protected-size-mismatch', at: 10, message: `header says ${header.protectTlvSize} bytes of protected TLVs, the 0x6908 area at ${at} says ${area.totalBytes}` });
  }
  return area;
}

function readUnprotectedArea(bytes: Uint8Array, at: number, defects: ImageDefect[]): TlvArea | undefined {
  if (at + TLV_INFO_SIZE > bytes.length) {
    defects.push({ kind: 'truncated', at: bytes.length, message: `file ends at ${bytes.length}, before the unprotected TLV area expected at ${at}` });
    return undefined;
  }
  const magic = view(bytes).getUint16(at, true);
  if (magic !== IMAGE_TLV_INFO_MAGIC) {
    const what = magic === 0xffff ? 'erased flash' : `0x${magic.toString(16).padStart(4, '0')}`;
    defects.push({ kind: 'bad-tlv-info-magic', at, message: `unprotected TLV area magic is ${what}, expected 0x6907` });
    return undefined;
  }
  return readTlvArea(bytes, at, magic, defects);
}

function headerDefects(bytes: Uint8Array, header: ImageHeader, layout: ImageLayout): boolean {
  const magic = magicDefect(header.magic);
  if (magic) layout.defects.push(magic);
  if (magic?.kind === 'erased-header') return false;
  if (header.pad1 !== 0) layout.warnings.push({ kind: 'nonzero-pad', at: 28, message: `_pad1 is 0x${header.pad1.toString(16)}, imgtool writes 0` });
  if (header.hdrSize < IMAGE_HEADER_SIZE) {
    layout.defects.push({ kind: 'header-size-too-small', at: 8, message: `ih_hdr_size ${header.hdrSize} is below the 32-byte header` });
    return false;
  }
  const bodyEnd = header.hdrSize + header.imgSize;
  if (bodyEnd > bytes.length) {
    layout.defects.push({ kind: 'truncated', at: bytes.length, message: `header + body end at ${bodyEnd} but the file has ${bytes.length} bytes` });
    return false;
  }
  return true;
}

/**
 * Best-effort parse: reads as much as the bytes allow and lists every defect with its offset.
 * @see spec/smp.md §5.1–§5.4
 */
export function readImageLayout(bytes: Uint8Array): ImageLayout {
  const layout: ImageLayout = {
    bytes, header: undefined, bodyAt: 0, protectedArea: undefined, unprotectedArea: undefined,
    endAt: 0, trailing: undefined, defects: [], warnings: [],
  };
  if (bytes.length > MAX_IMAGE_BYTES) {
    layout.defects.push({ kind: 'too-large', at: MAX_IMAGE_BYTES, message: `file of ${bytes.length} bytes exceeds the ${MAX_IMAGE_BYTES}-byte limit` });
    return layout;
  }
  const header = parseImageHeader(bytes);
  if (!header) {
    const magic = bytes.length >= 4 ? magicDefect(view(bytes).getUint32(0, true)) : undefined;
    if (magic) layout.defects.push(magic);
    layout.defects.push({ kind: 'truncated', at: bytes.length, message: `${bytes.length} bytes, shorter than the 32-byte image header` });
    return layout;
  }
  layout.header = header;
  layout.bodyAt = header.hdrSize;
  if (!headerDefects(bytes, header, layout)) return layout;
  const protAt = header.hdrSize + header.imgSize;
  layout.protectedArea = readProtectedArea(bytes, header, protAt, layout.defects);
  const unprotAt = protAt + (layout.protectedArea?.totalBytes ?? 0);
  if (layout.protectedArea === undefined && header.protectTlvSize !== 0) return layout;
  layout.unprotectedArea = readUnprotectedArea(bytes, unprotAt, layout.defects);
  if (!layout.unprotectedArea) return layout;
  layout.endAt = unprotAt + layout.unprotectedArea.totalBytes;
  layout.trailing = findTrailer(bytes, layout.endAt);
  if (layout.trailing?.kind === 'data') {
    layout.warnings.push({ kind: 'trailing-data', at: layout.endAt, message: `${layout.trailing.bytes} byte(s) after the TLV areas that are neither 0xff padding nor a boot trailer` });
  }
  checkTlvPlacement(layout);
  return layout;
}

const WARNING_KINDS: ReadonlySet<ImageDefectKind> = new Set(['trailing-data', 'nonzero-pad', 'unknown-tlv', 'misplaced-tlv', 'tlv-value-length']);

/** The defect kinds that leave no usable image (MCUboot refuses to go on); the others are warnings. */
export function isFatalDefect(defect: ImageDefect): boolean {
  return !WARNING_KINDS.has(defect.kind);
}

/**
 * Parse an MCUboot image; fails with every structural defect (each with its byte offset).
 * Hash and signature are not checked here: see `verifyMcubootImage`.
 * @see spec/smp.md §5
 */
export function parseMcubootImage(bytes: Uint8Array): Result<McubootImage, ImageDefect[]> {
  const layout = readImageLayout(bytes);
  if (layout.defects.length > 0 || !layout.header || !layout.unprotectedArea) {
    return err(layout.defects.length > 0 ? layout.defects : [{ kind: 'truncated', at: bytes.length, message: 'incomplete image' }]);
  }
  const tlvs = [...(layout.protectedArea?.entries ?? []), ...layout.unprotectedArea.entries];
  return ok({ ...layout, header: layout.header, unprotectedArea: layout.unprotectedArea, tlvs });
}
