/**
 * Settings group (3): read, write, delete, commit, load, save.
 * @see docs/spec/smp.md §3.4, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { bstr, defineCommand, EMPTY_SCHEMA, opt, req, tstr, uint } from './fields.ts';

/** Command ids (`SETTINGS_MGMT_ID_*`): read and write share 0, load and save share 3 (by op). */
export const SettingsCmd = {
  READ_WRITE: 0,
  DELETE: 1,
  COMMIT: 2,
  LOAD_SAVE: 3,
} as const;

/** Group error codes (`settings_mgmt_ret_code_t`, `SETTINGS_MGMT_ERR_*`). @see smp.md §2.4 */
export const SettingsMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  KEY_TOO_LONG: 2,
  KEY_NOT_FOUND: 3,
  READ_NOT_SUPPORTED: 4,
  ROOT_KEY_NOT_FOUND: 5,
  WRITE_NOT_SUPPORTED: 6,
  DELETE_NOT_SUPPORTED: 7,
  SAVE_NOT_SUPPORTED: 8,
} as const;

/** Read request: key name and the largest value the client accepts. */
export interface SettingsReadReq {
  name: string;
  max_size?: number;
}
/** Read response: opaque value; `max_size` when the device's maximum is smaller. */
export interface SettingsReadRsp {
  val: Uint8Array;
  max_size?: number;
}
/** Write request. */
export interface SettingsWriteReq {
  name: string;
  val: Uint8Array;
}
/** Delete request. */
export interface SettingsNameReq {
  name: string;
}
/** Save request: a subtree, or everything when absent. */
export interface SettingsSaveReq {
  name?: string;
}

const group = MgmtGroup.SETTINGS;
const op = SmpOp;

/** The settings group's commands. */
export const settingsCommands = {
  /** Read a setting. */
  read: defineCommand<SettingsReadReq, SettingsReadRsp>({
    name: 'settings.read', group, id: SettingsCmd.READ_WRITE, op: op.READ, request: { name: req(tstr), max_size: opt(uint) },
    response: { val: req(bstr()), max_size: opt(uint) },
  }),
  /** Write a setting. */
  write: defineCommand<SettingsWriteReq, Empty>({
    name: 'settings.write', group, id: SettingsCmd.READ_WRITE, op: op.WRITE, request: { name: req(tstr), val: req(bstr()) }, response: EMPTY_SCHEMA,
  }),
  /** Delete a setting. */
  delete: defineCommand<SettingsNameReq, Empty>({
    name: 'settings.delete', group, id: SettingsCmd.DELETE, op: op.WRITE, request: { name: req(tstr) }, response: EMPTY_SCHEMA,
  }),
  /** Commit (apply) settings. */
  commit: defineCommand<Empty, Empty>({ name: 'settings.commit', group, id: SettingsCmd.COMMIT, op: op.WRITE, request: EMPTY_SCHEMA, response: EMPTY_SCHEMA }),
  /** Load settings from storage. */
  load: defineCommand<Empty, Empty>({ name: 'settings.load', group, id: SettingsCmd.LOAD_SAVE, op: op.READ, request: EMPTY_SCHEMA, response: EMPTY_SCHEMA }),
  /** Save settings to storage. */
  save: defineCommand<SettingsSaveReq, Empty>({
    name: 'settings.save', group, id: SettingsCmd.LOAD_SAVE, op: op.WRITE, request: { name: opt(tstr) }, response: EMPTY_SCHEMA,
  }),
} as const;
