/**
 * Capability discovery at session start: what the device says about itself (enumeration group
 * where enabled, else one harmless request per group), one harmless request per optional command,
 * the SMP versions it answers and its MCUmgr parameters. Declared capabilities come from
 * targets.json; a declared one the device lacks is reported (SMP-CAP-DECLARED-001 fails on it).
 * @see docs/spec/smp.md §1.4, §3.0, §3.1.6, §3.7, §7
 */
import { probeDevice, type DeviceProbe } from '../../client/device-probe.ts';
import type { SmpClient } from '../../client/smp-client.ts';
import { smpRequest } from '../../codec/smp/command.ts';
import { MgmtErr, SmpVersion, groupName, mgmtErrName } from '../../codec/smp/constants.ts';
import { osCommands } from '../../codec/smp/groups/index.ts';
import type { SmpResponseBody } from '../../codec/smp/message.ts';
import { ResponseTimeoutError } from '../../errors.ts';
import type { CapabilityStatus } from '../protocol-driver.ts';
import { CAPABILITIES, CAPABILITY_BY_NAME, type CapabilityDef } from './capability-catalogue.ts';

export type { CapabilityStatus };

/** What discovery learned. */
export interface DiscoveryResult {
  statuses: Map<string, CapabilityStatus>;
  smpVersions: { v1: boolean; v2: boolean };
  params: { bufSize: number; bufCount: number } | undefined;
  /** JSON-safe identity for reports: os info, bootloader, images, groups, version bits. */
  identity: Record<string, unknown>;
  /** Why discovery could not judge the device (its replies do not match its requests). */
  problem?: string;
}

/** Discovery's view of the device so far. */
interface Known {
  probe: DeviceProbe;
  transportKind: string;
  declared: ReadonlySet<string>;
  /** The target is the built-in simulator, which implements every smp_svr command. */
  isReferenceSimulator: boolean;
  smpVersions: { v1: boolean; v2: boolean };
  /** Groups some request was answered in (not rc 8), with the evidence. */
  answeredGroups: Map<number, string>;
}

function bodyText(body: SmpResponseBody): string {
  if (body.kind === 'errV1') return `rc ${body.rc}${mgmtErrName(body.rc) ? ` (${mgmtErrName(body.rc)})` : ''}`;
  if (body.kind === 'errV2') return `err {group ${body.group}, rc ${body.rc}}`;
  if (body.kind === 'malformed') return `malformed reply (${body.reason})`;
  return 'success';
}

/**
 * Group presence: the enumeration list is authoritative; without it, a group is present when any
 * request to it was answered with something other than rc 8. One rc 8 only says that command is
 * absent (os info may be off while echo is on), so it never proves the group absent.
 */
function groupPresence(k: Known, group: number): { present: boolean | undefined; evidence: string } {
  const g = k.probe.groups.list.find((x) => x.group === group);
  if (k.probe.groups.source === 'enum') {
    return g ? { present: true, evidence: g.evidence } : { present: false, evidence: `group ${group} (${groupName(group)}) not in the enumeration list` };
  }
  const seen = k.answeredGroups.get(group);
  if (g?.present === true) return { present: true, evidence: g.evidence };
  if (seen !== undefined) return { present: true, evidence: seen };
  return { present: undefined, evidence: g ? `no request to group ${group} answered (${g.evidence})` : `group ${group} not probed` };
}

async function probeCommand(client: SmpClient, def: CapabilityDef & { discovery: { kind: 'probe' } }, k: Known): Promise<{ present: boolean; reason: string }> {
  const d = def.discovery;
  const g = groupPresence(k, d.group);
  if (g.present === false) return { present: false, reason: `group ${d.group} absent (${g.evidence})` };
  try {
    const reply = await client.request(d.request());
    const isAbsent = reply.body.kind === 'errV1' && reply.body.rc === MgmtErr.ENOTSUP;
    if (!isAbsent && !k.answeredGroups.has(d.group)) k.answeredGroups.set(d.group, `${d.what} answered ${bodyText(reply.body)}`);
    return { present: !isAbsent, reason: `${d.what} answered ${bodyText(reply.body)}` };
  } catch (e) {
    if (!(e instanceof ResponseTimeoutError)) throw e;
    return { present: false, reason: `no answer to ${d.what} within ${e.timeoutMs} ms` };
  }
}

async function decide(client: SmpClient, def: CapabilityDef, k: Known): Promise<{ present: boolean; reason: string }> {
  const d = def.discovery;
  switch (d.kind) {
    case 'probe':
      return probeCommand(client, { ...def, discovery: d }, k);
    case 'group': {
      const g = groupPresence(k, d.group);
      return { present: g.present === true, reason: g.present === undefined ? `presence not known: ${g.evidence}` : g.evidence };
    }
    case 'declared': {
      const g = d.group === undefined ? { present: undefined, evidence: '' } : groupPresence(k, d.group);
      if (g.present === false) return { present: false, reason: `group ${d.group} absent (${g.evidence})` };
      const declared = k.declared.has(def.name);
      if (!declared && k.isReferenceSimulator && g.present === true) return { present: true, reason: 'the built-in simulator implements it (smp_svr behaviour)' };
      return { present: declared, reason: declared ? 'declared in targets.json (not discoverable without side effects)' : 'not declared in targets.json, and discovering it would change the device' };
    }
    case 'transport':
      return { present: k.transportKind === d.transport, reason: `session transport is ${k.transportKind}` };
    case 'version': {
      const present = d.version === 2 ? k.smpVersions.v2 : k.smpVersions.v1;
      return { present, reason: d.version === 2 ? `v2 request answered with version bits ${k.probe.responseVersionBits}` : present ? 'v1 request answered' : 'v1 request refused (rc 12) or unanswered' };
    }
  }
}

/** Does the device answer SMP v1 requests (rc 12 = original protocol compiled out)? */
async function answersV1(client: SmpClient): Promise<boolean> {
  try {
    const reply = await client.request(smpRequest(osCommands.mcumgrParams, {}, { version: SmpVersion.V1 }));
    return !(reply.body.kind === 'errV1' && reply.body.rc === MgmtErr.UNSUPPORTED_TOO_OLD);
  } catch (e) {
    if (e instanceof ResponseTimeoutError) return false;
    throw e;
  }
}

function identityOf(p: DeviceProbe): Record<string, unknown> {
  const id: Record<string, unknown> = { smpVersion: p.smpVersion, responseVersionBits: p.responseVersionBits, groupsSource: p.groups.source };
  if (p.osInfo.ok) id['osInfo'] = p.osInfo.value;
  if (p.bootloader.ok && p.bootloader.value !== undefined) id['bootloader'] = p.bootloader.value;
  if (p.images.ok) id['images'] = p.images.value;
  id['groups'] = p.groups.list.map((g) => ({ group: g.group, name: g.name, present: g.present, evidence: g.evidence }));
  return id;
}

/**
 * Discover the device's capabilities over `client`. The first request must be answered
 * (ResponseTimeoutError otherwise: the target is unreachable); later silences are recorded.
 */
export async function discoverCapabilities(
  client: SmpClient,
  options: { transportKind: string; declared: readonly string[]; isReferenceSimulator?: boolean },
): Promise<DiscoveryResult> {
  const probe = await probeDevice(client);
  const smpVersions = { v1: await answersV1(client), v2: probe.smpVersion === 'v2' };
  const k: Known = { probe, transportKind: options.transportKind, declared: new Set(options.declared), isReferenceSimulator: options.isReferenceSimulator === true, smpVersions, answeredGroups: new Map() };
  const decided = new Map<string, { present: boolean; reason: string }>();
  // Command probes first: their answers tell which groups exist when there is no enumeration.
  const ordered = [...CAPABILITIES.filter((c) => c.discovery.kind === 'probe'), ...CAPABILITIES.filter((c) => c.discovery.kind !== 'probe')];
  for (const def of ordered) decided.set(def.name, await decide(client, def, k));
  const statuses = new Map<string, CapabilityStatus>();
  for (const def of CAPABILITIES) {
    const d = decided.get(def.name) ?? { present: false, reason: 'not decided' };
    statuses.set(def.name, { name: def.name, ...d, declared: k.declared.has(def.name) });
  }
  for (const name of options.declared) {
    if (!CAPABILITY_BY_NAME.has(name)) statuses.set(name, { name, present: false, declared: true, reason: 'not a capability name the harness knows' });
  }
  const p = probe.mcumgrParams;
  const params = p.ok ? { bufSize: p.value.buf_size, bufCount: p.value.buf_count } : undefined;
  return { statuses, smpVersions, params, identity: identityOf(probe) };
}

/**
 * Discovery for a device that answers but not to the requests (wrong seq, op, group): every
 * capability is assumed present, so the cases run and fail on the defect instead of being
 * skipped as unsupported; `problem` says why (SMP-CAP-DISCOVERY-001 fails on it).
 */
export function assumedCapabilities(options: { transportKind: string; declared: readonly string[]; problem: string }): DiscoveryResult {
  const declared = new Set(options.declared);
  const statuses = new Map<string, CapabilityStatus>();
  for (const def of CAPABILITIES) {
    const d = def.discovery;
    const present = d.kind === 'transport' ? d.transport === options.transportKind : true;
    const reason = d.kind === 'transport' ? `session transport is ${options.transportKind}` : `assumed present: ${options.problem}`;
    statuses.set(def.name, { name: def.name, present, declared: declared.has(def.name), reason });
  }
  for (const name of declared) if (!statuses.has(name)) statuses.set(name, unknownCapability(name, true));
  return { statuses, smpVersions: { v1: true, v2: true }, params: undefined, identity: { discoveryProblem: options.problem }, problem: options.problem };
}

/** Status of a capability name the session did not discover (unknown to the harness). */
export function unknownCapability(name: string, declared: boolean): CapabilityStatus {
  return { name, present: false, declared, reason: 'not a capability name the harness knows (typo?)' };
}
