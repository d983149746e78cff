/**
 * `mgmt-conformance targets list|check|import-twister`: what targets.json (or a twister hardware
 * map) describes, whether every target is valid and answers, and a targets.json made from a
 * hardware map. Exit codes: 0 ok, 1 a target did not answer, 2 bad input.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmpClient } from '../client/smp-client.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/index.ts';
import { parseHardwareMap } from '../codec/twister/index.ts';
import { builtInTargets, loadTargets, resetOf, type TargetConfig, type TargetsFile } from '../config/index.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { startProcessDevice, startSimulatorDevice, type StartedDevice } from '../target/device-start.ts';
import { openLink } from '../target/lifecycle.ts';
import { LWM2M_CAPABILITY_NAMES } from '../target/lwm2m/capability-catalogue.ts';
import { CAPABILITY_NAMES } from '../target/smp/capability-catalogue.ts';
import { parseConnectionString } from '../transport/connection-string.ts';
import { formatFlagHelp, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { knownFaultNames } from './run-prepare.ts';
import { loadHardwareMapTargets, targetsFromHardwareMap } from './targets-twister.ts';

const USAGE = [
  'usage: mgmt-conformance targets list [--targets FILE | --hardware-map MAP.yml]',
  '       mgmt-conformance targets check [--targets FILE | --hardware-map MAP.yml] [--target NAME]... [--no-reach]',
  '       mgmt-conformance targets import-twister MAP.yml [--out FILE]',
  '',
  'list: the targets and how each is reached. check: validate the file against',
  'schema/targets.schema.json, then reach each target (start the simulator or process target),',
  'ask an SMP echo and print what answers and how fast. import-twister: a targets.json from a',
  'Zephyr twister hardware map (printed, or written to --out).',
].join('\n');

const FLAGS = {
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  'hardware-map': { type: 'string', valueName: 'MAP.yml', description: 'read targets from a twister hardware map instead' },
  target: { type: 'string', multiple: true, valueName: 'NAME', description: 'check only these targets' },
  'no-reach': { type: 'boolean', description: 'validate only; do not contact the targets' },
  out: { type: 'string', valueName: 'FILE', description: 'import-twister: write the targets.json here' },
  help: { type: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

const checks = {
  checkConnection: (s: string) => {
    const r = parseConnectionString(s);
    return r.ok ? undefined : r.error;
  },
  knownCapabilities: [...CAPABILITY_NAMES, ...LWM2M_CAPABILITY_NAMES],
  knownFaults: knownFaultNames(),
};

async function loadFile(flags: { targets?: string | undefined; 'hardware-map'?: string | undefined }, io: CliIo): Promise<TargetsFile> {
  if (flags.targets !== undefined && flags['hardware-map'] !== undefined) throw new UsageError('targets: give --targets or --hardware-map, not both');
  if (flags['hardware-map'] !== undefined) {
    const { file, skipped } = await loadHardwareMapTargets(flags['hardware-map'], checks);
    for (const s of skipped) io.stderr(`mgmt-conformance targets: left out ${s}`);
    return file;
  }
  if (flags.targets === undefined && !existsSync('targets.json')) return builtInTargets();
  return loadTargets(flags.targets ?? 'targets.json', checks);
}

function endpointOf(t: TargetConfig): string {
  if (t.kind === 'sim') return `simulator (${t.sim?.transports.join(', ') ?? 'udp, serial'})`;
  if (t.kind === 'process') return `${t.process?.command.join(' ') ?? ''}${t.smp ? ` → ${t.smp}` : ' → printed pty'}`;
  return t.smp ?? '';
}

function listLines(file: TargetsFile): string[] {
  const rows = Object.values(file.targets).map((t) => [`${t.name}${t.name === file.defaultTarget ? ' *' : ''}`, t.kind, endpointOf(t), `reset ${resetOf(t).method}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return [...rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')), `${rows.length} target(s) in ${file.file}; * = default`];
}

/** Start what must run for `t` (simulator, process), or nothing for a board. */
async function reachable(t: TargetConfig, scratch: string): Promise<StartedDevice> {
  if (t.kind === 'sim') return startSimulatorDevice({ transport: 'udp', faults: [], sim: t.sim });
  if (t.kind === 'process') return startProcessDevice(t, join(scratch, t.name));
  return { smp: t.smp ?? '', stop: async () => undefined };
}

/** One target reached: echo round trip, or why not. */
async function reach(t: TargetConfig, scratch: string): Promise<{ ok: boolean; line: string }> {
  const started = performance.now();
  let device: StartedDevice | undefined;
  let client: SmpClient | undefined;
  try {
    device = await reachable(t, scratch);
    const upMs = performance.now() - started;
    if (device.smp === undefined) return { ok: true, line: `${t.name}: started; speaks only LwM2M (reached through its registration during a run)` };
    client = new SmpClient(await openLink(device.smp), { timeoutMs: t.timeoutMs });
    const reply = await client.request(smpRequest(osCommands.echo, { d: 'targets check' }));
    const answered = reply.body.kind === 'ok' ? 'SMP echo answered' : `SMP echo got ${reply.body.kind}`;
    return { ok: reply.body.kind === 'ok', line: `${t.name}: ${answered} in ${reply.rttMs.toFixed(1)} ms at ${device.smp}${t.kind === 'sim' || t.kind === 'process' ? ` (started in ${upMs.toFixed(0)} ms)` : ''}` };
  } catch (e) {
    return { ok: false, line: `${t.name}: no answer: ${(e as Error).message.split('\n')[0] ?? ''}` };
  } finally {
    await client?.close().catch(() => undefined);
    await device?.stop();
  }
}

async function check(file: TargetsFile, names: readonly string[] | undefined, noReach: boolean, io: CliIo): Promise<number> {
  const wanted = names ?? Object.keys(file.targets);
  for (const n of wanted) if (!file.targets[n]) throw new ConfigError(`no target named '${n}' (known: ${Object.keys(file.targets).join(', ')})`, '/targets', file.file);
  io.stdout(`${file.file}: valid, ${Object.keys(file.targets).length} target(s)`);
  if (noReach) return 0;
  const scratch = mkdtempSync(join(tmpdir(), 'mgmt-targets-check-'));
  let failed = 0;
  try {
    for (const n of wanted) {
      const r = await reach(file.targets[n]!, scratch);
      io.stdout(r.line);
      if (!r.ok) failed++;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return failed > 0 ? 1 : 0;
}

async function importTwister(path: string | undefined, out: string | undefined, io: CliIo): Promise<number> {
  if (path === undefined) throw new UsageError('targets import-twister: missing MAP.yml');
  const map = parseHardwareMap(await readFile(path, 'utf8').catch((e: unknown) => {
    throw new ConfigError(`cannot read: ${(e as Error).message}`, '', path);
  }));
  if (!map.ok) throw new ConfigError(map.error.message, map.error.entry !== undefined ? `/${map.error.entry}${map.error.field ? `/${map.error.field}` : ''}` : '', path);
  const { document, skipped } = targetsFromHardwareMap(map.value);
  for (const s of skipped) io.stderr(`mgmt-conformance targets: left out ${s}`);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (out === undefined) io.stdout(text.trimEnd());
  else writeFileSync(out, text);
  return 0;
}

/** Entry point of `mgmt-conformance targets`. */
export async function targetsCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('targets', argv, FLAGS, 2);
  const [sub, arg] = positionals;
  if (flags.help || sub === undefined) {
    io.stdout(`${USAGE}\n\noptions:\n${formatFlagHelp(FLAGS)}`);
    return sub === undefined && !flags.help ? 2 : 0;
  }
  if (sub === 'import-twister') return importTwister(arg, flags.out, io);
  if (arg !== undefined) throw new UsageError(`targets ${sub}: unexpected argument '${arg}'`);
  if (sub === 'list') {
    for (const line of listLines(await loadFile(flags, io))) io.stdout(line);
    return 0;
  }
  if (sub === 'check') return check(await loadFile(flags, io), flags.target, flags['no-reach'] === true, io);
  throw new UsageError(`targets: unknown sub-command '${sub}' (list, check, import-twister)`);
}
