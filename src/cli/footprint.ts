/**
 * `mgmt-conformance footprint BUILD_DIR|ROM.json [RAM.json]`: ROM and RAM of a Zephyr build split
 * by subsystem (MCUmgr and its groups, SMP transports, zcbor, LwM2M, CoAP, net, kernel, …), side by
 * side with other builds (`--compare`), checked against a budget (`--budget`).
 * Exit codes: 0 ok, 1 over budget, 2 missing or malformed input.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, InputFileError, UsageError } from '../errors.ts';
import {
  compareFootprints, footprintBuild, elfFootprintReport, evaluateFootprintBudget, formatBudgetVerdict, formatFootprintMarkdown,
  formatFootprintTable, formatSizeReportError, parseElf, parseFootprintBudget, parseSizeReport,
  type FootprintBudget, type FootprintBuild, type FootprintReport, type MemoryKind,
} from '../codec/footprint/index.ts';
import { formatFlagHelp, parseFlags, type CliIo, type FlagSpecs } from './args.ts';

const USAGE = [
  'usage: mgmt-conformance footprint BUILD_DIR|ROM.json [RAM.json] [--compare OTHER]... [--budget FILE] [--json | --markdown]',
  '       mgmt-conformance footprint --elf zephyr.elf [--compare OTHER]... [--budget FILE]',
  '',
  'Reads Zephyr size reports (west build -t rom_report / ram_report write rom.json and ram.json in',
  'BUILD_DIR/zephyr) or an ELF file, and prints bytes per subsystem. OTHER is a build directory, a',
  'rom.json (its ram.json sibling is used when present) or an ELF file; the first build is the',
  'baseline of the delta columns. Totals leave out emulated memory (the flash simulator store).',
].join('\n');

const FLAGS = {
  elf: { type: 'string', valueName: 'zephyr.elf', description: 'read section and symbol sizes from an ELF file instead of size reports' },
  compare: { type: 'string', multiple: true, valueName: 'OTHER', description: 'another build (dir, rom.json or ELF) to print side by side, with the delta for two builds' },
  budget: { type: 'string', valueName: 'FILE', description: 'budget JSON {romBytes?, ramBytes?, subsystems?: {NAME: {romBytes?, ramBytes?}}} checked against the first build: exit 1 when over' },
  layers: { type: 'boolean', description: 'print only the layer rows (management, transport, services, kernel, ...)' },
  json: { type: 'boolean', description: 'print builds, attribution, growth and budget verdict as JSON' },
  markdown: { type: 'boolean', description: 'print the table as Markdown' },
  help: { type: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

async function readInput(path: string, what: string): Promise<Buffer> {
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
type Notes = string[];

/** Load one build from a directory, a ROM (or RAM) report, or an ELF; `ramPath` overrides the sibling. */
async function loadBuild(path: string, notes: Notes, ramPath?: string, isElfInput = false): Promise<Omit<FootprintBuild, 'name'>> {
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

/** Short build names: file names without `.rom.json`, and without the prefix and suffix all share. */
export function buildNames(paths: readonly string[]): string[] {
  const raw = paths.map((p) => basename(p).replace(/\.?(rom|ram)\.json$/, '').replace(/\.(json|elf)$/, '') || basename(dirname(p)));
  if (raw.length < 2) return raw;
  const parts = raw.map((r) => r.split('-'));
  const shortest = Math.min(...parts.map((p) => p.length));
  let head = 0;
  while (head < shortest - 1 && parts.every((p) => p[head] === parts[0]![head])) head++;
  let tail = 0;
  while (tail < shortest - head - 1 && parts.every((p) => p[p.length - 1 - tail] === parts[0]![parts[0]!.length - 1 - tail])) tail++;
  const names = parts.map((p) => p.slice(head, p.length - tail).join('-'));
  return new Set(names).size === names.length ? names : raw;
}

async function readBudget(path: string): Promise<FootprintBudget> {
  const text = (await readInput(path, 'budget')).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`not JSON: ${(e as Error).message}`, '', path);
  }
  const budget = parseFootprintBudget(doc);
  if (!budget.ok) throw new ConfigError(budget.error.message, budget.error.pointer, path);
  return budget.value;
}

/** Entry point of `mgmt-conformance footprint`. */
export async function footprintCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('footprint', argv, FLAGS, 2);
  if (flags.help) {
    io.stdout(`${USAGE}\n\noptions:\n${formatFlagHelp(FLAGS)}`);
    return 0;
  }
  if (flags.json && flags.markdown) throw new UsageError('footprint: --json and --markdown exclude each other');
  const main = flags.elf ?? positionals[0];
  if (main === undefined) throw new UsageError('footprint: missing BUILD_DIR, ROM.json or --elf FILE (see mgmt-conformance footprint --help)');
  if (flags.elf !== undefined && positionals.length > 0) throw new UsageError('footprint: give either --elf FILE or BUILD_DIR|ROM.json, not both');
  const budget = flags.budget !== undefined ? await readBudget(flags.budget) : undefined;
  const paths = [main, ...(flags.compare ?? [])];
  const names = buildNames(paths);
  const builds: FootprintBuild[] = [];
  const notes: Notes = [];
  for (const [i, path] of paths.entries()) {
    builds.push({ name: names[i]!, ...(await loadBuild(path, notes, i === 0 ? positionals[1] : undefined, i === 0 && flags.elf !== undefined)) });
  }
  for (const note of notes) io.stderr(`mgmt-conformance footprint: warning: ${note}`);
  const verdict = budget ? evaluateFootprintBudget(builds[0]!, budget) : undefined;
  if (flags.json) {
    const growth = builds.length > 1 ? builds.slice(1).map((b) => compareFootprints(builds[0]!, b)) : undefined;
    io.stdout(JSON.stringify({ builds, ...(growth ? { growth } : {}), ...(verdict ? { budget: verdict } : {}) }, null, 2));
  } else {
    const options = { subsystems: !flags.layers };
    io.stdout(flags.markdown ? formatFootprintMarkdown(builds, options) : formatFootprintTable(builds, options));
    if (verdict) io.stdout(`\n${formatBudgetVerdict(verdict)}`);
  }
  return verdict && !verdict.pass ? 1 : 0;
}
