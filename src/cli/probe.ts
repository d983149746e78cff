/**
 * `mgmt-conformance probe`: connect to a device and print what it says about itself (SMP
 * version, OS info, bootloader, buffers, image slots, groups).
 */
import { existsSync } from 'node:fs';
import { probeDevice, type DeviceProbe, type ProbeItem } from '../client/device-probe.ts';
import { SmpClient } from '../client/smp-client.ts';
import { CAPABILITY_NAMES } from '../target/capability-catalogue.ts';
import { builtInTargets, loadTargets, resolveTarget, type TargetConfig } from '../config/targets.ts';
import type { Transport } from '../core/transport.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import { ResponseTimeoutError, TransportError, UsageError } from '../errors.ts';
import { parseConnectionString, type ConnectionSpec } from '../transport/connection-string.ts';
import { openTransport } from '../transport/open.ts';
import { type CliIo, type FlagSpecs, formatFlagHelp, integerFlag, parseFlags } from './args.ts';

const FLAGS = {
  smp: { type: 'string', valueName: 'CONN', description: 'device to probe: udp://HOST:PORT or serial:///dev/PATH?baud=N' },
  target: { type: 'string', valueName: 'NAME', description: 'a target from targets.json instead of --smp (default: its defaultTarget)' },
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  timeout: { type: 'string', valueName: 'MS', description: 'per-request timeout (default: the target\'s timeoutMs, 2000)' },
  json: { type: 'boolean', description: 'print the result as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance probe [--smp CONN | --target NAME] [--targets FILE] [--timeout MS] [--json]

Asks a device what it is: SMP version, OS info, bootloader, MCUmgr buffers, image slots and
management groups. Exit 0 on an answer, 2 when the device is unreachable or the flags are wrong.

${formatFlagHelp(FLAGS)}`;

/** Parse a connection string given on the command line; errors name the flag. */
export function connectionFromFlag(flag: string, value: string): ConnectionSpec {
  const spec = parseConnectionString(value);
  if (!spec.ok) throw new UsageError(`${flag} '${value}': ${spec.error}`);
  return spec.value;
}

/** Where to probe: a connection string, or a simulator target to start first. */
type ProbeWhere = { spec: ConnectionSpec; timeoutMs: number } | { sim: TargetConfig; timeoutMs: number };

async function resolveWhere(flags: { smp?: string; target?: string; targets?: string; timeout?: string }): Promise<ProbeWhere> {
  const timeoutFlag = flags.timeout === undefined ? undefined : integerFlag('probe', 'timeout', flags.timeout, 1, 600_000);
  if (flags.smp !== undefined) {
    if (flags.target !== undefined) throw new UsageError('probe: give --smp or --target, not both');
    return { spec: connectionFromFlag('--smp', flags.smp), timeoutMs: timeoutFlag ?? 2000 };
  }
  const checks = { checkConnection: (s: string) => connectionProblem(s), knownCapabilities: CAPABILITY_NAMES };
  const file = flags.targets !== undefined || existsSync('targets.json') ? await loadTargets(flags.targets ?? 'targets.json', checks) : builtInTargets();
  const target = resolveTarget(file, flags.target);
  const timeoutMs = timeoutFlag ?? target.timeoutMs;
  if (target.kind === 'sim') return { sim: target, timeoutMs };
  return { spec: connectionFromFlag(`target '${target.name}' smp`, target.smp ?? ''), timeoutMs };
}

function connectionProblem(s: string): string | undefined {
  const r = parseConnectionString(s);
  return r.ok ? undefined : r.error;
}

/** Probe over a transport; silence on the first request becomes a one-line `TransportError`. */
async function probeOver(transport: Transport, timeoutMs: number): Promise<DeviceProbe> {
  const client = new SmpClient(transport, { timeoutMs });
  try {
    return await probeDevice(client);
  } catch (e) {
    if (!(e instanceof ResponseTimeoutError)) throw e;
    const refused = client.trace.entries.some((x) => x.note === 'refused');
    const hint = refused ? 'nothing listens on that port: is the device running?' : 'is the device running?';
    throw new TransportError(`no answer from ${transport.description} within ${timeoutMs} ms (${hint})`);
  } finally {
    await client.close();
  }
}

/** The simulator endpoint a sim target's first transport asks for, as a connection spec. */
function simEndpoint(sim: RunningSimulator): ConnectionSpec {
  if (sim.udp) return { scheme: 'udp', host: sim.udp.host, port: sim.udp.port };
  if (sim.udp6) return { scheme: 'udp', host: sim.udp6.host, port: sim.udp6.port };
  if (sim.serialPath) return { scheme: 'serial', path: sim.serialPath, baudRate: 115200, raw: false };
  throw new TransportError('simulator started without an endpoint');
}

async function runProbe(where: ProbeWhere): Promise<DeviceProbe> {
  if ('spec' in where) return probeOver(await openTransport(where.spec), where.timeoutMs);
  const o = where.sim.sim;
  const first = o?.transports[0] ?? 'udp';
  // The simulator loads only for a sim target: probing hardware never needs it.
  const { startSimulator } = await import('../simulator/index.ts');
  const sim = await startSimulator({
    udp: first === 'udp' ? { port: 0 } : false,
    udp6: first === 'udp6' ? { port: 0 } : false,
    serial: first === 'serial',
    ...(o ? { faults: o.faults, errorForm: o.errorForm, bufSize: o.bufSize, bufCount: o.bufCount } : {}),
  });
  try {
    return await probeOver(await openTransport(simEndpoint(sim)), where.timeoutMs);
  } finally {
    await sim.stop();
  }
}

/** MCUboot modes as bootloader info reports them. @see ../../../shared/spec/smp.md §3.1.8 */
const BOOT_MODES: Record<number, string> = {
  [-1]: 'unknown',
  0: 'single application slot',
  1: 'swap using scratch',
  2: 'overwrite only',
  3: 'swap without scratch (swap-move)',
  4: 'direct-XIP without revert',
  5: 'direct-XIP with revert',
  6: 'RAM load',
  7: 'firmware loader',
  8: 'single slot RAM load',
  9: 'swap using offset',
};

function itemText<T>(item: ProbeItem<T>, show: (v: T) => string): string {
  return item.ok ? show(item.value) : `(${item.error})`;
}

/** Human-readable lines for a probe result. */
export function formatProbe(p: DeviceProbe): string[] {
  const lines = [
    `device      ${p.endpoint} (first reply in ${p.rttMs.toFixed(1)} ms)`,
    `smp         ${p.smpVersion} (a v2 request was answered with version bits ${p.responseVersionBits.toString(2).padStart(2, '0')}${p.smpVersion === 'v1' ? ': the device ignores them, like Zephyr < 3.4 or MCUboot serial recovery' : ''})`,
    `os info     ${itemText(p.osInfo, (v) => v)}`,
    `bootloader  ${itemText(p.bootloader, (v) => v ?? '(not named)')}`,
    `boot mode   ${itemText(p.bootloaderMode, (v) => (v === undefined ? '(not given)' : `${v} (${BOOT_MODES[v] ?? 'not a known mode'})`))}`,
    `buffers     ${itemText(p.mcumgrParams, (v) => `${v.buf_count} × ${v.buf_size} bytes`)}`,
  ];
  if (p.images.ok) {
    lines.push(`images      ${p.images.value.length} slot(s)`);
    for (const s of p.images.value) {
      lines.push(`  image ${s.image} slot ${s.slot}  ${s.version.padEnd(10)} ${s.flags.join(' ') || '-'}  hash ${s.hash.slice(0, 16)}…`);
    }
  } else lines.push(`images      (${p.images.error})`);
  lines.push(`groups      from ${p.groups.source === 'enum' ? 'the enumeration group' : 'one harmless request per group (no enumeration group)'}`);
  const width = Math.max(...p.groups.list.map((g) => g.name.length));
  for (const g of [...p.groups.list].sort((a, b) => a.group - b.group)) {
    const state = g.present === true ? 'present' : g.present === false ? 'absent' : 'unknown';
    const handlers = g.handlers === undefined ? '' : `, ${g.handlers} handlers`;
    lines.push(`  ${String(g.group).padStart(3)} ${g.name.padEnd(width)} ${state}${handlers}  (${g.evidence})`);
  }
  return lines;
}

/** `probe` entry point. */
export async function probeCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('probe', argv, FLAGS);
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const result = await runProbe(await resolveWhere(flags));
  if (flags.json) io.stdout(JSON.stringify(result, null, 2));
  else for (const line of formatProbe(result)) io.stdout(line);
  return 0;
}
