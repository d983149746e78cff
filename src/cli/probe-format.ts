/** The text `mgmt-conformance probe` prints for an SMP device (`probe.ts`). */
import type { DeviceProbe, ProbeItem } from '../client/device-probe.ts';
import { mcubootModeName } from '../codec/smp/groups/os.ts';

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
