/**
 * `mgmt-conformance sim`: run the built-in reference simulator on its own — the SMP device, or
 * with `--lwm2m` the LwM2M client registering with the given server — print where it is, and
 * stop cleanly on SIGINT/SIGTERM.
 */
import { pskKeyProblem } from '../config/lwm2m-target.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { FAULT_PROFILES, SLOT_BYTES_RANGE, startSimulator, type RunningSimulator, type SimulatorOptions } from '../simulator/index.ts';
import { LWM2M_FAULT_PROFILES, MAX_CLIENTS, PSK_INDEX_PLACEHOLDER, parseServerUri, startLwm2mClientSimulator, startManyLwm2mClients, type Lwm2mClientSimulatorOptions } from '../simulator/lwm2m-client/index.ts';
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
  'psk-identity': { type: 'string', valueName: 'TEXT', description: 'with --lwm2m coaps://…: the DTLS PSK identity the client presents (with --clients, {i} in it becomes each client\'s index; else all share it)' },
  'psk-key': { type: 'string', valueName: 'HEX', description: 'with --lwm2m coaps://…: the pre-shared key, in hex' },
  clients: { type: 'string', valueName: 'N', description: `run N LwM2M clients in this process, endpoints NAME0…NAME(N-1) (--endpoint is the prefix, default sim-), each on its own port (1-${MAX_CLIENTS})` },
  'list-faults': { type: 'boolean', description: 'print the fault profiles (SMP and LwM2M) and exit' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance sim [--udp PORT] [--udp6 PORT] [--serial] [--baud N] [--fault NAME]... [--error-form v1|v2] [--slot-bytes N]
       mgmt-conformance sim --lwm2m coap://HOST:PORT [--endpoint NAME] [--lwm2m-version 1.0|1.1] [--lifetime S] [--fault NAME]... [--clients N]
       mgmt-conformance sim --lwm2m coaps://HOST:PORT --psk-identity TEXT --psk-key HEX [...]

Runs the reference SMP device (Zephyr smp_svr behaviour). Without --udp/--udp6/--serial it
listens on udp://127.0.0.1:1337 and on a pseudo-terminal. With --lwm2m it runs the reference
LwM2M client (Zephyr lwm2m_client behaviour) instead, registering with that server. Stop it
with Ctrl+C.

${formatFlagHelp(FLAGS)}`;

/** The LwM2M client to run (`sim --lwm2m`), or `clients` of them (`--clients N`, `endpoint` as the name prefix). */
export interface Lwm2mSimChoice {
  lwm2m: Lwm2mClientSimulatorOptions;
  clients?: number;
}

/** How long `sim --clients` waits for every client's registration before reporting the missing ones. */
const ALL_REGISTERED_MS = 120_000;

const SMP_ONLY_FLAGS = ['udp', 'udp6', 'serial', 'baud', 'error-form', 'slot-bytes'] as const;
const LWM2M_ONLY_FLAGS = ['endpoint', 'lwm2m-version', 'lifetime', 'psk-identity', 'psk-key', 'clients'] as const;

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
  const security = pskFromFlags(flags, uri);
  return {
    lwm2m: {
      server: uri,
      ...(security ? { security } : {}),
      faults: flags.fault ?? [],
      ...(version !== undefined ? { version } : {}),
      ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
      ...(flags.lifetime !== undefined ? { lifetimeS: integerFlag('sim', 'lifetime', flags.lifetime, 1, 0xffffffff) } : {}),
    },
    ...(flags.clients !== undefined ? { clients: integerFlag('sim', 'clients', flags.clients, 1, MAX_CLIENTS) } : {}),
  };
}

/** The PSK of a coaps:// server: both flags are needed there, and neither goes with coap://. */
function pskFromFlags(flags: SimFlags, uri: string): { mode: 'psk'; identity: string; key: string } | undefined {
  const identity = flags['psk-identity'];
  const key = flags['psk-key'];
  if (!uri.startsWith('coaps:')) {
    if (identity !== undefined || key !== undefined) throw new UsageError(`sim: --psk-identity and --psk-key go with a coaps:// server, not ${uri}`);
    return undefined;
  }
  if (identity === undefined || identity === '' || key === undefined) throw new UsageError('sim: --lwm2m coaps:// needs --psk-identity TEXT and --psk-key HEX');
  const problem = pskKeyProblem(key);
  if (problem !== undefined) throw new UsageError(`sim: --psk-key ${problem}`);
  return { mode: 'psk', identity, key };
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
  if ('lwm2m' in options) return options.clients === undefined ? runLwm2mClient(options.lwm2m, io) : runManyLwm2mClients(options.lwm2m, options.clients, io);
  const signal = untilSignal();
  // A fault that kills the device ends the process, as a crashed native_sim does (status 3).
  let died: (how: 'exit') => void = () => undefined;
  const death = new Promise<'exit'>((resolve) => (died = resolve));
  const sim = await startSimulator({
    ...options,
    // The device's error lines go to stdout, where native_sim prints its log.
    onLog: (line) => {
      if (line.includes('<err>')) io.stdout(line);
    },
    onFatal: (how) => {
      if (how === 'exit') died('exit');
    },
    onGone: (reason) => {
      if (reason === 'exit') died('exit');
    },
  });
  const baudRate = typeof options.serial === 'object' ? options.serial.baudRate : undefined;
  io.stdout(`simulator running (faults: ${sim.faults.join(', ') || 'none'}; error form ${options.errorForm ?? 'v2'})`);
  for (const endpoint of simulatorEndpoints(sim, baudRate)) io.stdout(`  ${endpoint}`);
  io.stdout('press Ctrl+C to stop');
  const got = await Promise.race([signal, death]);
  await sim.stop();
  if (got === 'exit') return SIM_CRASH_EXIT_STATUS;
  io.stdout(`simulator stopped (${got})`);
  return 0;
}

/** Exit status of `sim` when a fault profile crashed the device. */
export const SIM_CRASH_EXIT_STATUS = 3;

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

/**
 * `sim --lwm2m URI --clients N`: N clients in this process, each with its own endpoint name and
 * port (printed one per line), until SIGINT/SIGTERM; prints when all have registered.
 */
async function runManyLwm2mClients(options: Lwm2mClientSimulatorOptions, count: number, io: CliIo): Promise<number> {
  const signal = untilSignal();
  const { endpoint, ...each } = options;
  const started = performance.now();
  const many = await startManyLwm2mClients({ ...each, count, ...(endpoint === undefined ? {} : { endpointPrefix: endpoint }) });
  const security = options.security?.mode === 'psk' ? `; DTLS PSK identity ${options.security.identity}${options.security.identity.includes(PSK_INDEX_PLACEHOLDER) ? ' (one per client)' : ' (shared)'}, shared key` : '';
  io.stdout(`${count} LwM2M clients (LwM2M ${options.version ?? '1.1'}; faults: ${options.faults?.join(', ') || 'none'}${security}), registering with ${options.server}`);
  for (const c of many.clients) io.stdout(`  ${c.endpoint} ${c.localAddress.host}:${c.localAddress.port}`);
  let isStopping = false;
  void many.waitAllRegistered(ALL_REGISTERED_MS).then(
    () => { if (!isStopping) io.stdout(`all ${count} clients registered (${(performance.now() - started).toFixed(0)} ms after start)`); },
    (e: unknown) => { if (!isStopping) io.stdout(e instanceof Error ? e.message : String(e)); },
  );
  io.stdout('press Ctrl+C to stop (each de-registers first)');
  const got = await signal;
  isStopping = true;
  await many.stop();
  io.stdout(`${count} LwM2M clients stopped (${got})`);
  return 0;
}
