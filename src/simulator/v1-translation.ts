/**
 * v1 translation of group errors: the codec's tables (os, img, shell) plus the ones it lacks,
 * read from Zephyr's `*_mgmt_translate_error_code` functions (fs, stat, settings, enum, basic).
 * Codes a table does not list, and groups without a table, become `MGMT_ERR_EUNKNOWN`.
 * @see ../../../shared/spec/smp.md §2.3, §2.4
 */
import { MgmtErr, MgmtGroup } from '../codec/smp/constants.ts';
import { translateGroupErrToV1 } from '../codec/smp/group-errors.ts';

const { EINVAL, ENOENT } = MgmtErr;

/** Group → (group error → v1 rc), for the groups the codec module has no table for. */
const SOURCE_TABLES: ReadonlyMap<number, ReadonlyMap<number, number>> = new Map([
  // fs_mgmt_translate_error_code: invalid name and unknown hash → EINVAL; not found / no mount → ENOENT.
  [MgmtGroup.FS, new Map([[2, EINVAL], [13, EINVAL], [3, ENOENT], [14, ENOENT]])],
  // stat_mgmt_translate_error_code: invalid group / stat name → ENOENT; invalid size → EINVAL.
  [MgmtGroup.STAT, new Map([[2, ENOENT], [3, ENOENT], [4, EINVAL]])],
  // settings_mgmt_translate_error_code: key too long → EINVAL; not found / read unsupported → ENOENT.
  [MgmtGroup.SETTINGS, new Map([[2, EINVAL], [3, ENOENT], [4, ENOENT]])],
  // enum_mgmt_translate_error_code: too many entries → EINVAL.
  [MgmtGroup.ENUM, new Map([[2, EINVAL]])],
  // zephyr_basic_group_translate_error_code: flash open failed → ENOENT. (Zephyr maps 3 and 4 to
  // 0, which would send a success with a stale header; the simulator reports EUNKNOWN instead.)
  [MgmtGroup.ZEPHYR_BASIC, new Map([[2, ENOENT]])],
]);

/** The top-level `rc` a v1 request gets for group error `rc` of `group`. */
export function translateToV1(group: number, rc: number): number {
  const table = SOURCE_TABLES.get(group);
  return table === undefined ? translateGroupErrToV1(group, rc) : (table.get(rc) ?? MgmtErr.EUNKNOWN);
}
