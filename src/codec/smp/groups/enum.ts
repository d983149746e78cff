/**
 * Enumeration group (10): group count, list, single entry, details.
 * @see docs/spec/smp.md §3.7, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { arrayOf, bool, defineCommand, EMPTY_SCHEMA, mapOf, opt, req, tstr, uint } from './fields.ts';

/** Command ids (`ENUM_MGMT_ID_*`). */
export const EnumCmd = {
  COUNT: 0,
  LIST: 1,
  SINGLE: 2,
  DETAILS: 3,
} as const;

/** Group error codes (`enum_mgmt_err_code_t`, `ENUM_MGMT_ERR_*`). @see smp.md §2.4 */
export const EnumMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  TOO_MANY_GROUP_ENTRIES: 2,
  INSUFFICIENT_HEAP_FOR_ENTRIES: 3,
  INDEX_TOO_LARGE: 4,
} as const;

/** Count response. */
export interface EnumCountRsp {
  count: number;
}
/** List response: group ids. */
export interface EnumListRsp {
  groups: number[];
}
/** Single request: index into the group list (default 0). */
export interface EnumSingleReq {
  index?: number;
}
/** Single response: `end` only on the last group. */
export interface EnumSingleRsp {
  group: number;
  end?: boolean;
}
/** Details request: all groups, or the listed ones. */
export interface EnumDetailsReq {
  groups?: number[];
}
/** One group's details. */
export interface EnumGroupDetails {
  group: number;
  name?: string;
  handlers?: number;
}
/** Details response. */
export interface EnumDetailsRsp {
  groups: EnumGroupDetails[];
}

const group = MgmtGroup.ENUM;

/** The enumeration group's commands. */
export const enumCommands = {
  /** Number of groups. */
  count: defineCommand<Empty, EnumCountRsp>({ name: 'enum.count', group, id: EnumCmd.COUNT, op: SmpOp.READ, request: EMPTY_SCHEMA, response: { count: req(uint) } }),
  /** Group ids. */
  list: defineCommand<Empty, EnumListRsp>({ name: 'enum.list', group, id: EnumCmd.LIST, op: SmpOp.READ, request: EMPTY_SCHEMA, response: { groups: req(arrayOf(uint)) } }),
  /** One group id by index. */
  single: defineCommand<EnumSingleReq, EnumSingleRsp>({
    name: 'enum.single', group, id: EnumCmd.SINGLE, op: SmpOp.READ, request: { index: opt(uint) }, response: { group: req(uint), end: opt(bool) },
  }),
  /** Group details. */
  details: defineCommand<EnumDetailsReq, EnumDetailsRsp>({
    name: 'enum.details', group, id: EnumCmd.DETAILS, op: SmpOp.READ, request: { groups: opt(arrayOf(uint)) },
    response: { groups: req(arrayOf(mapOf({ group: req(uint), name: opt(tstr), handlers: opt(uint) }))) },
  }),
} as const;
