/**
 * ROM and RAM footprint reports from a parsed ELF file: sized function and object symbols placed
 * by their section, and, per section, the bytes no symbol covers as `(hidden)` — the same shape
 * Zephyr's size reports have, without source paths (attribution falls back to symbol names).
 */
import { ElfSymbolType, type ElfImage, type ElfSection } from './elf.ts';
import type { FootprintReport, FootprintSymbol, MemoryKind } from './types.ts';

/** Does a section count towards `memory`? Initialised data counts in both (load image + copy). */
export function sectionCounts(section: ElfSection, memory: MemoryKind): boolean {
  if (section.memory === 'rom+ram') return true;
  return section.memory === memory;
}

/** Bytes per memory from the section headers alone (what `size -A` lists, classified). */
export function elfSectionTotals(image: ElfImage): Record<MemoryKind, number> {
  const total = (memory: MemoryKind): number => image.sections.filter((s) => sectionCounts(s, memory)).reduce((n, s) => n + s.sizeBytes, 0);
  return { rom: total('rom'), ram: total('ram') };
}

function sizedSymbolsBySection(image: ElfImage): Map<number, FootprintSymbol[]> {
  const bySection = new Map<number, FootprintSymbol[]>();
  const seen = new Set<string>();
  for (const sym of image.symbols) {
    if (sym.sizeBytes === 0 || (sym.type !== ElfSymbolType.OBJECT && sym.type !== ElfSymbolType.FUNC && sym.type !== ElfSymbolType.TLS)) continue;
    const section = image.sections[sym.sectionIndex];
    if (!section || section.memory === 'none') continue;
    // Aliases (one body, several names) count once.
    const key = `${sym.sectionIndex}:${sym.value}:${sym.sizeBytes}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = bySection.get(section.index) ?? [];
    list.push({ name: sym.name, sizeBytes: sym.sizeBytes, origin: 'elf', path: '', section: section.name, address: sym.value });
    bySection.set(section.index, list);
  }
  return bySection;
}

/** One memory's report from an ELF image. */
export function elfFootprintReport(image: ElfImage, memory: MemoryKind, source?: string): FootprintReport {
  const bySection = sizedSymbolsBySection(image);
  const symbols: FootprintSymbol[] = [];
  const findings: FootprintReport['findings'] = [];
  let totalBytes = 0;
  for (const section of image.sections.filter((s) => sectionCounts(s, memory))) {
    totalBytes += section.sizeBytes;
    const inSection = bySection.get(section.index) ?? [];
    const covered = inSection.reduce((n, s) => n + s.sizeBytes, 0);
    symbols.push(...inSection);
    if (covered < section.sizeBytes) {
      symbols.push({ name: '(hidden)', sizeBytes: section.sizeBytes - covered, origin: 'hidden', path: '', section: section.name });
    } else if (covered > section.sizeBytes) {
      findings.push({ kind: 'children-exceed', pointer: `section ${section.name}`, message: `symbols in ${section.name} add up to ${covered} bytes, more than its ${section.sizeBytes}` });
    }
  }
  return { memory, totalBytes, symbols, findings, ...(source !== undefined ? { source } : {}) };
}
