/**
 * Group error names and the v1 translation the dispatcher applies when a handler appends a
 * group error to a response for an SMP v1 request.
 * @see docs/spec/smp.md §2.3, §2.4
 */
import { MgmtErr, MgmtGroup } from './constants.ts';
import { EnumMgmtErr } from './groups/enum.ts';
import { FsMgmtErr } from './groups/fs.ts';
import { ImgMgmtErr } from './groups/img.ts';
import { OsMgmtErr } from './groups/os.ts';
import { SettingsMgmtErr } from './groups/settings.ts';
import { ShellMgmtErr } from './groups/shell.ts';
import { StatMgmtErr } from './groups/stat.ts';
import { ZephyrBasicMgmtErr } from './groups/zephyr.ts';

const tables: ReadonlyMap<number, { prefix: string; codes: Readonly<Record<string, number>> }> = new Map([
  [MgmtGroup.OS, { prefix: 'OS_MGMT_ERR_', codes: OsMgmtErr }],
  [MgmtGroup.IMAGE, { prefix: 'IMG_MGMT_ERR_', codes: ImgMgmtErr }],
  [MgmtGroup.STAT, { prefix: 'STAT_MGMT_ERR_', codes: StatMgmtErr }],
  [MgmtGroup.SETTINGS, { prefix: 'SETTINGS_MGMT_ERR_', codes: SettingsMgmtErr }],
  [MgmtGroup.FS, { prefix: 'FS_MGMT_ERR_', codes: FsMgmtErr }],
  [MgmtGroup.SHELL, { prefix: 'SHELL_MGMT_ERR_', codes: ShellMgmtErr }],
  [MgmtGroup.ENUM, { prefix: 'ENUM_MGMT_ERR_', codes: EnumMgmtErr }],
  [MgmtGroup.ZEPHYR_BASIC, { prefix: 'ZEPHYRBASIC_MGMT_ERR_', codes: ZephyrBasicMgmtErr }],
]);

/** Zephyr's name of a group error code (`IMG_MGMT_ERR_NO_FREE_SLOT`), or `undefined` if unknown. */
export function groupErrName(group: number, rc: number): string | undefined {
  const table = tables.get(group);
  if (!table) return undefined;
  for (const [name, value] of Object.entries(table.codes)) if (value === rc) return `${table.prefix}${name}`;
  return undefined;
}

const { EUNKNOWN, ENOMEM, EINVAL, ENOENT, EBADSTATE } = MgmtErr;

/** `img_mgmt_translate_error_code`: codes not listed (32–34, unknown) fall back to EUNKNOWN. */
const imgToV1: ReadonlyMap<number, number> = new Map([
  [ImgMgmtErr.NO_IMAGE, ENOENT],
  [ImgMgmtErr.NO_TLVS, ENOENT],
  [ImgMgmtErr.NO_FREE_SLOT, EBADSTATE],
  [ImgMgmtErr.CURRENT_VERSION_IS_NEWER, EBADSTATE],
  [ImgMgmtErr.IMAGE_ALREADY_PENDING, EBADSTATE],
  [ImgMgmtErr.NO_FREE_MEMORY, ENOMEM],
  [ImgMgmtErr.INVALID_SLOT, EINVAL],
  [ImgMgmtErr.INVALID_PAGE_OFFSET, EINVAL],
  [ImgMgmtErr.INVALID_OFFSET, EINVAL],
  [ImgMgmtErr.INVALID_LENGTH, EINVAL],
  [ImgMgmtErr.INVALID_IMAGE_HEADER, EINVAL],
  [ImgMgmtErr.INVALID_HASH, EINVAL],
  [ImgMgmtErr.INVALID_FLASH_ADDRESS, EINVAL],
]);

/** `os_mgmt_translate_error_code`. */
const osToV1: ReadonlyMap<number, number> = new Map([
  [OsMgmtErr.INVALID_FORMAT, EINVAL],
  [OsMgmtErr.QUERY_YIELDS_NO_ANSWER, ENOENT],
  [OsMgmtErr.RTC_NOT_SET, ENOENT],
]);

/** `shell_mgmt_translate_error_code`. */
const shellToV1: ReadonlyMap<number, number> = new Map([
  [ShellMgmtErr.COMMAND_TOO_LONG, EINVAL],
  [ShellMgmtErr.EMPTY_COMMAND, EINVAL],
]);

/** `fs_mgmt_translate_error_code` (Zephyr source; smp.md §8 listed it as unread). */
const fsToV1: ReadonlyMap<number, number> = new Map([
  [FsMgmtErr.FILE_INVALID_NAME, EINVAL],
  [FsMgmtErr.CHECKSUM_HASH_NOT_FOUND, EINVAL],
  [FsMgmtErr.FILE_NOT_FOUND, ENOENT],
  [FsMgmtErr.MOUNT_POINT_NOT_FOUND, ENOENT],
]);

/** `stat_mgmt_translate_error_code` (Zephyr source). */
const statToV1: ReadonlyMap<number, number> = new Map([
  [StatMgmtErr.INVALID_GROUP, ENOENT],
  [StatMgmtErr.INVALID_STAT_NAME, ENOENT],
  [StatMgmtErr.INVALID_STAT_SIZE, EINVAL],
]);

/** `settings_mgmt_translate_error_code` (Zephyr source). */
const settingsToV1: ReadonlyMap<number, number> = new Map([
  [SettingsMgmtErr.KEY_TOO_LONG, EINVAL],
  [SettingsMgmtErr.KEY_NOT_FOUND, ENOENT],
  [SettingsMgmtErr.READ_NOT_SUPPORTED, ENOENT],
]);

/** `enum_mgmt_translate_error_code` (Zephyr source). */
const enumToV1: ReadonlyMap<number, number> = new Map([[EnumMgmtErr.TOO_MANY_GROUP_ENTRIES, EINVAL]]);

/**
 * `zephyr_basic_group_translate_error_code` (Zephyr source). Zephyr maps 3 and 4 to 0, which
 * would send a success-looking reply for a failed erase; they fall back to EUNKNOWN here.
 */
const zephyrBasicToV1: ReadonlyMap<number, number> = new Map([[ZephyrBasicMgmtErr.FLASH_OPEN_FAILED, ENOENT]]);

const v1Tables: ReadonlyMap<number, ReadonlyMap<number, number>> = new Map([
  [MgmtGroup.OS, osToV1],
  [MgmtGroup.IMAGE, imgToV1],
  [MgmtGroup.SHELL, shellToV1],
  [MgmtGroup.FS, fsToV1],
  [MgmtGroup.STAT, statToV1],
  [MgmtGroup.SETTINGS, settingsToV1],
  [MgmtGroup.ENUM, enumToV1],
  [MgmtGroup.ZEPHYR_BASIC, zephyrBasicToV1],
]);

/**
 * The top-level `rc` a v1 request gets instead of `err{group, rc}`: the group's translation
 * (`*_mgmt_translate_error_code` in Zephyr), or `MGMT_ERR_EUNKNOWN` (1) for codes a table does
 * not list and for groups without a table.
 * @see docs/spec/smp.md §2.3, §2.4
 */
export function translateGroupErrToV1(group: number, rc: number): number {
  if (rc === 0) return MgmtErr.EOK;
  return v1Tables.get(group)?.get(rc) ?? EUNKNOWN;
}
