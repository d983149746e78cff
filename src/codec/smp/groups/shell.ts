/**
 * Shell group (9): execute a command line.
 * @see docs/spec/smp.md §3.6, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import { arrayOf, defineCommand, int, opt, req, tstr } from './fields.ts';

/** Command ids (`SHELL_MGMT_ID_*`). */
export const ShellCmd = {
  EXEC: 0,
} as const;

/** Group error codes (`shell_mgmt_err_code_t`, `SHELL_MGMT_ERR_*`). @see smp.md §2.4 */
export const ShellMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  COMMAND_TOO_LONG: 2,
  EMPTY_COMMAND: 3,
} as const;

/** Exec request: arguments, joined with single spaces by the device (no quoting). */
export interface ShellExecReq {
  argv: string[];
}
/** Exec response: output and return value (`rc` instead of `ret` on legacy-rc builds). */
export interface ShellExecRsp {
  o: string;
  ret?: number;
  rc?: number;
}

/** The shell group's commands. */
export const shellCommands = {
  /** Execute a shell command line. */
  exec: defineCommand<ShellExecReq, ShellExecRsp>({
    name: 'shell.exec', group: MgmtGroup.SHELL, id: ShellCmd.EXEC, op: SmpOp.WRITE, request: { argv: req(arrayOf(tstr)) },
    response: { o: req(tstr), ret: opt(int), rc: opt(int) },
    check: (v) => (v.ret === undefined && v.rc === undefined ? [{ field: 'ret', expected: 'int (required; legacy builds: rc)', actual: 'missing' }] : []),
  }),
} as const;
