/**
 * Which target runs a `run` makes: targets from targets.json (or one ad-hoc `--smp` target), each
 * simulator target once per transport (UDP and the pseudo-terminal by default), with the run's
 * seed, strictness and faults. Configuration mistakes surface here, before anything starts.
 */
import { existsSync } from 'node:fs';
import { builtInTargets, DEFAULT_TIMEOUT_MS, loadTargets, resolveTarget, type TargetConfig, type TargetsFile } from '../config/index.ts';
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
  /** `udp`, `udp6` or `serial`. */
  transport: string;
  faults: string[];
  isStrict: boolean;
  seed: number;
}

function transportOfConnection(conn: string): string {
  const parsed = parseConnectionString(conn);
  return parsed.ok ? parsed.value.scheme : 'udp';
}

function adHocTarget(conn: string, timeoutMs: number): TargetConfig {
  const parsed = parseConnectionString(conn);
  if (!parsed.ok) throw new ConfigError(`--smp ${conn}: ${parsed.error}`);
  return { name: 'smp', kind: parsed.value.scheme, smp: conn, capabilities: [], timeoutMs, strict: false, budgets: {} };
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
  });
}

function checkFaults(faults: readonly string[], knownFaults: readonly string[]): void {
  for (const f of faults) {
    const name = f.split(':')[0] ?? f;
    if (!knownFaults.includes(name)) throw new UsageError(`run: unknown fault profile '${name}' (known: ${knownFaults.join(', ')})`);
  }
}

function plansFor(target: TargetConfig, options: RunOptions): TargetRunPlan[] {
  const base = { target, isStrict: options.isStrict || target.strict, seed: options.seed };
  if (target.kind !== 'sim') {
    if (options.faults.length > 0) throw new UsageError(`run: --fault applies to simulator targets only ('${target.name}' is ${target.kind})`);
    if (options.transport) throw new UsageError(`run: --transport applies to simulator targets only ('${target.name}' is ${target.kind})`);
    // A process target without `smp` is reached at the pseudo-terminal it prints.
    const transport = target.smp === undefined && target.kind === 'process' ? 'serial' : transportOfConnection(target.smp ?? '');
    return [{ ...base, key: target.name, transport, faults: [] }];
  }
  const sim = target.sim;
  const transports = (sim?.transports ?? ['udp', 'serial']).filter((t) => !options.transport || t === options.transport);
  if (transports.length === 0) throw new UsageError(`run: target '${target.name}' has no ${options.transport ?? ''} transport`);
  const faults = [...(sim?.faults ?? []), ...options.faults];
  return transports.map((transport) => ({ ...base, key: `${target.name}-${transport}`, transport, faults }));
}

/** Resolve the run's target runs; throws `ConfigError`/`UsageError` (exit 2). */
export async function planTargetRuns(options: RunOptions, knownFaults: readonly string[]): Promise<TargetRunPlan[]> {
  checkFaults(options.faults, knownFaults);
  if (options.smp !== undefined) {
    if (options.faults.length > 0) throw new UsageError('run: --fault applies to simulator targets only, not to --smp');
    if (options.transport) throw new UsageError('run: --transport applies to simulator targets only, not to --smp');
    return plansFor(adHocTarget(options.smp, DEFAULT_TIMEOUT_MS), options);
  }
  const file = await loadFile(options, knownFaults);
  const names = options.targets.length > 0 ? [...new Set(options.targets)] : [file.defaultTarget];
  return names.flatMap((name) => plansFor(resolveTarget(file, name), options));
}
