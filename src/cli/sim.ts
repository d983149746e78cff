/**
 * `mgmt-conformance sim`: run the built-in reference simulator on its own, print its endpoints
 * as connection strings, and stop cleanly on SIGINT/SIGTERM.
 */
import { UsageError } from '../errors.ts';
import { FAULT_PROFILES, SLOT_BYTES_RANGE, startSimulator, type RunningSimulator, type SimulatorOptions } from '../simulator/index.ts';
import { formatConnectionString } from '../transport/connection-string.ts';
import { type CliIo, type FlagSpecs, formatFlagHelp, integerFlag, parseFlags } from './args.ts';

const FLAGS = {
  udp: { type: 'string', valueName: 'PORT', description: 'listen on 127.0.0.1:PORT (0 = any free port; default 1337)' },
  udp6: { type: 'string', valueName: 'PORT', description: 'listen on [::1]:PORT' },
  serial: { type: 'boolean', description: 'serve SMP console framing on a new pseudo-terminal' },
  baud: { type: 'string', valueName: 'N', description: 'emulate the line rate of an N-baud UART on the pseudo-terminal' },
  fault: { type: 'string', multiple: true, valueName: 'NAME', description: 'break one behaviour (repeatable; NAME:PARAM for a parameter)' },
  'error-form': { type: 'string', valueName: 'v1|v2', description: 'v2: Zephyr >= 3.4 (default); v1: an older server (ignores version bits, v1 rc errors)' },
  'slot-bytes': { type: 'string', valueName: 'N', description: 'size of each image slot in bytes (default 430080 = 0x69000)' },
  'list-faults': { type: 'boolean', description: 'print the fault profiles and exit' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance sim [--udp PORT] [--udp6 PORT] [--serial] [--baud N] [--fault NAME]... [--error-form v1|v2] [--slot-bytes N]

Runs the reference SMP device (Zephyr smp_svr behaviour). Without --udp/--udp6/--serial it
listens on udp://127.0.0.1:1337 and on a pseudo-terminal. Stop it with Ctrl+C.

${formatFlagHelp(FLAGS)}`;

/** Build simulator options from the flags; every mistake is a one-line `UsageError`. */
export function simOptionsFromArgs(argv: readonly string[]): SimulatorOptions | 'help' | 'list-faults' {
  const { flags } = parseFlags('sim', argv, FLAGS);
  if (flags.help) return 'help';
  if (flags['list-faults']) return 'list-faults';
  const known: readonly string[] = FAULT_PROFILES.map((f) => f.name);
  for (const fault of flags.fault ?? []) {
    const name = fault.split(':')[0] ?? fault;
    if (!known.includes(name)) throw new UsageError(`sim: unknown fault '${name}' (known: ${known.join(', ')})`);
  }
  const errorForm = flags['error-form'];
  if (errorForm !== undefined && errorForm !== 'v1' && errorForm !== 'v2') {
    throw new UsageError(`sim: --error-form expects v1 or v2, got '${errorForm}'`);
  }
  const isDefault = flags.udp === undefined && flags.udp6 === undefined && !flags.serial;
  const baudRate = flags.baud === undefined ? undefined : integerFlag('sim', 'baud', flags.baud, 50, 4_000_000);
  const hasSerial = isDefault || flags.serial === true;
  if (baudRate !== undefined && !hasSerial) throw new UsageError('sim: --baud needs --serial');
  return {
    udp: flags.udp !== undefined ? { port: integerFlag('sim', 'udp', flags.udp, 0, 65535) } : isDefault ? { port: 1337 } : false,
    udp6: flags.udp6 !== undefined ? { port: integerFlag('sim', 'udp6', flags.udp6, 0, 65535) } : false,
    serial: hasSerial ? (baudRate === undefined ? true : { baudRate }) : false,
    faults: flags.fault ?? [],
    ...(errorForm === undefined ? {} : { errorForm }),
    ...(flags['slot-bytes'] === undefined ? {} : { slotBytes: integerFlag('sim', 'slot-bytes', flags['slot-bytes'], SLOT_BYTES_RANGE.min, SLOT_BYTES_RANGE.max) }),
  };
}

/** The simulator's endpoints as connection strings. */
export function simulatorEndpoints(sim: RunningSimulator, baudRate = 115200): string[] {
  const out: string[] = [];
  if (sim.udp) out.push(formatConnectionString({ scheme: 'udp', ...sim.udp }));
  if (sim.udp6) out.push(formatConnectionString({ scheme: 'udp', ...sim.udp6 }));
  if (sim.serialPath) out.push(formatConnectionString({ scheme: 'serial', path: sim.serialPath, baudRate, raw: false }));
  return out;
}

/** Resolve on the first SIGINT or SIGTERM, removing the handlers again. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `sim` entry point: runs until SIGINT/SIGTERM, then stops the simulator and returns 0. */
export async function simCommand(argv: string[], io: CliIo): Promise<number> {
  const options = simOptionsFromArgs(argv);
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (options === 'list-faults') {
    for (const f of FAULT_PROFILES) io.stdout(`${f.name.padEnd(28)} ${f.description}`);
    return 0;
  }
  const signal = untilSignal();
  const sim = await startSimulator(options);
  const baudRate = typeof options.serial === 'object' ? options.serial.baudRate : undefined;
  io.stdout(`simulator running (faults: ${sim.faults.join(', ') || 'none'}; error form ${options.errorForm ?? 'v2'})`);
  for (const endpoint of simulatorEndpoints(sim, baudRate)) io.stdout(`  ${endpoint}`);
  io.stdout('press Ctrl+C to stop');
  const got = await signal;
  await sim.stop();
  io.stdout(`simulator stopped (${got})`);
  return 0;
}
