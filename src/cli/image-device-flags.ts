/**
 * Flags and usage lines of the device-side `image` subcommands. Apart from the subcommands
 * themselves (`image-device.ts`), so that `image <sub> --help` is answered without loading the
 * client and the codec.
 */
import { formatFlagHelp, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { DEVICE_FLAGS } from './device-connection.ts';

export const LIST_FLAGS = { ...DEVICE_FLAGS, json: { type: 'boolean', description: 'print the slots as JSON' }, help: { type: 'boolean', description: 'show this help' } } as const satisfies FlagSpecs;
export const UPLOAD_FLAGS = {
  ...DEVICE_FLAGS,
  slot: { type: 'string', valueName: 'N', description: 'absolute slot, for direct upload (sent as image = N + 1)' },
  image: { type: 'string', valueName: 'N', description: 'image number (default: the device picks image 0)' },
  window: { type: 'string', valueName: 'N', description: 'chunks in flight (default buf_count − 1)' },
  chunk: { type: 'string', valueName: 'BYTES', description: 'at most BYTES of data per chunk (default: the largest that fits)' },
  upgrade: { type: 'boolean', description: 'refuse the image unless it is newer than the running one' },
  erase: { type: 'boolean', description: 'erase the slot first' },
  json: { type: 'boolean', description: 'print the result as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;
export const MARK_FLAGS = { ...DEVICE_FLAGS, json: { type: 'boolean', description: 'print the resulting state as JSON' }, help: { type: 'boolean', description: 'show this help' } } as const satisfies FlagSpecs;
export const ERASE_FLAGS = { ...DEVICE_FLAGS, slot: { type: 'string', valueName: 'N', description: 'slot to erase (default: the device picks the inactive one)' }, help: { type: 'boolean', description: 'show this help' } } as const satisfies FlagSpecs;

/** Each device subcommand's flags and how many positional arguments it takes. */
const SUBCOMMANDS: Record<string, { flags: FlagSpecs; positionals: number } | undefined> = {
  list: { flags: LIST_FLAGS, positionals: 0 },
  upload: { flags: UPLOAD_FLAGS, positionals: 1 },
  test: { flags: MARK_FLAGS, positionals: 1 },
  confirm: { flags: MARK_FLAGS, positionals: 1 },
  erase: { flags: ERASE_FLAGS, positionals: 0 },
};

const USAGE: Record<string, string> = {
  list: 'usage: mgmt-conformance image list (--smp CONN | --target NAME) [--json]',
  upload: 'usage: mgmt-conformance image upload (--smp CONN | --target NAME) FILE [--slot N] [--window N] [--chunk BYTES] [--upgrade] [--erase] [--json]',
  test: 'usage: mgmt-conformance image test (--smp CONN | --target NAME) HASH',
  confirm: 'usage: mgmt-conformance image confirm (--smp CONN | --target NAME) [HASH]   (no HASH: confirm the running image)',
  erase: 'usage: mgmt-conformance image erase (--smp CONN | --target NAME) [--slot N]',
};

/** Print the help of device subcommand `sub` with flags `specs`; exit code 0. */
export function imageDeviceHelp(io: CliIo, sub: string, specs: FlagSpecs): number {
  io.stdout(`${USAGE[sub] ?? ''}\n\noptions:\n${formatFlagHelp(specs)}`);
  return 0;
}

/**
 * When `argv` asks device subcommand `sub` for its help (parsed as the subcommand parses it, so a
 * bad flag is the same usage error): print it and return exit code 0; otherwise undefined.
 */
export function answerImageDeviceHelp(io: CliIo, sub: string, argv: readonly string[]): number | undefined {
  const spec = SUBCOMMANDS[sub];
  if (spec === undefined) return undefined;
  const { flags } = parseFlags(`image ${sub}`, argv, spec.flags, spec.positionals);
  return (flags as Record<string, unknown>)['help'] === true ? imageDeviceHelp(io, sub, spec.flags) : undefined;
}
