/**
 * What a device says about itself: SMP version, OS info, bootloader, MCUmgr buffers, image
 * slots and management groups (enumeration group, or one harmless request per group).
 * @see docs/spec/smp.md §1.4, §3.1.6–3.1.8, §3.2.1, §3.7, §7
 */
import { toHex } from '../core/bytes.ts';
import { smpRequest, type SmpRequest } from '../codec/smp/command.ts';
import { MgmtErr, MgmtGroup, groupName, mgmtErrName } from '../codec/smp/constants.ts';
import { groupErrName } from '../codec/smp/group-errors.ts';
import { enumCommands, fsCommands, imgCommands, osCommands, settingsCommands, shellCommands, statCommands } from '../codec/smp/groups/index.ts';
import type { SmpResponseBody } from '../codec/smp/message.ts';
import { ResponseTimeoutError } from '../errors.ts';
import type { SmpClient, SmpReply } from './smp-client.ts';

/** The outcome of one probe request: the typed value, an error reply, or silence. */
export type ProbeItem<T> = { ok: true; value: T } | { ok: false; error: string; rc?: number };

/** One management group and whether the device has it. */
export interface ProbedGroup {
  group: number;
  name: string;
  present: boolean | 'unknown';
  handlers?: number;
  /** How presence was decided: listed by enumeration, or the reply to a harmless request. */
  evidence: string;
}

/** Everything `probe` learned. */
export interface DeviceProbe {
  endpoint: string;
  /** 'v2' when a v2 request is answered with version bits 01; 'v1' when the device ignores them. */
  smpVersion: 'v1' | 'v2' | 'unknown';
  responseVersionBits: number;
  rttMs: number;
  osInfo: ProbeItem<string>;
  bootloader: ProbeItem<string | undefined>;
  bootloaderMode: ProbeItem<number | undefined>;
  mcumgrParams: ProbeItem<{ buf_size: number; buf_count: number }>;
  images: ProbeItem<{ image: number; slot: number; version: string; hash: string; flags: string[] }[]>;
  groups: { source: 'enum' | 'probe'; list: ProbedGroup[] };
}

/** Describe an error reply: `rc 8 (MGMT_ERR_ENOTSUP)`, `group 1 rc 6 (IMG_MGMT_ERR_…)`. */
export function describeErrorBody(body: SmpResponseBody): string {
  switch (body.kind) {
    case 'ok':
      return 'ok';
    case 'errV1':
      return `rc ${body.rc} (${mgmtErrName(body.rc) ?? 'unknown'})${body.rsn ? `: ${body.rsn}` : ''}`;
    case 'errV2':
      return `group ${body.group} rc ${body.rc} (${groupErrName(body.group, body.rc) ?? 'unknown'})`;
    case 'malformed':
      return `malformed reply: ${body.reason}`;
  }
}

/** Turn a reply into a `ProbeItem`: the typed value, or the error reply described. */
function itemFromReply<Rsp>(reply: SmpReply<Rsp>): ProbeItem<Rsp> {
  if (reply.body.kind !== 'ok') {
    const rc = reply.body.kind === 'errV1' || reply.body.kind === 'errV2' ? reply.body.rc : undefined;
    const error = describeErrorBody(reply.body);
    return rc === undefined ? { ok: false, error } : { ok: false, error, rc };
  }
  const decoded = reply.decoded;
  if (decoded && !decoded.ok) {
    return { ok: false, error: `unexpected reply: ${decoded.error.map((p) => `${p.field}: expected ${p.expected}, got ${p.actual}`).join('; ')}` };
  }
  return { ok: true, value: decoded?.value.value as Rsp };
}

/** Send one request; silence becomes an item too. Only transport trouble throws. */
async function ask<Rsp>(client: SmpClient, req: SmpRequest<Rsp>): Promise<{ item: ProbeItem<Rsp>; body?: SmpResponseBody }> {
  try {
    const reply = await client.request(req);
    return { item: itemFromReply(reply), body: reply.body };
  } catch (e) {
    if (e instanceof ResponseTimeoutError) return { item: { ok: false, error: `no answer within ${e.timeoutMs} ms` } };
    throw e;
  }
}

/** True when a reply says "this group or command is not here" (`rc 8`). */
function isNotSupported(body: SmpResponseBody | undefined): boolean {
  return body?.kind === 'errV1' && body.rc === MgmtErr.ENOTSUP;
}

/** Harmless requests that reveal whether a group exists (a group error still means present). */
const GROUP_PROBES: { group: number; request: () => SmpRequest<unknown>; what: string }[] = [
  { group: MgmtGroup.STAT, request: () => smpRequest(statCommands.list, {}), what: 'stat list' },
  { group: MgmtGroup.SETTINGS, request: () => smpRequest(settingsCommands.read, { name: 'mgmt-conformance/probe' }), what: 'settings read of an unused key' },
  { group: MgmtGroup.FS, request: () => smpRequest(fsCommands.status, { name: '/mgmt-conformance-probe' }), what: 'fs status of a missing file' },
  { group: MgmtGroup.SHELL, request: () => smpRequest(shellCommands.exec, { argv: [] }), what: 'shell exec with no arguments' },
];

async function probeGroups(client: SmpClient, known: Map<number, SmpResponseBody | undefined>): Promise<DeviceProbe['groups']> {
  const details = await ask(client, smpRequest(enumCommands.details, {}));
  if (details.item.ok) {
    const list = details.item.value.groups.map((g) => ({
      group: g.group,
      name: g.name ?? groupName(g.group),
      present: true as const,
      ...(g.handlers === undefined ? {} : { handlers: g.handlers }),
      evidence: 'enum details',
    }));
    return { source: 'enum', list };
  }
  const listed = await ask(client, smpRequest(enumCommands.list, {}));
  if (listed.item.ok) {
    return { source: 'enum', list: listed.item.value.groups.map((g) => ({ group: g, name: groupName(g), present: true, evidence: 'enum list' })) };
  }
  const fromBody = (group: number, body: SmpResponseBody | undefined, what: string): ProbedGroup => ({
    group,
    name: groupName(group),
    present: body === undefined ? 'unknown' : !isNotSupported(body),
    evidence: `${what}: ${body ? describeErrorBody(body) : 'no answer'}`,
  });
  const list = [
    fromBody(MgmtGroup.OS, known.get(MgmtGroup.OS), 'os info'),
    fromBody(MgmtGroup.IMAGE, known.get(MgmtGroup.IMAGE), 'image state'),
  ];
  for (const p of GROUP_PROBES) list.push(fromBody(p.group, (await ask(client, p.request())).body, p.what));
  list.push(fromBody(MgmtGroup.ENUM, listed.body, 'enum list'));
  list.push({ group: MgmtGroup.ZEPHYR_BASIC, name: groupName(MgmtGroup.ZEPHYR_BASIC), present: 'unknown', evidence: 'not probed: its only command erases storage' });
  return { source: 'probe', list };
}

/**
 * Probe a device. The first request (os info) must be answered: silence there means nothing is
 * listening, and the `ResponseTimeoutError` propagates. Later silences are recorded per item.
 */
export async function probeDevice(client: SmpClient): Promise<DeviceProbe> {
  const first = await client.request(smpRequest(osCommands.info, { format: 'a' }));
  const info = itemFromReply(first);
  const bootloader = await ask(client, smpRequest(osCommands.bootloaderInfo, {}));
  const mode = await ask(client, smpRequest(osCommands.bootloaderInfo, { query: 'mode' }));
  const params = await ask(client, smpRequest(osCommands.mcumgrParams, {}));
  const state = await ask(client, smpRequest(imgCommands.state, {}));
  const known = new Map<number, SmpResponseBody | undefined>([
    [MgmtGroup.OS, first.body],
    [MgmtGroup.IMAGE, state.body],
  ]);
  const versionBits = first.header.version;
  return {
    endpoint: client.endpoint,
    smpVersion: versionBits === 1 ? 'v2' : versionBits === 0 ? 'v1' : 'unknown',
    responseVersionBits: versionBits,
    rttMs: first.rttMs,
    osInfo: info.ok ? { ok: true, value: info.value.output } : info,
    bootloader: bootloader.item.ok ? { ok: true, value: bootloader.item.value.bootloader } : bootloader.item,
    bootloaderMode: mode.item.ok ? { ok: true, value: mode.item.value.mode } : mode.item,
    mcumgrParams: params.item,
    images: state.item.ok
      ? {
          ok: true,
          value: state.item.value.images.map((s) => ({
            image: s.image ?? 0,
            slot: s.slot,
            version: s.version,
            hash: toHex(s.hash),
            flags: (['bootable', 'pending', 'confirmed', 'active', 'permanent'] as const).filter((f) => s[f] === true),
          })),
        }
      : state.item,
    groups: await probeGroups(client, known),
  };
}
