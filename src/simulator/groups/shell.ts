/**
 * Shell (group 9): command execution through a dummy backend with a few commands.
 * @see docs/spec/smp.md §3.6
 */
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { MARKUP_STRINGS } from '../hostile-faults.ts';
import { findFirstKey, leadingTextElements } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult } from '../types.ts';

const ShellErr = { COMMAND_TOO_LONG: 2, EMPTY_COMMAND: 3 } as const;

/** `CONFIG_SHELL_CMD_BUFF_SIZE`: a joined command line this long or longer is refused. */
export const SHELL_CMD_BUFF_SIZE = 256;
/** `-ENOEXEC`, what Zephyr's shell returns for an unknown command. */
const ENOEXEC = -8;

type ShellCommand = (args: readonly string[], device: SimDevice) => { out: string[]; ret: number };

const COMMANDS: ReadonlyMap<string, ShellCommand> = new Map<string, ShellCommand>([
  ['kernel', kernel],
  ['echo', (args) => ({ out: [args.join(' ')], ret: 0 })],
  ['device', device],
  ['help', () => ({ out: ['Available commands:', ...[...COMMAND_HELP].map(([c, h]) => `  ${c.padEnd(8)}: ${h}`)], ret: 0 })],
]);

const COMMAND_HELP: ReadonlyMap<string, string> = new Map([
  ['device', 'Device commands'],
  ['echo', 'Print the arguments'],
  ['help', 'Prints the help message.'],
  ['kernel', 'Kernel commands'],
]);

function kernel(args: readonly string[], dev: SimDevice): { out: string[]; ret: number } {
  if (args[0] === 'version') return { out: [dev.faults.has('os-info-script') ? `Zephyr version 4.0.0 ${MARKUP_STRINGS.shellLine}` : 'Zephyr version 4.0.0'], ret: 0 };
  if (args[0] === 'uptime') return { out: [`Uptime: ${Math.floor(dev.uptimeMs())} ms`], ret: 0 };
  return { out: ['kernel - Kernel commands', 'Subcommands:', '  uptime   : Kernel uptime.', '  version  : Kernel version.'], ret: args.length === 0 ? 1 : ENOEXEC };
}

function device(args: readonly string[]): { out: string[]; ret: number } {
  if (args[0] !== 'list') return { out: ['device - Device commands'], ret: args.length === 0 ? 1 : ENOEXEC };
  return { out: ['devices:', '- uart@0 (READY)', '- flash-controller@0 (READY)', '- rtc (READY)'], ret: 0 };
}

function exec(dev: SimDevice, ctx: HandlerContext): HandlerResult {
  if (dev.faults.has('shell-exec-fake')) return okRsp({ o: '', ret: 0 });
  // shell_mgmt scans the map by hand: the first "argv" wins and nothing after it is looked at.
  const argvAt = findFirstKey(ctx.payload, 'argv');
  const elements = argvAt.ok ? leadingTextElements(ctx.payload, argvAt.value) : argvAt;
  if (!elements.ok) return rcRsp(MgmtErr.EINVAL);
  const argv = elements.value;
  if (argv.length === 0) return groupErr(ShellErr.EMPTY_COMMAND);
  const line = argv.join(' ');
  if (line.length >= SHELL_CMD_BUFF_SIZE) return groupErr(ShellErr.COMMAND_TOO_LONG);
  // Elements are joined without quoting, so the shell re-splits an element containing spaces.
  const words = line.split(' ').filter((w) => w.length > 0);
  const [name = '', ...args] = words;
  const command = COMMANDS.get(name);
  const { out, ret } = command === undefined ? { out: [`${name}: command not found`], ret: ENOEXEC } : command(args, dev);
  return okRsp({ o: `\r\n${out.join('\r\n')}\r\n`, ret });
}

const commands = new Map<number, CommandHandlers<SimDevice>>([[0, { write: exec }]]);

/** The shell group as registered. */
export const shellGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.SHELL, name: 'shell mgmt', handlerCount: 1, commands };
