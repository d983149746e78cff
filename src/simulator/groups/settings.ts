/**
 * Settings (group 3) as `settings_mgmt.c` does it, over a runtime store with one registered
 * root, `test`, and a persistent store: `save` persists, `load` and a reboot restore the saved
 * values, `delete` removes the saved copy only.
 * @see docs/spec/smp.md §3.4
 */
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';

const SettingsErr = { KEY_TOO_LONG: 2, KEY_NOT_FOUND: 3, ROOT_KEY_NOT_FOUND: 5 } as const;

/** `CONFIG_MCUMGR_GRP_SETTINGS_NAME_LEN`: the key buffer, terminator included (31 characters fit). */
export const SETTINGS_NAME_LEN = 32;
/** `CONFIG_MCUMGR_GRP_SETTINGS_VALUE_LEN`: longest value read back. */
export const SETTINGS_VALUE_MAX = 256;
/** The only registered settings handler. */
const ROOT = 'test';

/** Check a key: too long → 2, unknown root → 5. */
function checkName(name: string | undefined): HandlerResult | undefined {
  if (name === undefined || name === '') return rcRsp(MgmtErr.EINVAL);
  if (name.length >= SETTINGS_NAME_LEN) return groupErr(SettingsErr.KEY_TOO_LONG);
  if (name.split('/')[0] !== ROOT) return groupErr(SettingsErr.ROOT_KEY_NOT_FOUND);
  return undefined;
}

function read(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr', max_size: 'u32' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const bad = checkName(req.value.name);
  if (bad !== undefined) return bad;
  const value = device.settings.get(req.value.name ?? '');
  if (value === undefined) return groupErr(SettingsErr.KEY_NOT_FOUND);
  const asked = req.value.max_size;
  const limit = Math.min(asked ?? SETTINGS_VALUE_MAX, SETTINGS_VALUE_MAX);
  const body: RspMap = { val: value.subarray(0, limit) };
  return okRsp(asked !== undefined && asked > SETTINGS_VALUE_MAX ? { ...body, max_size: SETTINGS_VALUE_MAX } : body);
}

function write(device: SimDevice, ctx: HandlerContext): HandlerResult {
  if (device.faults.has('settings-write-ignored')) return okRsp({});
  const req = decodeRequest(ctx.payload, { name: 'tstr', val: 'bstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const bad = checkName(req.value.name);
  if (bad !== undefined) return bad;
  // A missing "val" sets an empty value, as settings_runtime_set with length 0 does.
  device.settings.set(req.value.name ?? '', (req.value.val ?? new Uint8Array(0)).slice());
  return okRsp({});
}

function remove(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const name = req.value.name;
  if (name === undefined || name === '') return rcRsp(MgmtErr.EINVAL);
  if (name.length >= SETTINGS_NAME_LEN) return groupErr(SettingsErr.KEY_TOO_LONG);
  // settings_delete removes the stored copy only (the runtime value stays until the next load),
  // and a storage backend deletes a missing key without complaint. The capture's KEY_NOT_FOUND
  // comes from firmware without any storage backend.
  device.settingsPersisted.delete(name);
  return okRsp({});
}

function commit(): HandlerResult {
  return okRsp({});
}

function load(device: SimDevice): HandlerResult {
  for (const [k, v] of device.settingsPersisted) device.settings.set(k, v.slice());
  return okRsp({});
}

function save(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  if (device.faults.has('settings-not-persisted')) return okRsp({});
  const prefix = req.value.name;
  for (const [k, v] of device.settings) {
    if (prefix === undefined || k === prefix || k.startsWith(`${prefix}/`)) device.settingsPersisted.set(k, v.slice());
  }
  return okRsp({});
}

const commands = new Map<number, CommandHandlers<SimDevice>>([
  [0, { read, write }],
  [1, { write: remove }],
  [2, { write: commit }],
  [3, { read: load, write: save }],
]);

/** The settings group as registered. */
export const settingsGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.SETTINGS, name: 'settings mgmt', handlerCount: 4, commands };
