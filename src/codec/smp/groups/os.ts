/**
 * OS management group (0): echo, console echo control, task and memory-pool statistics,
 * date/time, reset, MCUmgr parameters, OS/application info, bootloader info.
 * @see docs/spec/smp.md §3.1, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { bool, defineCommand, dictOf, EMPTY_SCHEMA, int, mapOf, opt, req, tstr, uint, uint64 } from './fields.ts';

/** Command ids (`OS_MGMT_ID_*`). */
export const OsCmd = {
  ECHO: 0,
  CONS_ECHO_CTRL: 1,
  TASKSTAT: 2,
  MPSTAT: 3,
  DATETIME_STR: 4,
  RESET: 5,
  MCUMGR_PARAMS: 6,
  INFO: 7,
  BOOTLOADER_INFO: 8,
} as const;

/** Group error codes (`enum os_mgmt_err_code_t`, `OS_MGMT_ERR_*`). @see smp.md §2.4 */
export const OsMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  INVALID_FORMAT: 2,
  QUERY_YIELDS_NO_ANSWER: 3,
  RTC_NOT_SET: 4,
  RTC_COMMAND_FAILED: 5,
  QUERY_RESPONSE_VALUE_NOT_VALID: 6,
} as const;

/** Echo request: `d` is echoed back as `r`. @see smp.md §3.1.1 */
export interface EchoReq {
  d: string;
}
/** Echo response. */
export interface EchoRsp {
  r: string;
}
/** Console echo control (legacy; Zephyr answers rc 8): `echo` 1 = on, 0 = off. */
export interface ConsoleEchoReq {
  echo: number;
}
/** One thread's statistics (`stksiz`/`stkuse` in 4-byte words). @see smp.md §3.1.2 */
export interface TaskStat {
  prio: number;
  tid: number;
  state: number;
  stksiz?: number;
  stkuse?: number;
  runtime?: number | bigint;
  cswcnt?: number | bigint;
  last_checkin?: number;
  next_checkin?: number;
}
/** Task statistics response: thread name → statistics. */
export interface TaskStatRsp {
  tasks: Record<string, TaskStat>;
}
/** One memory pool's statistics (documented; no current Zephyr handler). @see smp.md §3.1.3 */
export interface MemPoolStat {
  blksiz: number;
  nblks: number;
  nfree: number;
  min: number;
}
/** Memory-pool statistics response: pool name → statistics. */
export type MpStatRsp = Record<string, MemPoolStat>;
/** Date/time string `YYYY-MM-DDTHH:MM:SS[.ms]`. @see smp.md §3.1.4 */
export interface DateTime {
  datetime: string;
}
/** Reset request: `force` is an int in the doc and a bool in the source. @see smp.md §3.1.5 */
export interface ResetReq {
  force?: boolean | number;
}
/** MCUmgr parameters (`buf_size` includes the 8-byte header). @see smp.md §3.1.6 */
export interface McumgrParamsRsp {
  buf_size: number;
  buf_count: number;
}
/** OS info request: each `format` character selects an item. @see smp.md §3.1.7 */
export interface InfoReq {
  format?: string;
}
/** OS info response. */
export interface InfoRsp {
  output: string;
}
/** Bootloader info request. @see smp.md §3.1.8 */
export interface BootloaderInfoReq {
  query?: string;
}
/**
 * MCUboot modes as bootloader info reports them in `mode` (MCUboot's mode enum).
 * @see ../../../../docs/spec/smp.md §3.1.8
 */
export const MCUBOOT_MODES: Readonly<Record<number, string>> = {
  [-1]: 'unknown',
  0: 'single application slot',
  1: 'swap using scratch',
  2: 'overwrite only',
  3: 'swap without scratch (swap-move)',
  4: 'direct-XIP without revert',
  5: 'direct-XIP with revert',
  6: 'RAM load',
  7: 'firmware loader',
  8: 'single slot RAM load',
  9: 'swap using offset',
};

/** The name of an MCUboot mode number, or undefined when MCUboot defines no such mode. */
export function mcubootModeName(mode: number): string | undefined {
  return Object.hasOwn(MCUBOOT_MODES, mode) ? MCUBOOT_MODES[mode] : undefined;
}

/** Bootloader info response: `bootloader` for no query, `mode` (+ `no-downgrade`) for "mode". */
export interface BootloaderInfoRsp {
  bootloader?: string;
  mode?: number;
  'no-downgrade'?: boolean;
}

const group = MgmtGroup.OS;
const echoRsp = { r: req(tstr) };

/** The OS group's commands. */
export const osCommands = {
  /** Echo with op write (reply op 3). */
  echo: defineCommand<EchoReq, EchoRsp>({ name: 'os.echo', group, id: OsCmd.ECHO, op: SmpOp.WRITE, request: { d: req(tstr) }, response: echoRsp }),
  /** Echo with op read (Zephyr accepts both; reply op 1). */
  echoRead: defineCommand<EchoReq, EchoRsp>({ name: 'os.echoRead', group, id: OsCmd.ECHO, op: SmpOp.READ, request: { d: req(tstr) }, response: echoRsp }),
  /** Console echo control (mynewt heritage; no Zephyr handler → rc 8). */
  consoleEchoControl: defineCommand<ConsoleEchoReq, Empty>({
    name: 'os.consoleEchoControl', group, id: OsCmd.CONS_ECHO_CTRL, op: SmpOp.WRITE, request: { echo: req(uint) }, response: EMPTY_SCHEMA,
  }),
  /** Task statistics. */
  taskstat: defineCommand<Empty, TaskStatRsp>({
    name: 'os.taskstat', group, id: OsCmd.TASKSTAT, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: {
      tasks: req(dictOf(mapOf({
        prio: req(int), tid: req(uint), state: req(uint), stksiz: opt(uint), stkuse: opt(uint),
        runtime: opt(uint64), cswcnt: opt(uint64), last_checkin: opt(uint), next_checkin: opt(uint),
      }))),
    },
  }),
  /** Memory-pool statistics. */
  mpstat: defineCommand<Empty, MpStatRsp>({
    name: 'os.mpstat', group, id: OsCmd.MPSTAT, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: dictOf(mapOf({ blksiz: req(uint), nblks: req(uint), nfree: req(uint), min: req(uint) })),
  }),
  /** Date/time get. */
  datetimeGet: defineCommand<Empty, DateTime>({
    name: 'os.datetimeGet', group, id: OsCmd.DATETIME_STR, op: SmpOp.READ, request: EMPTY_SCHEMA, response: { datetime: req(tstr) },
  }),
  /** Date/time set. */
  datetimeSet: defineCommand<DateTime, Empty>({
    name: 'os.datetimeSet', group, id: OsCmd.DATETIME_STR, op: SmpOp.WRITE, request: { datetime: req(tstr) }, response: EMPTY_SCHEMA,
  }),
  /** Reset (the reply comes before the reboot). */
  reset: defineCommand<ResetReq, Empty>({ name: 'os.reset', group, id: OsCmd.RESET, op: SmpOp.WRITE, request: { force: opt(bool) }, response: EMPTY_SCHEMA }),
  /** MCUmgr parameters. */
  mcumgrParams: defineCommand<Empty, McumgrParamsRsp>({
    name: 'os.mcumgrParams', group, id: OsCmd.MCUMGR_PARAMS, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: { buf_size: req(uint), buf_count: req(uint) },
  }),
  /** OS/application info. */
  info: defineCommand<InfoReq, InfoRsp>({ name: 'os.info', group, id: OsCmd.INFO, op: SmpOp.READ, request: { format: opt(tstr) }, response: { output: req(tstr) } }),
  /** Bootloader info. */
  bootloaderInfo: defineCommand<BootloaderInfoReq, BootloaderInfoRsp>({
    name: 'os.bootloaderInfo', group, id: OsCmd.BOOTLOADER_INFO, op: SmpOp.READ, request: { query: opt(tstr) },
    response: { bootloader: opt(tstr), mode: opt(int), 'no-downgrade': opt(bool) },
  }),
} as const;
