/**
 * `mgmt-conformance` entry point: dispatches sub-commands and maps errors to exit codes
 * (0 ok, 1 failures, 2 usage, configuration or setup problems).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, ConnectionStringError, InputFileError, TransportError, UsageError } from '../errors.ts';
import type { CliIo } from './args.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Sub-commands, loaded on demand: `probe` starts fast, and one command's module failing to
 * load does not take the others down.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'run the conformance suites against targets (default: the built-in simulator)', load: async () => (await import('./run.ts')).runCommand },
  list: { summary: 'list the conformance cases (id, level, title, spec reference)', load: async () => (await import('./list.ts')).listCommand },
  probe: { summary: 'ask a device what it is: SMP version, OS, bootloader, buffers, images, groups; --lwm2m: an LwM2M client', load: async () => (await import('./probe.ts')).probeCommand },
  sim: { summary: 'run the built-in reference simulator on UDP and a pseudo-terminal; --lwm2m: the LwM2M client', load: async () => (await import('./sim.ts')).simCommand },
  image: { summary: 'MCUboot images: inspect, sign, corrupt (offline); list, upload, test, confirm, erase (device)', load: async () => (await import('./image.ts')).imageCommand },
  reset: { summary: 'ask a device to reboot (os reset)', load: async () => (await import('./reset.ts')).resetCommand },
  targets: { summary: 'list and check targets.json (reach each target), import a twister hardware map', load: async () => (await import('./targets.ts')).targetsCommand },
  footprint: { summary: 'ROM/RAM of a Zephyr build by subsystem (size reports or ELF), compared, checked against a budget', load: async () => (await import('./footprint.ts')).footprintCommand },
  report: { summary: 'render the Allure HTML report and a certificate per target from a run\'s reports folder', load: async () => (await import('./report.ts')).reportCommand },
  replay: { summary: 'send a crash reproducer again and say whether the device dies; --minimize shrinks it', load: async () => (await import('./replay.ts')).replayCommand },
  merge: { summary: 'merge the report folders of a sharded run (run --shard I/N) into one set of reports', load: async () => (await import('./merge.ts')).mergeCommand },
  diff: { summary: 'compare two summary.json files: new failures, fixed, unsupported, timing, footprint', load: async () => (await import('./diff.ts')).diffCommand },
};

/** Errors that mean "fix your command line, configuration or setup": exit 2, one line. */
const SETUP_ERRORS = [UsageError, ConfigError, ConnectionStringError, TransportError, InputFileError];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: mgmt-conformance <command> [options]   (mgmt-conformance <command> --help for its options)',
    '',
    'Conformance harness for Zephyr device management: SMP (MCUmgr) and LwM2M.',
    '',
    'commands:',
    ...rows,
    '',
    'exit codes: 0 ok, 1 conformance failures, 2 usage, configuration or connection problems',
  ].join('\n');
}

/** Write through `process` streams; a text without a final newline gets one. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** `probe | head` closes the pipe early: that is the reader's choice, not an error to report. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  if (io === processIo) quietOnClosedPipe();
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`mgmt-conformance: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (e) {
    if (SETUP_ERRORS.some((cls) => e instanceof cls)) {
      // Flag errors already start with the command name; do not say it twice.
      const line = ((e as Error).message.split('\n')[0] ?? '').replace(new RegExp(`^${name}: `), '');
      io.stderr(`mgmt-conformance ${name}: ${line}`);
      return 2;
    }
    io.stderr(`mgmt-conformance ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
