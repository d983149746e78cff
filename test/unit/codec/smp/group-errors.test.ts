import { describe, expect, it } from 'vitest';
import { groupErrName, ImgMgmtErr, MgmtGroup, translateGroupErrToV1 } from '../../../../src/codec/smp/index.ts';

describe('groupErrName', () => {
  it.each([
    [MgmtGroup.OS, 4, 'OS_MGMT_ERR_RTC_NOT_SET'],
    [MgmtGroup.IMAGE, 9, 'IMG_MGMT_ERR_NO_FREE_SLOT'],
    [MgmtGroup.IMAGE, 34, 'IMG_MGMT_ERR_ACTIVE_SLOT_NOT_KNOWN'],
    [MgmtGroup.STAT, 2, 'STAT_MGMT_ERR_INVALID_GROUP'],
    [MgmtGroup.SETTINGS, 5, 'SETTINGS_MGMT_ERR_ROOT_KEY_NOT_FOUND'],
    [MgmtGroup.FS, 13, 'FS_MGMT_ERR_CHECKSUM_HASH_NOT_FOUND'],
    [MgmtGroup.SHELL, 3, 'SHELL_MGMT_ERR_EMPTY_COMMAND'],
    [MgmtGroup.ENUM, 4, 'ENUM_MGMT_ERR_INDEX_TOO_LARGE'],
    [MgmtGroup.ZEPHYR_BASIC, 4, 'ZEPHYRBASIC_MGMT_ERR_FLASH_ERASE_FAILED'],
  ])('group %d rc %d → %s', (group, rc, name) => expect(groupErrName(group, rc)).toBe(name));

  it('returns undefined for unknown codes and groups', () => {
    expect(groupErrName(MgmtGroup.IMAGE, 35)).toBeUndefined();
    expect(groupErrName(40, 1)).toBeUndefined();
  });
});

describe('translateGroupErrToV1 (smp.md §2.4)', () => {
  it('image table', () => {
    const expected: Record<number, number> = { 3: 5, 4: 5, 9: 6, 14: 3, 15: 2, 19: 3, 20: 3, 21: 3, 22: 3, 24: 3, 25: 3, 27: 6, 28: 6 };
    for (const rc of Object.values(ImgMgmtErr)) {
      if (rc === 0) continue;
      expect(translateGroupErrToV1(MgmtGroup.IMAGE, rc), `img ${rc}`).toBe(expected[rc] ?? 1);
    }
  });

  it('os table', () => {
    expect([1, 2, 3, 4, 5, 6].map((rc) => translateGroupErrToV1(MgmtGroup.OS, rc))).toEqual([1, 3, 5, 5, 1, 1]);
  });

  it('shell: 2 and 3 → 3, others → 1', () => {
    expect([1, 2, 3, 4].map((rc) => translateGroupErrToV1(MgmtGroup.SHELL, rc))).toEqual([1, 3, 3, 1]);
  });

  it('fs, stat, settings, enum and basic tables follow Zephyr source', () => {
    const rows: Array<[number, number, number]> = [
      [MgmtGroup.FS, 2, 3], [MgmtGroup.FS, 3, 5], [MgmtGroup.FS, 13, 3], [MgmtGroup.FS, 14, 5], [MgmtGroup.FS, 11, 1],
      [MgmtGroup.STAT, 2, 5], [MgmtGroup.STAT, 3, 5], [MgmtGroup.STAT, 4, 3], [MgmtGroup.STAT, 5, 1],
      [MgmtGroup.SETTINGS, 2, 3], [MgmtGroup.SETTINGS, 3, 5], [MgmtGroup.SETTINGS, 4, 5], [MgmtGroup.SETTINGS, 5, 1],
      [MgmtGroup.ENUM, 2, 3], [MgmtGroup.ENUM, 4, 1],
      [MgmtGroup.ZEPHYR_BASIC, 2, 5], [MgmtGroup.ZEPHYR_BASIC, 4, 1],
    ];
    for (const [group, rc, v1] of rows) expect([group, rc, translateGroupErrToV1(group, rc)]).toEqual([group, rc, v1]);
  });

  it('groups without a table → 1 (EUNKNOWN); rc 0 stays 0', () => {
    for (const g of [MgmtGroup.TRANSPORT, 40, 64]) expect(translateGroupErrToV1(g, 2)).toBe(1);
    expect(translateGroupErrToV1(MgmtGroup.IMAGE, 0)).toBe(0);
  });
});
