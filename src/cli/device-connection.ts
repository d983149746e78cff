/**
 * Where a device command talks to: `--smp CONN`, or `--target NAME` from targets.json (a `sim`
 * target starts the built-in simulator for the duration of the command). Silence on the first
 * request becomes a one-line `TransportError` (exit 2), like `probe`.
 */
import { existsSync } from 'node:fs';
import type { SmpClient } from '../client/smp-client.ts';
import type { TargetConfig } from '../config/index.ts';
// The config layer's DEFAULT_TIMEOUT_MS is this value; taken from core so that the flag help does
// not load the targets-file checker. The client, the transport and targets.json load on use.
import { DEFAULT_RESPONSE_TIMEOUT_MS as DEFAULT_TIMEOUT_MS } from '../core/timeouts.ts';
import type { Transport } from '../core/transport.ts';
import { ResponseTimeoutError, TransportError, UsageError } from '../errors.ts';
import { parseConnectionString, type ConnectionSpec } from '../transport/connection-string.ts';
import { integerFlag, type FlagSpecs } from './args.ts';

/** Parse a connection string given on the command line; errors name the flag. */
export function connectionFromFlag(flag: string, value: string): ConnectionSpec {
  const spec = parseConnectionString(value);
  if (!spec.ok) throw new UsageError(`${flag} '${value}': ${spec.error}`);
  return spec.value;
}

/** The flags every device command accepts. */
export const DEVICE_FLAGS = {
  smp: { type: 'string', valueName: 'CONN', description: 'device: udp://HOST:PORT or serial:///dev/PATH?baud=N' },
  target: { type: 'string', valueName: 'NAME', description: 'a target from targets.json instead of --smp (default: its defaultTarget)' },
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  timeout: { type: 'string', valueName: 'MS', description: `per-request timeout (default: the target's timeoutMs, ${DEFAULT_TIMEOUT_MS})` },
} as const satisfies FlagSpecs;

/** Parsed device flags. */
export interface DeviceFlags {
  smp?: string;
  target?: string;
  targets?: string;
  timeout?: string;
}

/** A connected device for one command. */
export interface DeviceLink {
  client: SmpClient;
  transport: Transport;
  timeoutMs: number;
  /** The serial transport MTU given with `?mtu=N`. */
  mtu?: number | undefined;
}

/** Where to talk: a connection string, or a simulator target to start first. */
type Where = { spec: ConnectionSpec; timeoutMs: number } | { sim: TargetConfig; timeoutMs: number };

function connectionProblem(s: string): string | undefined {
  const r = parseConnectionString(s);
  return r.ok ? undefined : r.error;
}

async function resolveWhere(command: string, flags: DeviceFlags): Promise<Where> {
  const timeoutFlag = flags.timeout === undefined ? undefined : integerFlag(command, 'timeout', flags.timeout, 1, 600_000);
  if (flags.smp !== undefined) {
    if (flags.target !== undefined) throw new UsageError(`${command}: give --smp or --target, not both`);
    return { spec: connectionFromFlag('--smp', flags.smp), timeoutMs: timeoutFlag ?? DEFAULT_TIMEOUT_MS };
  }
  const [{ builtInTargets, loadTargets, resolveTarget }, { CAPABILITY_NAMES }, { LWM2M_CAPABILITY_NAMES }] = await Promise.all([
    import('../config/index.ts'),
    import('../target/smp/capability-catalogue.ts'),
    import('../target/lwm2m/capability-catalogue.ts'),
  ]);
  const checks = { checkConnection: connectionProblem, knownCapabilities: [...CAPABILITY_NAMES, ...LWM2M_CAPABILITY_NAMES] };
  const file = flags.targets !== undefined || existsSync('targets.json') ? await loadTargets(flags.targets ?? 'targets.json', checks) : builtInTargets();
  const target = resolveTarget(file, flags.target);
  const timeoutMs = timeoutFlag ?? target.timeoutMs;
  if (target.kind === 'sim') return { sim: target, timeoutMs };
  if (target.smp === undefined) throw new UsageError(`${command}: target '${target.name}' has no SMP connection string (it only speaks LwM2M)`);
  return { spec: connectionFromFlag(`target '${target.name}' smp`, target.smp), timeoutMs };
}

/** Turn silence into a one-line setup error naming the endpoint. */
export function unreachable(client: SmpClient, e: ResponseTimeoutError): TransportError {
  const refused = client.trace.entries.some((x) => x.note === 'refused');
  const hint = refused ? 'nothing listens on that port: is the device running?' : 'is the device running?';
  return new TransportError(`no answer from ${client.endpoint} within ${e.timeoutMs} ms (${hint})`);
}

async function runOn<T>(transport: Transport, timeoutMs: number, body: (link: DeviceLink) => Promise<T>, mtu?: number): Promise<T> {
  const { SmpClient } = await import('../client/smp-client.ts');
  const client = new SmpClient(transport, { timeoutMs });
  try {
    return await body({ client, transport, timeoutMs, mtu });
  } finally {
    await client.close();
  }
}

/** Run `body` against the device the flags name; the client is closed afterwards. */
export async function withDevice<T>(command: string, flags: DeviceFlags, body: (link: DeviceLink) => Promise<T>): Promise<T> {
  const where = await resolveWhere(command, flags);
  const { openTransport } = await import('../transport/open.ts');
  if ('spec' in where) return runOn(await openTransport(where.spec), where.timeoutMs, body, where.spec.scheme === 'serial' ? where.spec.mtu : undefined);
  const sim = where.sim;
  // The simulator loads only when the built-in one is the device.
  const { startSimulatorDevice } = await import('../target/device-start.ts');
  const device = await startSimulatorDevice({ transport: sim.sim?.transports[0] ?? 'udp', faults: sim.sim?.faults ?? [], sim: sim.sim });
  try {
    return await runOn(await openTransport(connectionFromFlag(`target '${sim.name}'`, device.smp ?? '')), where.timeoutMs, body);
  } finally {
    await device.stop();
  }
}

/** Send the first request of a command; silence becomes the one-line "no answer" error. */
export async function firstRequest<T>(client: SmpClient, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    if (e instanceof ResponseTimeoutError) throw unreachable(client, e);
    throw e;
  }
}
