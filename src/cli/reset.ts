/**
 * `mgmt-conformance reset`: ask the device to reboot (OS group, command 5). The reply comes
 * before the reboot; the link may drop afterwards.
 * @see docs/spec/smp.md §3.1.5
 */
import { describeErrorBody } from '../client/device-probe.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/os.ts';
import { formatFlagHelp, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { DEVICE_FLAGS, firstRequest, withDevice } from './device-connection.ts';

const FLAGS = {
  ...DEVICE_FLAGS,
  force: { type: 'boolean', description: 'send "force": true (after a reset refused with rc 10 EBUSY)' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance reset (--smp CONN | --target NAME) [--force]

Asks the device to reboot. Exit 0 when it accepts, 1 when it refuses, 2 when it is unreachable.

${formatFlagHelp(FLAGS)}`;

/** `reset` entry point. */
export async function resetCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('reset', argv, FLAGS);
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  return withDevice('reset', flags, async ({ client }) => {
    // Zephyr decodes "force" as a bool (smp.md §3.1.5 DISCREPANCY): send true, not 1.
    const req = smpRequest(osCommands.reset, flags.force ? { force: true } : {});
    const reply = await firstRequest(client, () => client.request(req));
    if (reply.body.kind !== 'ok') {
      io.stderr(`mgmt-conformance reset: device refused: ${describeErrorBody(reply.body)}`);
      return 1;
    }
    io.stdout(`reset accepted by ${client.endpoint}`);
    return 0;
  });
}
