/**
 * `mgmt-conformance probe`: connect to a device and print what it says about itself (SMP
 * version, OS info, bootloader, buffers, image slots, groups).
 */
import { probeDevice, type DeviceProbe, type ProbeItem } from '../client/device-probe.ts';
import { mcubootModeName } from '../codec/smp/groups/os.ts';
import { type CliIo, type FlagSpecs, formatFlagHelp, parseFlags } from './args.ts';
import { DEVICE_FLAGS, firstRequest, withDevice } from './device-connection.ts';

const FLAGS = {
  ...DEVICE_FLAGS,
  json: { type: 'boolean', description: 'print the result as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance probe [--smp CONN | --target NAME] [--targets FILE] [--timeout MS] [--json]

Asks a device what it is: SMP version, OS info, bootloader, MCUmgr buffers, image slots and
management groups. Exit 0 on an answer, 2 when the device is unreachable or the flags are wrong.

${formatFlagHelp(FLAGS)}`;

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
    `boot mode   ${itemText(p.bootloaderMode, (v) => (v === undefined ? '(not given)' : `${v} (${mcubootModeName(v) ?? 'not a known mode'})`))}`,
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
  const result = await withDevice('probe', flags, ({ client }) => firstRequest(client, () => probeDevice(client)));
  if (flags.json) io.stdout(JSON.stringify(result, null, 2));
  else for (const line of formatProbe(result)) io.stdout(line);
  return 0;
}
