/**
 * A bounds-checked reader of ELF32 and ELF64 little-endian files: section headers and the symbol
 * table, enough to size a Zephyr `zephyr.elf` without binutils. Every offset and count read from
 * the file is checked against its length before use; problems are values, never exceptions.
 * @see System V ABI, "Object Files" (ELF header, section header, symbol table layouts)
 */
import { err, ok, type Result } from '../../core/result.ts';

/** Section header types and flags the reader needs (System V gABI names). */
export const ElfSectionType = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, NOBITS: 8 } as const;
export const ElfSectionFlag = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const ElfSymbolType = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 } as const;

/** Most sections and symbols the reader accepts (hostile counts are refused, not allocated). */
export const ELF_LIMITS = { maxSections: 65_535, maxSymbols: 2_000_000 } as const;

/**
 * Where a section lives on the device: `rom` (code, constants), `ram` (zero-filled or
 * uninitialised data), `rom+ram` (initialised data: its load image in flash, its copy in RAM),
 * `none` (not loaded: symbols, debug information).
 */
export type ElfMemory = 'rom' | 'ram' | 'rom+ram' | 'none';

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  address: number;
  offset: number;
  sizeBytes: number;
  /** `sh_link`: for a symbol table, the index of its string table. */
  link: number;
  memory: ElfMemory;
}

export interface ElfSymbol {
  name: string;
  value: number;
  sizeBytes: number;
  /** `STT_*` value: 1 object, 2 function… */
  type: number;
  /** `STB_*` value: 0 local, 1 global, 2 weak. */
  binding: number;
  sectionIndex: number;
}

export interface ElfImage {
  elfClass: 32 | 64;
  machine: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
}

export interface ElfError {
  /** `incomplete`: the file ends early; `invalid`: contradictory fields; `unsupported`: big-endian or unknown class. */
  kind: 'incomplete' | 'invalid' | 'unsupported' | 'limit';
  at: number;
  message: string;
}

interface Layout {
  is64: boolean;
  view: DataView;
  bytes: Uint8Array;
}

class ElfRead {
  constructor(readonly l: Layout) {}
  u16(at: number): number { return this.l.view.getUint16(at, true); }
  u32(at: number): number { return this.l.view.getUint32(at, true); }
  /** Address-sized field: 4 bytes in ELF32, 8 in ELF64 (refused by the caller when unsafe). */
  word(at: number): number {
    return this.l.is64 ? Number(this.l.view.getBigUint64(at, true)) : this.u32(at);
  }
}

const fail = (kind: ElfError['kind'], at: number, message: string): { ok: false; error: ElfError } => err({ kind, at, message });

function fits(bytes: Uint8Array, at: number, length: number): boolean {
  return Number.isSafeInteger(at) && Number.isSafeInteger(length) && at >= 0 && length >= 0 && at + length <= bytes.length;
}

const NAME_DECODER = new TextDecoder('utf-8', { fatal: false });

/** A NUL-terminated name from a string table section. */
function readName(bytes: Uint8Array, table: ElfSection | undefined, index: number): string | undefined {
  if (!table) return index === 0 ? '' : undefined;
  if (index >= table.sizeBytes) return undefined;
  const start = table.offset + index;
  const end = bytes.indexOf(0, start);
  if (end < 0 || end >= table.offset + table.sizeBytes) return undefined;
  return NAME_DECODER.decode(bytes.subarray(start, end));
}

function memoryOf(type: number, flags: number): ElfMemory {
  if (!(flags & ElfSectionFlag.ALLOC) || type === ElfSectionType.NULL) return 'none';
  if (!(flags & ElfSectionFlag.WRITE)) return 'rom';
  return type === ElfSectionType.NOBITS ? 'ram' : 'rom+ram';
}

function readHeader(bytes: Uint8Array): Result<{ r: ElfRead; shoff: number; shentsize: number; shnum: number; shstrndx: number; machine: number }, ElfError> {
  if (bytes.length < 16) return fail('incomplete', bytes.length, `${bytes.length} bytes, shorter than the ELF identification`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return fail('invalid', 0, 'no ELF magic (7f 45 4c 46)');
  const elfClass = bytes[4];
  if (elfClass !== 1 && elfClass !== 2) return fail('unsupported', 4, `unknown ELF class ${elfClass}`);
  if (bytes[5] !== 1) return fail('unsupported', 5, bytes[5] === 2 ? 'big-endian ELF is not supported' : `unknown data encoding ${bytes[5]}`);
  const is64 = elfClass === 2;
  const headerSize = is64 ? 64 : 52;
  if (bytes.length < headerSize) return fail('incomplete', bytes.length, `${bytes.length} bytes, shorter than the ${headerSize}-byte ELF header`);
  const r = new ElfRead({ is64, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  const shoff = r.word(is64 ? 0x28 : 0x20);
  const base = is64 ? 0x3a : 0x2e;
  let shnum = r.u16(base + 2);
  let shstrndx = r.u16(base + 4);
  const shentsize = r.u16(base);
  const minEntry = is64 ? 64 : 40;
  if (shoff === 0) return ok({ r, shoff, shentsize, shnum: 0, shstrndx: 0, machine: r.u16(0x12) });
  if (shentsize < minEntry) return fail('invalid', base, `section header entry size ${shentsize}, below ${minEntry}`);
  if (!fits(bytes, shoff, shentsize)) return fail('incomplete', shoff, `section header table at ${shoff} lies beyond the ${bytes.length}-byte file`);
  // Extended numbering: counts that do not fit 16 bits live in section 0.
  if (shnum === 0) shnum = r.word(shoff + (is64 ? 0x20 : 0x14));
  if (shstrndx === 0xffff) shstrndx = r.u32(shoff + (is64 ? 0x28 : 0x18));
  if (shnum > ELF_LIMITS.maxSections) return fail('limit', base + 2, `${shnum} sections, more than ${ELF_LIMITS.maxSections}`);
  if (!fits(bytes, shoff, shnum * shentsize)) return fail('incomplete', shoff, `${shnum} section headers at ${shoff} run past the ${bytes.length}-byte file`);
  if (shstrndx >= shnum && shnum > 0) return fail('invalid', base + 4, `section name table index ${shstrndx} is not below the ${shnum} sections`);
  return ok({ r, shoff, shentsize, shnum, shstrndx, machine: r.u16(0x12) });
}

function readSections(h: { r: ElfRead; shoff: number; shentsize: number; shnum: number; shstrndx: number }): Result<ElfSection[], ElfError> {
  const { r, shoff, shentsize, shnum } = h;
  const is64 = r.l.is64;
  const raw: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const type = r.u32(at + 4);
    const flags = r.word(at + 8);
    const address = r.word(at + (is64 ? 0x10 : 0x0c));
    const offset = r.word(at + (is64 ? 0x18 : 0x10));
    const sizeBytes = r.word(at + (is64 ? 0x20 : 0x14));
    if (![flags, address, offset, sizeBytes].every(Number.isSafeInteger)) return fail('limit', at, `section ${i}: a field exceeds 2^53`);
    if (type !== ElfSectionType.NOBITS && type !== ElfSectionType.NULL && !fits(r.l.bytes, offset, sizeBytes)) {
      return fail('incomplete', at, `section ${i}: ${sizeBytes} bytes at ${offset} run past the ${r.l.bytes.length}-byte file`);
    }
    const link = r.u32(at + (is64 ? 0x28 : 0x18));
    raw.push({ index: i, name: String(r.u32(at)), type, flags, address, offset, sizeBytes, link, memory: memoryOf(type, flags) });
  }
  const names = raw[h.shstrndx];
  for (const s of raw) {
    const name = readName(r.l.bytes, names, Number(s.name));
    if (name === undefined) return fail('invalid', shoff + s.index * shentsize, `section ${s.index}: name offset ${s.name} outside the section name table`);
    s.name = name;
  }
  return ok(raw);
}

function readSymbols(r: ElfRead, sections: ElfSection[], symtab: ElfSection): Result<ElfSymbol[], ElfError> {
  const is64 = r.l.is64;
  const entry = is64 ? 24 : 16;
  const count = Math.floor(symtab.sizeBytes / entry);
  if (count > ELF_LIMITS.maxSymbols) return fail('limit', symtab.offset, `${count} symbols, more than ${ELF_LIMITS.maxSymbols}`);
  const link = symtab.link;
  const strtab = sections[link];
  if (!strtab || strtab.type !== ElfSectionType.STRTAB) return fail('invalid', symtab.offset, `symbol table links to section ${link}, not a string table`);
  const symbols: ElfSymbol[] = [];
  for (let i = 1; i < count; i++) {
    const at = symtab.offset + i * entry;
    const info = r.l.bytes[at + (is64 ? 4 : 12)]!;
    const sectionIndex = r.u16(at + (is64 ? 6 : 14));
    const value = r.word(at + (is64 ? 8 : 4));
    const sizeBytes = r.word(at + (is64 ? 16 : 8));
    if (!Number.isSafeInteger(value) || !Number.isSafeInteger(sizeBytes)) return fail('limit', at, `symbol ${i}: a field exceeds 2^53`);
    const name = readName(r.l.bytes, strtab, r.u32(at));
    if (name === undefined) return fail('invalid', at, `symbol ${i}: name offset outside the string table`);
    symbols.push({ name, value, sizeBytes, type: info & 0xf, binding: info >> 4, sectionIndex });
  }
  return ok(symbols);
}

/** Parse an ELF file's section headers and symbol table. */
export function parseElf(bytes: Uint8Array): Result<ElfImage, ElfError> {
  const header = readHeader(bytes);
  if (!header.ok) return header;
  const h = header.value;
  const sections = readSections(h);
  if (!sections.ok) return sections;
  const symtab = sections.value.find((s) => s.type === ElfSectionType.SYMTAB);
  const symbols = symtab ? readSymbols(h.r, sections.value, symtab) : ok([]);
  if (!symbols.ok) return symbols;
  return ok({ elfClass: h.r.l.is64 ? 64 : 32, machine: h.machine, sections: sections.value, symbols: symbols.value });
}
