/**
 * What a target run hands its conformance worker: the target exactly as targets.json validation
 * produced it (`TargetConfig`), plus what the run decided (transport, seed, strictness, faults,
 * the device's endpoint). The run writes it as JSON into `MGMT_TARGET`; the worker reads it back
 * and trusts it: the one validation happened in `parseTargets`. Also the other names the run and
 * its worker share: the session-info side file variable and the session provider slot.
 * @see docs/architecture.md "Session and run model"
 */
import { ConfigError } from '../errors.ts';
import { SIM_DEFAULT_BUDGETS } from './budgets.ts';
import { DEFAULT_TIMEOUT_MS, TARGET_KINDS, type SimLwm2mVersion, type TargetConfig, type TargetKind } from './targets.ts';

/** Environment variable carrying the `RunTarget` as JSON. */
export const RUN_TARGET_ENV = 'MGMT_TARGET';
/** Environment variable naming the JSON side file the worker writes the session's findings to. */
export const SESSION_INFO_FILE_ENV = 'MGMT_SESSION_INFO_FILE';
/**
 * Global slot where the conformance environment (src/target) installs the session provider and
 * the case kit (src/conformance) finds it; `Symbol.for` so every module runner sees one slot.
 */
export const SESSION_PROVIDER_KEY = Symbol.for('mgmt-conformance.session-provider');

/** How long a session waits for a device's first answer unless the target says otherwise. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** Addresses the run bound before it started the device, by protocol (e.g. `lwm2m`: `coap://127.0.0.1:40123`). */
export interface ListenAddresses {
  lwm2m?: string;
  /** The LwM2M Bootstrap-Server, when the target bootstraps (`coap://HOST:PORT`). */
  lwm2mBootstrap?: string;
}

/** Protocols a target run can test. */
export type TargetProtocol = 'smp' | 'lwm2m';
export const TARGET_PROTOCOLS: readonly TargetProtocol[] = ['smp', 'lwm2m'];


/** One target as its worker sees it: the validated target with the run's choices filled in. */
export interface RunTarget extends TargetConfig {
  /**
   * The protocols this run tests (a simulator target's SMP and LwM2M runs are separate runs);
   * absent: SMP, plus LwM2M when the target has an `lwm2m` block.
   */
  protocols?: TargetProtocol[];
  /** Enabler version of the simulated LwM2M client (an LwM2M run of a `sim` target). */
  simLwm2mVersion?: SimLwm2mVersion;
  /**
   * Connection string the session opens (overrides the configured one: for `sim`, the endpoint
   * the run started the simulator on); a `sim` target without it gets a worker-started simulator.
   */
  smp?: string;
  /** `udp`, `udp6` or `serial`: the link of this run (for `sim`, which simulator endpoint). */
  transport: string;
  seed: number;
  /** Simulator fault profiles of this run. */
  faults: string[];
  /** Destructive cases (reset, erase) may run. */
  allowDestructive: boolean;
  /** How long to wait for the device's first answer. */
  readyTimeoutMs: number;
  /** Listeners bound before the device started (empty when no protocol listens). */
  listening: ListenAddresses;
  /** A process target's files: its output log (report attachment) and the exit record the run writes when it ends. */
  device?: { output: string; status: string; control?: string };
  /** Where this target run's reports go (`<out>/<key>`): crash reproducers are written there. */
  reportDir?: string;
}

/** What a run decided for a target. */
export interface RunChoices {
  transport: string;
  seed: number;
  isStrict: boolean;
  faults: readonly string[];
  /** The device's endpoint when the run started or located it (else the configured `smp`). */
  smp?: string | undefined;
  allowDestructive?: boolean;
  listening?: ListenAddresses;
  device?: { output: string; status: string; control?: string };
  reportDir?: string;
  /** The protocols this run tests (default: every one the target has). */
  protocols?: readonly TargetProtocol[];
  /** Enabler version of the simulated LwM2M client (an LwM2M run of a `sim` target). */
  lwm2mVersion?: SimLwm2mVersion | undefined;
}

/** The protocols a target has: SMP unless it is an LwM2M-only device, LwM2M with an `lwm2m` block. */
export function targetProtocols(target: Pick<TargetConfig, 'kind' | 'smp' | 'lwm2m'>): TargetProtocol[] {
  const smp = target.kind === 'sim' || target.smp !== undefined || target.lwm2m === undefined;
  return [...(smp ? (['smp'] as const) : []), ...(target.lwm2m ? (['lwm2m'] as const) : [])];
}

/** The `RunTarget` for a validated target and the run's choices. */
export function runTargetOf(target: TargetConfig, run: RunChoices): RunTarget {
  const smp = run.smp ?? target.smp;
  return {
    ...target,
    ...(smp !== undefined ? { smp } : {}),
    budgets: { ...target.budgets },
    strict: run.isStrict,
    transport: run.transport,
    seed: run.seed,
    faults: [...run.faults],
    allowDestructive: run.allowDestructive ?? true,
    readyTimeoutMs: target.process?.readyTimeoutMs ?? target.process?.ready?.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    listening: { ...run.listening },
    ...(run.device ? { device: { ...run.device } } : {}),
    ...(run.reportDir !== undefined ? { reportDir: run.reportDir } : {}),
    protocols: [...(run.protocols ?? targetProtocols(target))],
    ...(run.lwm2mVersion !== undefined ? { simLwm2mVersion: run.lwm2mVersion } : {}),
  };
}

/** A random run seed (31 bits, the range fast-check takes). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Defaults for fields a hand-written `MGMT_TARGET` leaves out (direct vitest runs, tests). */
function defaultsFor(kind: TargetKind, smp: unknown): RunTarget {
  const transport = typeof smp === 'string' && smp.startsWith('serial:') ? 'serial' : 'udp';
  const isSim = kind === 'sim';
  return {
    name: kind,
    kind,
    capabilities: [],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    strict: false,
    budgets: isSim ? { ...SIM_DEFAULT_BUDGETS } : {},
    transport,
    seed: randomSeed(),
    faults: [],
    allowDestructive: true,
    readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
    listening: {},
  };
}

function garbled(message: string): ConfigError {
  return new ConfigError(message, '', RUN_TARGET_ENV);
}

/** Serialize for `MGMT_TARGET`. */
export function encodeRunTarget(target: RunTarget): string {
  return JSON.stringify(target);
}

/**
 * The target of this worker from `MGMT_TARGET` (absent: the built-in simulator, started by the
 * worker). The value is trusted as the run wrote it; only text that is not a JSON object of a
 * known kind is refused, with a `ConfigError`. `MGMT_SEED`, `MGMT_STRICT` and
 * `MGMT_NO_DESTRUCTIVE` override the seed, strictness and destructive cases.
 */
export function runTargetFromEnv(env: Record<string, string | undefined> = process.env): RunTarget {
  const text = env[RUN_TARGET_ENV];
  let raw: unknown = { kind: 'sim', name: 'sim' };
  if (text !== undefined && text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw garbled(`not JSON: ${(e as Error).message}`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw garbled('must be a JSON object (a target as the run command writes it)');
  const given = raw as Partial<RunTarget>;
  const kind = given.kind ?? 'sim';
  if (!TARGET_KINDS.includes(kind)) throw garbled(`kind ${JSON.stringify(kind)} is not one of ${TARGET_KINDS.join(', ')}`);
  const target: RunTarget = { ...defaultsFor(kind, given.smp), ...given, kind };
  const seedText = env['MGMT_SEED'];
  if (seedText !== undefined && /^\d+$/.test(seedText)) target.seed = Number(seedText);
  if (env['MGMT_STRICT'] === '1') target.strict = true;
  if (env['MGMT_NO_DESTRUCTIVE'] === '1') target.allowDestructive = false;
  return target;
}
