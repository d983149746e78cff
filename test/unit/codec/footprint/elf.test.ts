/**
 * The ELF reader against binutils: the checked-in ELF32 and ELF64 fixtures, an ELF compiled at
 * test time when `cc` exists, and malformed files built by cutting and patching the fixtures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributeFootprint, elfFootprintReport, elfSectionTotals, parseElf, type ElfImage,
} from '../../../../src/codec/footprint/index.ts';
import { FIXTURES } from './report-fixtures.ts';

const ELF32 = resolve(FIXTURES, 'elf/tiny-elf32-i386.elf');
const ELF64 = resolve(FIXTURES, 'elf/tiny-elf64-x86_64.elf');

/** Is a binutils/compiler program on PATH? */
function has(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function parse(path: string): ElfImage {
  const r = parseElf(new Uint8Array(readFileSync(path)));
  if (!r.ok) throw new Error(`${path}: ${r.error.message}`);
  return r.value;
}

/** `readelf -S -W`: name -> size. */
function readelfSections(path: string): Map<string, number> {
  const out = execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8' });
  const map = new Map<string, number>();
  for (const m of out.matchAll(/^\s*\[\s*([1-9]\d*)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/gm)) map.set(m[2]!, Number.parseInt(m[3]!, 16));
  return map;
}

/** `readelf -s -W`: sized OBJECT/FUNC symbols as `name size`. */
function readelfSymbols(path: string): string[] {
  const out = execFileSync('readelf', ['-s', '-W', path], { encoding: 'utf8' });
  const rows: string[] = [];
  for (const m of out.matchAll(/^\s*\d+:\s+[0-9a-f]+\s+(\d+)\s+(OBJECT|FUNC)\s+\S+\s+\S+\s+\S+\s+(\S+)$/gm)) if (m[1] !== '0') rows.push(`${m[3]} ${m[1]}`);
  return rows.sort();
}

/** `size -A`: alloc section sizes as `name size`. */
function sizeA(path: string): Map<string, number> {
  const out = execFileSync('size', ['-A', path], { encoding: 'utf8' });
  const map = new Map<string, number>();
  for (const m of out.matchAll(/^(\.\S+)\s+(\d+)\s+\d+$/gm)) map.set(m[1]!, Number(m[2]));
  return map;
}

function crossCheck(path: string, elfClass: 32 | 64): void {
  const image = parse(path);
  expect(image.elfClass).toBe(elfClass);
  const mine = new Map(image.sections.filter((s) => s.index > 0).map((s) => [s.name, s.sizeBytes]));
  expect(mine).toEqual(readelfSections(path));
  const symbols = image.symbols.filter((s) => s.sizeBytes > 0 && (s.type === 1 || s.type === 2)).map((s) => `${s.name} ${s.sizeBytes}`).sort();
  expect(symbols).toEqual(readelfSymbols(path));
  for (const [name, size] of sizeA(path)) expect([name, image.sections.find((s) => s.name === name)?.sizeBytes]).toEqual([name, size]);
}

describe('parseElf on the checked-in fixtures', () => {
  for (const [path, elfClass] of [[ELF32, 32], [ELF64, 64]] as const) {
    it(`ELF${elfClass}: sections classified, symbols sized, ROM and RAM totals`, () => {
      const image = parse(path);
      const memory = Object.fromEntries(image.sections.map((s) => [s.name, s.memory]));
      expect(memory).toMatchObject({ '.text': 'rom', '.rodata': 'rom', '.data': 'rom+ram', '.bss': 'ram', '.noinit': 'ram', '.comment': 'none', '.symtab': 'none' });
      const sized = Object.fromEntries(image.symbols.filter((s) => s.sizeBytes > 0).map((s) => [s.name, s.sizeBytes]));
      expect(sized).toMatchObject({ table: 64, scratch: 64, keep: 32, banner: 18, counter: 4 });
      const size = (n: string) => image.sections.find((s) => s.name === n)!.sizeBytes;
      expect(elfSectionTotals(image)).toEqual({
        rom: image.sections.filter((s) => ['rom', 'rom+ram'].includes(s.memory)).reduce((n, s) => n + s.sizeBytes, 0),
        ram: size('.data') + size('.bss') + size('.noinit') + (image.sections.find((s) => s.name === '.got.plt')?.sizeBytes ?? 0),
      });
    });

    it.runIf(has('readelf') && has('size'))(`ELF${elfClass}: section and symbol sizes equal readelf -S -s and size -A (runs where binutils is installed)`, () => {
      crossCheck(path, elfClass);
    });
  }

  it('footprint reports from an ELF: every section byte lands on a symbol or (hidden), attribution by symbol name', () => {
    const image = parse(ELF64);
    for (const memory of ['rom', 'ram'] as const) {
      const report = elfFootprintReport(image, memory);
      expect(report.totalBytes).toBe(elfSectionTotals(image)[memory]);
      expect(report.symbols.reduce((n, s) => n + s.sizeBytes, 0)).toBe(report.totalBytes);
      expect(report.findings).toEqual([]);
    }
    const ram = elfFootprintReport(image, 'ram');
    expect(ram.symbols.find((s) => s.name === 'keep')).toMatchObject({ sizeBytes: 32, section: '.noinit', origin: 'elf' });
    expect(attributeFootprint(ram).totalBytes).toBe(ram.totalBytes);
  });
});

describe.runIf(has('cc') && has('readelf') && has('size'))('parseElf on an ELF compiled now with cc (runs where gcc and binutils are installed)', () => {
  it('a fresh executable and object file read the same as readelf and size say', () => {
    const dir = mkdtempSync(join(tmpdir(), 'footprint-elf-'));
    const source = resolve(FIXTURES, 'elf/tiny.c');
    const object = join(dir, 'tiny.o');
    const exe = join(dir, 'tiny.elf');
    execFileSync('cc', ['-Os', '-c', source, '-o', object]);
    execFileSync('cc', ['-Os', '-nostdlib', '-static', '-o', exe, object]);
    crossCheck(exe, 64);
    // A relocatable object: sections without addresses, symbols by section.
    const obj = parse(object);
    expect(obj.symbols.find((s) => s.name === 'add')?.sizeBytes).toBeGreaterThan(0);
    crossCheck(object, 64);
  });
});

describe('parseElf on malformed files: errors as values, never exceptions', () => {
  const base = new Uint8Array(readFileSync(ELF64));
  const base32 = new Uint8Array(readFileSync(ELF32));
  const patched = (bytes: Uint8Array, at: number, values: number[]): Uint8Array => {
    const copy = bytes.slice();
    copy.set(values, at);
    return copy;
  };
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  const u64 = (n: number) => [...u32(n), 0, 0, 0, 0];
  const shoff = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0x28, true));
  const symtabHeader = shoff + 7 * 64; // section 7 is .symtab in the ELF64 fixture
  const cases: [string, Uint8Array, string, RegExp][] = [
    ['empty', new Uint8Array(0), 'incomplete', /shorter than the ELF identification/],
    ['no magic', patched(base, 0, [0x7f, 0x45, 0x4c, 0x47]), 'invalid', /no ELF magic/],
    ['big-endian', patched(base, 5, [2]), 'unsupported', /big-endian/],
    ['unknown class', patched(base, 4, [3]), 'unsupported', /class 3/],
    ['header cut short', base.subarray(0, 40), 'incomplete', /64-byte ELF header/],
    ['ELF32 header cut short', base32.subarray(0, 50), 'incomplete', /52-byte ELF header/],
    ['section table beyond the file', patched(base, 0x28, u64(base.length + 10)), 'incomplete', /beyond/],
    ['section table cut off', base.subarray(0, shoff + 100), 'incomplete', /run past/],
    ['entry size too small', patched(base, 0x3a, [16, 0]), 'invalid', /entry size 16/],
    ['name table index out of range', patched(base, 0x3e, [99, 0]), 'invalid', /name table index 99/],
    ['section data past the end', patched(base, symtabHeader + 0x20, u64(1 << 30)), 'incomplete', /section 7/],
    ['symbol table linked to a non-string table', patched(base, symtabHeader + 0x28, u32(1)), 'invalid', /links to section 1/],
    ['section name offset outside the table', patched(base, shoff + 64, u32(0xfffff)), 'invalid', /name offset/],
    ['section size beyond 2^53', patched(base, symtabHeader + 0x20, [0, 0, 0, 0, 0, 0, 0, 0x7f]), 'limit', /2\^53/],
  ];
  for (const [name, bytes, kind, message] of cases) {
    it(name, () => {
      const r = parseElf(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe(kind);
        expect(r.error.message).toMatch(message);
      }
    });
  }

  it('random byte patches and truncations never throw', () => {
    fc.assert(fc.property(
      fc.constantFrom(base, base32), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(),
      (file, at, patch, cut) => {
        const bytes = patched(file, at % (file.length - 8), [...patch]).subarray(0, file.length - (cut % 64));
        const r = parseElf(bytes);
        expect(typeof r.ok).toBe('boolean');
      },
    ), { numRuns: 500 });
  });
});
