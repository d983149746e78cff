/**
 * `mgmt-conformance footprint BUILD_DIR|ROM.json [RAM.json]`: ROM and RAM of a Zephyr build split
 * by subsystem (MCUmgr and its groups, SMP transports, zcbor, LwM2M, CoAP, net, kernel, …), side by
 * side with other builds (`--compare`), checked against a budget (`--budget`).
 * Exit codes: 0 ok, 1 over budget, 2 missing or malformed input.
 */
import { basename, dirname } from 'node:path';
import { loadBuild, readInput, type Notes } from '../conformance/footprint-files.ts';
import { ConfigError, InputFileError, UsageError } from '../errors.ts';
import {
  compareFootprints, evaluateFootprintBudget, formatBudgetVerdict, formatFootprintMarkdown, formatFootprintTable, parseFootprintBudget,
  type FootprintBudget, type FootprintBuild,
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
