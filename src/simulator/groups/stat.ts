/**
 * Statistics (group 2): list and show, with the capture's stat groups. `flash_sim_stats` has
 * 521 counters, like the capture's firmware, so showing it overflows a 2048-byte buffer (rc 7).
 * @see docs/spec/smp.md §3.3
 */
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult } from '../types.ts';

const StatErr = { INVALID_GROUP: 2, INVALID_STAT_NAME: 3 } as const;

/** `CONFIG_MCUMGR_GRP_STAT_MAX_NAME_LEN`: the group-name buffer, terminator included. */
const STAT_MAX_NAME_LEN = 32;

/** Flash simulator pages with per-page counters (2 counters each). */
const FLASH_SIM_PAGES = 256;

type StatFields = Record<string, number>;

const STAT_GROUPS: ReadonlyMap<string, (device: SimDevice) => StatFields> = new Map([
  ['flash_sim_stats', flashSimStats],
  ['flash_sim_thresholds', (): StatFields => ({ max_write_calls: 0, max_erase_calls: 0, max_len: 0, s3: 0 })],
  // The sample increments `ticks` once per second.
  ['smp_svr_stats', (device: SimDevice): StatFields => ({ ticks: Math.floor(device.uptimeMs() / 1000), s1: 0 })],
]);

function flashSimStats(device: SimDevice): StatFields {
  const c = device.counters;
  const fields: StatFields = {
    bytes_read: c.flashReadCalls * 32,
    bytes_written: c.bytesWritten,
    double_writes: 0,
    flash_read_calls: c.flashReadCalls,
    flash_read_time_us: c.flashReadCalls * 3,
    flash_write_calls: c.flashWriteCalls,
    flash_write_time_us: c.flashWriteCalls * 40,
    flash_erase_calls: c.flashEraseCalls,
    flash_erase_time_us: c.flashEraseCalls * 900,
  };
  for (let page = 0; page < FLASH_SIM_PAGES; page++) {
    fields[`erase_cycles_unit${page}`] = 0;
    fields[`max_erase_cycles_unit${page}`] = 0;
  }
  return fields;
}

function show(device: SimDevice, ctx: HandlerContext): HandlerResult {
  if (device.faults.has('stat-show-ignores-name')) return okRsp({ name: 'smp_svr_stats', fields: STAT_GROUPS.get('smp_svr_stats')?.(device) ?? {} });
  const req = decodeRequest(ctx.payload, { name: 'tstr' });
  const name = req.ok ? req.value.name : undefined;
  // stat_mgmt.c: an empty name or one that does not fit the name buffer → rc 3.
  if (name === undefined || name.length === 0 || name.length >= STAT_MAX_NAME_LEN) return rcRsp(MgmtErr.EINVAL);
  const group = STAT_GROUPS.get(name);
  if (group === undefined) {
    // Zephyr v4.0 stat_mgmt: smp_add_cmd_err(zse, ZEPHYR_MGMT_GRP_BASIC, STAT_MGMT_ERR_INVALID_STAT_NAME).
    if (device.faults.has('stat-err-basic-group')) return { kind: 'group', rc: StatErr.INVALID_STAT_NAME, taggedGroup: MgmtGroup.ZEPHYR_BASIC };
    return groupErr(StatErr.INVALID_GROUP);
  }
  device.counters.flashReadCalls++;
  return okRsp({ name, fields: frozen(device, name, group(device)) });
}

/** Values first shown per device and group (the `stat-counters-frozen` fault repeats them). */
const firstShown = new WeakMap<SimDevice, Map<string, StatFields>>();

function frozen(device: SimDevice, name: string, fields: StatFields): StatFields {
  if (!device.faults.has('stat-counters-frozen')) return fields;
  const seen = firstShown.get(device) ?? new Map<string, StatFields>();
  firstShown.set(device, seen);
  const first = seen.get(name) ?? fields;
  seen.set(name, first);
  return first;
}

function list(device: SimDevice): HandlerResult {
  const names = [...STAT_GROUPS.keys()];
  // The `stat-list-duplicates` fault: one group registered twice.
  return okRsp({ stat_list: device.faults.has('stat-list-duplicates') ? [...names, names[0] ?? ''] : names });
}

const commands = new Map<number, CommandHandlers<SimDevice>>([
  [0, { read: show }],
  [1, { read: list }],
]);

/** The statistics group as registered. */
export const statGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.STAT, name: 'stat mgmt', handlerCount: 2, commands };
