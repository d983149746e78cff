/**
 * Capability names and how each is discovered. A case's `requires` names capabilities from this
 * list; the session decides each one at start. Only harmless requests are used to discover: a
 * command whose only form changes the device (reset, storage erase) is taken from targets.json.
 * @see docs/spec/smp.md §3.0 (group ids), §3 (Kconfig per command), §7
 */
import { smpRequest, type SmpRequest } from '../../codec/smp/command.ts';
import { MgmtGroup } from '../../codec/smp/constants.ts';
import { enumCommands, fsCommands, imgCommands, osCommands, statCommands } from '../../codec/smp/groups/index.ts';

/** How a capability is decided. */
export type Discovery =
  /** A harmless request: `rc 8` (or a known-absent group) = absent, any other answer = present. */
  | { kind: 'probe'; group: number; what: string; request: () => SmpRequest<unknown> }
  /** Present when its group is (enumeration, or the group probe). */
  | { kind: 'group'; group: number }
  /** Only from targets.json: discovering it would change the device. */
  | { kind: 'declared'; group?: number }
  /** The transport the session uses. */
  | { kind: 'transport'; transport: string }
  /** The SMP header version the device answers. */
  | { kind: 'version'; version: 1 | 2 };

/** One capability. */
export interface CapabilityDef {
  name: string;
  description: string;
  discovery: Discovery;
}

const G = MgmtGroup;

function probe(name: string, description: string, group: number, what: string, request: () => SmpRequest<unknown>): CapabilityDef {
  return { name, description, discovery: { kind: 'probe', group, what, request } };
}

function byGroup(name: string, description: string, group: number): CapabilityDef {
  return { name, description, discovery: { kind: 'group', group } };
}

/** Every capability the harness knows. */
export const CAPABILITIES: readonly CapabilityDef[] = [
  { name: 'smp.v1', description: 'answers SMP v1 (original protocol) requests', discovery: { kind: 'version', version: 1 } },
  { name: 'smp.v2', description: 'answers SMP v2 requests with version bits 01', discovery: { kind: 'version', version: 2 } },
  { name: 'smp.transport.udp', description: 'reached over UDP', discovery: { kind: 'transport', transport: 'udp' } },
  { name: 'smp.transport.serial', description: 'reached over the SMP serial (console) framing', discovery: { kind: 'transport', transport: 'serial' } },
  byGroup('smp.os', 'OS management group (0)', G.OS),
  probe('smp.os.echo', 'os echo', G.OS, 'os echo', () => smpRequest(osCommands.echo, { d: 'mgmt-conformance' })),
  probe('smp.os.taskstat', 'os task statistics', G.OS, 'os taskstat', () => smpRequest(osCommands.taskstat, {})),
  probe('smp.os.mpstat', 'os memory-pool statistics', G.OS, 'os mpstat', () => smpRequest(osCommands.mpstat, {})),
  probe('smp.os.datetime', 'os date/time get and set', G.OS, 'os datetime get', () => smpRequest(osCommands.datetimeGet, {})),
  { name: 'smp.os.reset', description: 'os reset (declared only: probing would reboot)', discovery: { kind: 'declared', group: G.OS } },
  probe('smp.os.params', 'os MCUmgr parameters', G.OS, 'os mcumgr params', () => smpRequest(osCommands.mcumgrParams, {})),
  probe('smp.os.info', 'os/application info', G.OS, 'os info', () => smpRequest(osCommands.info, {})),
  probe('smp.os.bootloader-info', 'os bootloader info', G.OS, 'os bootloader info', () => smpRequest(osCommands.bootloaderInfo, {})),
  byGroup('smp.img', 'image management group (1)', G.IMAGE),
  probe('smp.img.state', 'image state read and write', G.IMAGE, 'img state', () => smpRequest(imgCommands.state, {})),
  byGroup('smp.img.upload', 'image upload', G.IMAGE),
  byGroup('smp.img.erase', 'image erase', G.IMAGE),
  probe('smp.img.slot-info', 'image slot info', G.IMAGE, 'img slot info', () => smpRequest(imgCommands.slotInfo, {})),
  byGroup('smp.stat', 'statistics group (2)', G.STAT),
  byGroup('smp.settings', 'settings group (3)', G.SETTINGS),
  byGroup('smp.fs', 'file system group (8): upload, download, status', G.FS),
  probe('smp.fs.hash', 'fs hash/checksum', G.FS, 'fs supported hashes', () => smpRequest(fsCommands.supportedHashes, {})),
  byGroup('smp.shell', 'shell group (9)', G.SHELL),
  probe('smp.enum', 'enumeration group (10)', G.ENUM, 'enum count', () => smpRequest(enumCommands.count, {})),
  probe('smp.enum.details', 'enumeration details', G.ENUM, 'enum details', () => smpRequest(enumCommands.details, {})),
  probe('smp.stat.list', 'stat list', G.STAT, 'stat list', () => smpRequest(statCommands.list, {})),
  { name: 'smp.zephyr.storage-erase', description: 'Zephyr basic storage erase (declared only: probing would erase)', discovery: { kind: 'declared', group: G.ZEPHYR_BASIC } },
];

/** Capability definitions by name. */
export const CAPABILITY_BY_NAME: ReadonlyMap<string, CapabilityDef> = new Map(CAPABILITIES.map((c) => [c.name, c]));

/** Every known capability name. */
export const CAPABILITY_NAMES: readonly string[] = CAPABILITIES.map((c) => c.name);
