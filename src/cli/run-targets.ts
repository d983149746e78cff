/**
 * Which target runs a `run` makes: targets from targets.json (or one ad-hoc `--smp` or `--lwm2m`
 * target); a simulator target makes one SMP run per transport (UDP and the pseudo-terminal by
 * default) and one LwM2M run per simulated client version (1.0 and 1.1), each with the run's
 * seed, strictness and faults. Each run tests only its protocols' suites. Configuration mistakes
 * surface here, before anything starts.
 */
import { existsSync } from 'node:fs';
import {
  builtInTargets,
  DEFAULT_REGISTRATION_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  loadTargets,
  parseListenAddress,
  resolveTarget,
  targetProtocols,
  type SimLwm2mVersion,
  type TargetConfig,
  type TargetProtocol,
  type TargetsFile,
} from '../config/index.ts';
import { CAPABILITY_NAMES, LWM2M_CAPABILITY_NAMES } from '../target/index.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { parseConnectionString } from '../transport/connection-string.ts';
import type { RunOptions } from './run-options.ts';
import { loadHardwareMapTargets } from './targets-twister.ts';

function connectionProblem(s: string): string | undefined {
  const r = parseConnectionString(s);
  return r.ok ? undefined : r.error;
}

/**
 * One target run: one vitest run, one JUnit file, one entry in summary.json. It carries the
 * validated target as it is; the worker gets it back as a `RunTarget` (src/config/run-target.ts).
 */
export interface TargetRunPlan {
  /** Unique within the run: `sim-udp`, `board1`. Used in file names. */
  key: string;
  target: TargetConfig;
  /** `udp`, `udp6` or `serial` (the SMP link); `coap`, or `lwm2m-1.0`/`lwm2m-1.1` for a simulated client, on an LwM2M-only run. */
  transport: string;
  faults: string[];
  isStrict: boolean;
  seed: number;
  /** The protocols this run tests: only their suites (`suites/smp/`, `suites/lwm2m/`) are selected. */
  protocols: TargetProtocol[];
  /** Enabler version of the simulated LwM2M client (an LwM2M run of a `sim` target). */
  lwm2mVersion?: SimLwm2mVersion;
  /** Rerun a failed case up to this many times (`run --retries`); default none. */
  retries?: number;
  /** The certify profile's required capabilities: a case skipped for want of one fails. */
  requiredCapabilities?: string[];
  /** Run only this shard of the suite files (vitest's `shard`), and keep a blob report for `merge`. */
  shard?: { index: number; count: number };
}

/** Endpoint names of the simulated LwM2M client, as the Zephyr sample's native_sim builds register. */
export const SIM_LWM2M_ENDPOINTS: Readonly<Record<SimLwm2mVersion, string>> = { '1.0': 'native_sim', '1.1': 'native_sim_lwm2m11' };
/** Where the worker's LwM2M server listens for a simulated client: loopback, any free port. */
export const SIM_LWM2M_LISTEN = 'coap://127.0.0.1:0';

function transportOfConnection(conn: string): string {
  const parsed = parseConnectionString(conn);
  return parsed.ok ? parsed.value.scheme : 'udp';
}

function adHocTarget(conn: string, timeoutMs: number): TargetConfig {
  const parsed = parseConnectionString(conn);
  if (!parsed.ok) throw new ConfigError(`--smp ${conn}: ${parsed.error}`);
  return { name: 'smp', kind: parsed.value.scheme, smp: conn, capabilities: [], timeoutMs, strict: false, budgets: {} };
}

/** The ad-hoc target of `run --lwm2m coap://HOST:PORT --endpoint NAME`: a device that registers with the harness. */
function adHocLwm2mTarget(listen: string, endpoint: string | undefined): TargetConfig {
  const parsed = parseListenAddress(listen);
  if (typeof parsed === 'string') throw new UsageError(`run: --lwm2m ${parsed}`);
  if (endpoint === undefined) throw new UsageError('run: --lwm2m needs --endpoint NAME (the endpoint client name the device registers with)');
  if (listen.startsWith('coaps:')) throw new UsageError('run: --lwm2m coaps:// needs the PSK identity and key: describe the device in targets.json with lwm2m.security');
  const lwm2m = { listen, endpoint, registrationTimeoutMs: DEFAULT_REGISTRATION_TIMEOUT_MS };
  return { name: 'lwm2m', kind: 'udp', lwm2m, capabilities: [], timeoutMs: DEFAULT_TIMEOUT_MS, strict: false, budgets: {} };
}

async function loadFile(options: RunOptions, knownFaults: readonly string[]): Promise<TargetsFile> {
  if (options.hardwareMap !== undefined) {
    if (options.isTargetsFileExplicit) throw new UsageError('run: give --targets or --hardware-map, not both');
    return (await loadHardwareMapTargets(options.hardwareMap, { checkConnection: connectionProblem, knownFaults })).file;
  }
  if (!options.isTargetsFileExplicit && !existsSync(options.targetsFile)) return builtInTargets();
  return loadTargets(options.targetsFile, {
    checkConnection: (s) => {
      const r = parseConnectionString(s);
      return r.ok ? undefined : r.error;
    },
    knownFaults,
    knownCapabilities: [...CAPABILITY_NAMES, ...LWM2M_CAPABILITY_NAMES],
  });
}

function checkFaults(faults: readonly string[], knownFaults: readonly string[]): void {
  for (const f of faults) {
    const name = f.split(':')[0] ?? f;
    if (!knownFaults.includes(name)) throw new UsageError(`run: unknown fault profile '${name}' (known: ${knownFaults.join(', ')})`);
  }
}

function plansFor(target: TargetConfig, options: RunOptions): TargetRunPlan[] {
  const base = { isStrict: options.isStrict || target.strict, seed: options.seed };
  if (target.kind !== 'sim') {
    if (options.faults.length > 0) throw new UsageError(`run: --fault applies to simulator targets only ('${target.name}' is ${target.kind})`);
    if (options.transport) throw new UsageError(`run: --transport applies to simulator targets only ('${target.name}' is ${target.kind})`);
    // A process target without `smp` is reached at the pseudo-terminal it prints (unless it only speaks LwM2M).
    const printsPty = target.kind === 'process' && target.lwm2m === undefined;
    const transport = target.smp !== undefined ? transportOfConnection(target.smp) : printsPty ? 'serial' : 'coap';
    return [{ ...base, target, key: target.name, transport, faults: [], protocols: targetProtocols(target) }];
  }
  const sim = target.sim;
  const faults = [...(sim?.faults ?? []), ...options.faults];
  const { lwm2m: _lwm2m, ...smpTarget } = target;
  const transports = (sim?.transports ?? ['udp', 'serial']).filter((t) => !options.transport || t === options.transport);
  const smp = transports.map((transport): TargetRunPlan => ({ ...base, target: smpTarget, key: `${target.name}-${transport}`, transport, faults, protocols: ['smp'] }));
  const lwm2m = simLwm2mVersions(target).map((version) => simLwm2mPlan(target, version, { ...base, faults }));
  if (smp.length === 0 && (lwm2m.length === 0 || options.transport)) throw new UsageError(`run: target '${target.name}' has no ${options.transport ?? ''} transport`);
  return [...smp, ...lwm2m];
}

/** Versions of the simulated LwM2M client a `sim` target runs (its `lwm2m` block alone means 1.1). */
function simLwm2mVersions(target: TargetConfig): SimLwm2mVersion[] {
  return target.sim?.lwm2m?.versions ?? (target.lwm2m ? ['1.1'] : []);
}

/** The LwM2M run of a `sim` target for one client version: the worker listens, the client registers. */
function simLwm2mPlan(target: TargetConfig, version: SimLwm2mVersion, base: Pick<TargetRunPlan, 'isStrict' | 'seed' | 'faults'>): TargetRunPlan {
  const given = target.lwm2m;
  const lwm2m = {
    listen: given?.listen ?? SIM_LWM2M_LISTEN,
    endpoint: given?.endpoint ?? SIM_LWM2M_ENDPOINTS[version],
    registrationTimeoutMs: given?.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS,
    ...(given?.security ? { security: given.security } : {}),
    ...(given?.bootstrap === undefined ? {} : { bootstrap: given.bootstrap }),
    ...(given?.firmware === undefined ? {} : { firmware: given.firmware }),
    ...(given?.nstart === undefined ? {} : { nstart: given.nstart }),
  };
  return { ...base, target: { ...target, lwm2m }, key: `${target.name}-lwm2m-${version}`, transport: `lwm2m-${version}`, protocols: ['lwm2m'], lwm2mVersion: version };
}

/** Resolve the run's target runs; throws `ConfigError`/`UsageError` (exit 2). */
export async function planTargetRuns(options: RunOptions, knownFaults: readonly string[]): Promise<TargetRunPlan[]> {
  checkFaults(options.faults, knownFaults);
  if (options.lwm2m !== undefined) {
    if (options.faults.length > 0 || options.transport) throw new UsageError('run: --fault and --transport apply to simulator targets only, not to --lwm2m');
    return plansFor(adHocLwm2mTarget(options.lwm2m, options.endpoint), options);
  }
  if (options.endpoint !== undefined) throw new UsageError('run: --endpoint goes with --lwm2m');
  if (options.smp !== undefined) {
    if (options.faults.length > 0) throw new UsageError('run: --fault applies to simulator targets only, not to --smp');
    if (options.transport) throw new UsageError('run: --transport applies to simulator targets only, not to --smp');
    return plansFor(adHocTarget(options.smp, DEFAULT_TIMEOUT_MS), options);
  }
  const file = await loadFile(options, knownFaults);
  const names = options.targets.length > 0 ? [...new Set(options.targets)] : [file.defaultTarget];
  return names.flatMap((name) => plansFor(resolveTarget(file, name), options));
}
