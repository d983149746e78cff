/**
 * `mgmt-conformance sim`: run the built-in reference simulator on its own — the SMP device, or
 * with `--lwm2m` the LwM2M client registering with the given server — print where it is, and
 * stop cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, UsageError } from '../errors.ts';
import { FAULT_PROFILES, SLOT_BYTES_RANGE, startSimulator, type RunningSimulator, type SimulatorOptions } from '../simulator/index.ts';
import { LWM2M_FAULT_PROFILES, parseServerUri, startLwm2mClientSimulator, type Lwm2mClientSimulatorOptions } from '../simulator/lwm2m-client/index.ts';
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
  lwm2m: { type: 'string', valueName: 'URI', description: 'run the LwM2M client instead, registering with the server at coap://HOST:PORT' },
  endpoint: { type: 'string', valueName: 'NAME', description: 'LwM2M endpoint client name (default native_sim, or native_sim_lwm2m11 for 1.1)' },
  'lwm2m-version': { type: 'string', valueName: '1.0|1.1', description: 'LwM2M enabler version of the client (default 1.1)' },
  lifetime: { type: 'string', valueName: 'S', description: 'LwM2M registration lifetime in seconds (default 30)' },
  'list-faults': { type: 'boolean', description: 'print the fault profiles (SMP and LwM2M) and exit' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance sim [--udp PORT] [--udp6 PORT] [--serial] [--baud N] [--fault NAME]... [--error-form v1|v2] [--slot-bytes N]
       mgmt-conformance sim --lwm2m coap://HOST:PORT [--endpoint NAME] [--lwm2m-version 1.0|1.1] [--lifetime S] [--fault NAME]...

Runs the reference SMP device (Zephyr smp_svr behaviour). Without --udp/--udp6/--serial it
listens on udp://127.0.0.1:1337 and on a pseudo-terminal. With --lwm2m it runs the reference
LwM2M client (Zephyr lwm2m_client behaviour) instead, registering with that server. Stop it
with Ctrl+C.

${formatFlagHelp(FLAGS)}`;

/** The LwM2M client to run (`sim --lwm2m`). */
export interface Lwm2mSimChoice {
  lwm2m: Lwm2mClientSimulatorOptions;
}

const SMP_ONLY_FLAGS = ['udp', 'udp6', 'serial', 'baud', 'error-form', 'slot-bytes'] as const;
const LWM2M_ONLY_FLAGS = ['endpoint', 'lwm2m-version', 'lifetime'] as const;

type SimFlags = ReturnType<typeof parseFlags<typeof FLAGS>>['flags'];

function lwm2mOptionsFromFlags(flags: SimFlags, uri: string): Lwm2mSimChoice {
  const smpFlag = SMP_ONLY_FLAGS.find((f) => flags[f] !== undefined);
  if (smpFlag !== undefined) throw new UsageError(`sim: --${smpFlag} is an SMP simulator flag and does not go with --lwm2m`);
  try {
    parseServerUri(uri);
  } catch (e) {
    throw new UsageError(`sim: --lwm2m ${e instanceof ConfigError ? e.message : String(e)}`);
  }
  const known = LWM2M_FAULT_PROFILES.map((f) => f.name);
  for (const fault of flags.fault ?? []) {
    if (!known.includes(fault)) throw new UsageError(`sim: unknown LwM2M fault '${fault}' (known: ${known.join(', ')})`);
  }
  const version = flags['lwm2m-version'];
  if (version !== undefined && version !== '1.0' && version !== '1.1') throw new UsageError(`sim: --lwm2m-version expects 1.0 or 1.1, got '${version}'`);
  if (flags.endpoint === '') throw new UsageError('sim: --endpoint needs a name');
  return {
    lwm2m: {
      server: uri,
      faults: flags.fault ?? [],
      ...(version !== undefined ? { version } : {}),
      ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
      ...(flags.lifetime !== undefined ? { lifetimeS: integerFlag('sim', 'lifetime', flags.lifetime, 1, 0xffffffff) } : {}),
    },
  };
}

/** Build simulator options from the flags; every mistake is a one-line `UsageError`. */
export function simOptionsFromArgs(argv: readonly string[]): SimulatorOptions | Lwm2mSimChoice | 'help' | 'list-faults' {
  const { flags } = parseFlags('sim', argv, FLAGS);
  if (flags.help) return 'help';
  if (flags['list-faults']) return 'list-faults';
  if (flags.lwm2m !== undefined) return lwm2mOptionsFromFlags(flags, flags.lwm2m);
  const lwm2mFlag = LWM2M_ONLY_FLAGS.find((f) => flags[f] !== undefined);
  if (lwm2mFlag !== undefined) throw new UsageError(`sim: --${lwm2mFlag} goes with --lwm2m coap://HOST:PORT`);
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
    io.stdout('SMP simulator faults:');
    for (const f of FAULT_PROFILES) io.stdout(`  ${f.name.padEnd(34)} ${f.description}`);
    io.stdout('LwM2M client faults (sim --lwm2m):');
    for (const f of LWM2M_FAULT_PROFILES) io.stdout(`  ${f.name.padEnd(34)} ${f.description}`);
    return 0;
  }
  if ('lwm2m' in options) return runLwm2mClient(options.lwm2m, io);
  const signal = untilSignal();
  // `exit-mid-upload` makes the device exit like a crashed native_sim build: status 3.
  let exited: (reason: 'exit') => void = () => undefined;
  const exit = new Promise<'exit'>((resolve) => (exited = resolve));
  const sim = await startSimulator({ ...options, onGone: (reason) => reason === 'exit' && exited('exit') });
  const baudRate = typeof options.serial === 'object' ? options.serial.baudRate : undefined;
  io.stdout(`simulator running (faults: ${sim.faults.join(', ') || 'none'}; error form ${options.errorForm ?? 'v2'})`);
  for (const endpoint of simulatorEndpoints(sim, baudRate)) io.stdout(`  ${endpoint}`);
  io.stdout('press Ctrl+C to stop');
  const got = await Promise.race([signal, exit]);
  await sim.stop();
  if (got === 'exit') {
    io.stderr('simulator exited: the device crashed (fault exit-mid-upload)');
    return 3;
  }
  io.stdout(`simulator stopped (${got})`);
  return 0;
}

/** `sim --lwm2m`: run the LwM2M client until SIGINT/SIGTERM, printing its registration events. */
async function runLwm2mClient(options: Lwm2mClientSimulatorOptions, io: CliIo): Promise<number> {
  const signal = untilSignal();
  const client = await startLwm2mClientSimulator(options);
  const { host, port } = client.localAddress;
  io.stdout(`LwM2M client ${client.endpoint} (LwM2M ${client.version}; faults: ${options.faults?.join(', ') || 'none'}) on ${host}:${port}, registering with ${options.server}`);
  const stopEvents = client.client.registration.onEvent((e) => {
    const detail = e.kind === 'registered' ? ` at /${e.location.join('/')}` : 'code' in e ? ` (${e.code})` : '';
    io.stdout(`  ${e.kind}${detail}`);
  });
  io.stdout('press Ctrl+C to stop (de-registers first)');
  const got = await signal;
  stopEvents();
  await client.stop();
  io.stdout(`LwM2M client stopped (${got})`);
  return 0;
}
