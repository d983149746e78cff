/**
 * Statistics group (2): show one statistics group, list the groups.
 * @see docs/spec/smp.md §3.3, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { arrayOf, defineCommand, dictOf, EMPTY_SCHEMA, int, opt, req, tstr, uint64 } from './fields.ts';

/** Command ids (`STAT_MGMT_ID_*`). */
export const StatCmd = {
  SHOW: 0,
  LIST: 1,
} as const;

/** Group error codes (`stat_mgmt_err_code_t`, `STAT_MGMT_ERR_*`). @see smp.md §2.4 */
export const StatMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  INVALID_GROUP: 2,
  INVALID_STAT_NAME: 3,
  INVALID_STAT_SIZE: 4,
  WALK_ABORTED: 5,
} as const;

/** Show request: the statistics group's name. */
export interface StatShowReq {
  name: string;
}
/** Show response: counter name → value (counters may be 64-bit). */
export interface StatShowRsp {
  name: string;
  fields: Record<string, number | bigint>;
}
/** List response (`rc: 0` on legacy builds, smp.md §6.7 item 72). */
export interface StatListRsp {
  stat_list: string[];
  rc?: number;
}

const group = MgmtGroup.STAT;

/** The statistics group's commands. */
export const statCommands = {
  /** Group data ("show"). */
  show: defineCommand<StatShowReq, StatShowRsp>({
    name: 'stat.show', group, id: StatCmd.SHOW, op: SmpOp.READ, request: { name: req(tstr) },
    response: { name: req(tstr), fields: req(dictOf(uint64)) },
  }),
  /** List statistics groups. */
  list: defineCommand<Empty, StatListRsp>({
    name: 'stat.list', group, id: StatCmd.LIST, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: { stat_list: req(arrayOf(tstr)), rc: opt(int) },
  }),
} as const;
