/**
 * Zephyr basic group (63): erase the storage partition.
 * @see docs/spec/smp.md §3.9, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { defineCommand, EMPTY_SCHEMA } from './fields.ts';

/** Command ids (`ZEPHYR_MGMT_GRP_BASIC_CMD_*`). */
export const ZephyrBasicCmd = {
  ERASE_STORAGE: 0,
} as const;

/** Group error codes (`zephyr_basic_group_err_code_t`, `ZEPHYRBASIC_MGMT_ERR_*`). @see smp.md §2.4 */
export const ZephyrBasicMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  FLASH_OPEN_FAILED: 2,
  FLASH_CONFIG_QUERY_FAIL: 3,
  FLASH_ERASE_FAILED: 4,
} as const;

/** The Zephyr basic group's commands. */
export const zephyrCommands = {
  /** Erase the `storage_partition` flash partition. */
  storageErase: defineCommand<Empty, Empty>({
    name: 'zephyr.storageErase', group: MgmtGroup.ZEPHYR_BASIC, id: ZephyrBasicCmd.ERASE_STORAGE, op: SmpOp.WRITE, request: EMPTY_SCHEMA, response: EMPTY_SCHEMA,
  }),
} as const;
