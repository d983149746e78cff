/**
 * Reading a build's footprint from files: Zephyr size reports (`rom.json`, `ram.json`, written by
 * `west build -t rom_report -t ram_report`), an ELF file, or a build directory holding either; and
 * a target's build outputs and baseline (targets.json `build`, `baseline`) for the footprint cases.
 * Used by `mgmt-conformance footprint` and by the footprint suite.
 */
import { stat, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { elfFootprintReport, footprintBuild, formatSizeReportError, parseElf, parseSizeReport, type FootprintBuild, type FootprintReport, type MemoryKind } from '../codec/footprint/index.ts';
import { runTargetFromEnv, type BaselineReports, type BuildOutputs } from '../config/index.ts';
import { InputFileError } from '../errors.ts';

/** A file's bytes, or an InputFileError naming the file and why it cannot be read. */
export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (cause as Error).message;
    throw new InputFileError(path, `cannot read ${what}: ${why}`, { cause });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

const isElf = (bytes: Uint8Array): boolean => bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;

async function readReport(path: string, memory: MemoryKind): Promise<FootprintReport> {
  const text = (await readInput(path, `${memory} size report`)).toString('utf8');
  const report = parseSizeReport(text, memory, path);
  if (!report.ok) throw new InputFileError(path, `malformed size report ${formatSizeReportError(report.error)}`);
  return report.value;
}

async function readElf(path: string, bytes?: Uint8Array): Promise<{ rom: FootprintReport; ram: FootprintReport }> {
  const image = parseElf(bytes ?? new Uint8Array(await readInput(path, 'ELF file')));
  if (!image.ok) throw new InputFileError(path, `unreadable ELF (${image.error.kind}) at offset ${image.error.at}: ${image.error.message}`);
  return { rom: elfFootprintReport(image.value, 'rom', path), ram: elfFootprintReport(image.value, 'ram', path) };
}

/** The RAM report next to a ROM report: `x.rom.json` → `x.ram.json`, `rom.json` → `ram.json`. */
function ramSibling(romPath: string): string | undefined {
  const name = basename(romPath);
  return /rom\.json$/.test(name) ? join(dirname(romPath), name.replace(/rom\.json$/, 'ram.json')) : undefined;
}

async function firstFile(candidates: string[]): Promise<string | undefined> {
  for (const c of candidates) if (await exists(c)) return c;
  return undefined;
}

async function loadDirectory(dir: string): Promise<{ rom?: FootprintReport; ram?: FootprintReport }> {
  const rom = await firstFile([join(dir, 'zephyr', 'rom.json'), join(dir, 'rom.json')]);
  const ram = await firstFile([join(dir, 'zephyr', 'ram.json'), join(dir, 'ram.json')]);
  if (rom || ram) return { ...(rom ? { rom: await readReport(rom, 'rom') } : {}), ...(ram ? { ram: await readReport(ram, 'ram') } : {}) };
  const elf = await firstFile([join(dir, 'zephyr', 'zephyr.elf'), join(dir, 'zephyr.elf')]);
  if (elf) return readElf(elf);
  throw new InputFileError(dir, 'no rom.json, ram.json or zephyr.elf in it or in its zephyr/ folder (west build -t rom_report -t ram_report writes the reports)');
}

/** Findings of the reports read so far (sizes that do not add up), printed as warnings. */
export type Notes = string[];

/** Load one build from a directory, a ROM (or RAM) report, or an ELF; `ramPath` overrides the sibling. */
export async function loadBuild(path: string, notes: Notes, ramPath?: string, isElfInput = false): Promise<Omit<FootprintBuild, 'name'>> {
  if (isElfInput) return attribute(await readElf(path), notes);
  const info = await stat(path).catch((cause: unknown) => {
    throw new InputFileError(path, `cannot read build: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (cause as Error).message}`, { cause });
  });
  if (info.isDirectory()) return attribute(await loadDirectory(path), notes);
  const bytes = await readInput(path, 'size report');
  if (isElf(bytes)) return attribute(await readElf(path, new Uint8Array(bytes)), notes);
  if (ramPath === undefined && /ram\.json$/.test(basename(path))) return attribute({ ram: await readReport(path, 'ram') }, notes);
  const sibling = ramPath ?? ramSibling(path);
  const ram = sibling !== undefined && (ramPath !== undefined || (await exists(sibling))) ? await readReport(sibling, 'ram') : undefined;
  return attribute({ rom: await readReport(path, 'rom'), ...(ram ? { ram } : {}) }, notes);
}

function attribute(reports: { rom?: FootprintReport; ram?: FootprintReport }, notes?: Notes): Omit<FootprintBuild, 'name'> {
  for (const r of [reports.rom, reports.ram]) for (const f of r?.findings ?? []) notes?.push(`${r?.source ?? ''}: ${f.pointer}: ${f.message}`);
  const { name: _name, ...build } = footprintBuild('', reports);
  return build;
}


/** One build from a target's `build` outputs: `romReport`/`ramReport` first, then `elf`, then `dir`. */
export async function loadTargetBuild(name: string, build: BuildOutputs, notes?: Notes): Promise<FootprintBuild> {
  if (build.romReport !== undefined) return { name, ...(await loadBuild(build.romReport, notes ?? [], build.ramReport)) };
  if (build.ramReport !== undefined) return { name, ...(await loadBuild(build.ramReport, notes ?? [])) };
  if (build.elf !== undefined) return { name, ...(await loadBuild(build.elf, notes ?? [], undefined, true)) };
  if (build.dir !== undefined) return { name, ...(await loadBuild(build.dir, notes ?? [])) };
  throw new InputFileError(name, 'the target names no build output (build.dir, romReport, ramReport or elf)');
}

/** The baseline build of a target's `baseline` reports. */
export async function loadBaselineBuild(name: string, baseline: BaselineReports, notes?: Notes): Promise<FootprintBuild> {
  return loadTargetBuild(name, baseline, notes);
}

/** What the footprint cases need from the worker's target: its build outputs and baseline (absolute paths). */
export interface TargetFootprintInputs {
  name: string;
  build?: BuildOutputs;
  baseline?: BaselineReports;
}

/** The worker's target's build outputs and baseline (targets.json `build`, `baseline`, as the run handed them over). */
export function targetFootprintInputs(): TargetFootprintInputs {
  const target = runTargetFromEnv();
  return { name: target.name, ...(target.build ? { build: target.build } : {}), ...(target.baseline ? { baseline: target.baseline } : {}) };
}
