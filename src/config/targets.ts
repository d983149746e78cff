/**
 * targets.json: which devices a run talks to and how. The structure is the published JSON Schema
 * (`schema/targets.schema.json`, checked with ajv in `targets-schema.ts`); what a schema cannot say
 * (a connection string that fits the kind, known fault and capability names, the default target,
 * regular expressions that compile) is checked here. Every problem names its place in the file
 * as a JSON pointer; unknown keys are errors (typos must not pass).
 */
import { DEFAULT_RESPONSE_TIMEOUT_MS } from '../core/timeouts.ts';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from '../core/result.ts';
import { ConfigError } from '../errors.ts';
import { flattenBudgets, SIM_DEFAULT_BUDGETS, SIM_LWM2M_TIMING_BUDGETS, type BudgetsInput } from './budgets.ts';
import { ConfigChecker, childPointer, describeJson } from './checker.ts';
import { locateJsonError } from './json-locate.ts';
import { checkLwm2mSecurity, DEFAULT_REGISTRATION_TIMEOUT_MS, parseListenAddress, type Lwm2mTargetOptions } from './lwm2m-target.ts';
import { schemaProblems } from './targets-schema.ts';
import { checkSmpOptions, type RawSmp, type SmpTargetOptions } from './smp-target.ts';
import type { CrashOptions } from './crash.ts';

export { DEFAULT_FS_ROOT, type SmpFsOptions, type SmpTargetOptions } from './smp-target.ts';

/** LwM2M enabler versions the simulated client speaks. */
export type SimLwm2mVersion = '1.0' | '1.1';

/** How a target is reached. */
export type TargetKind = 'sim' | 'udp' | 'serial' | 'process';
export const TARGET_KINDS: readonly TargetKind[] = ['sim', 'udp', 'serial', 'process'];

/** Transports the built-in simulator can listen on. */
export type SimTransport = 'udp' | 'udp6' | 'serial';
export const SIM_TRANSPORTS: readonly SimTransport[] = ['udp', 'udp6', 'serial'];

/** LwM2M enabler versions of the simulated LwM2M client. */
export const SIM_LWM2M_VERSIONS: readonly SimLwm2mVersion[] = ['1.0', '1.1'];

/** The simulated LwM2M client of a `sim` target: one LwM2M run per version. */
export interface SimLwm2mOptions {
  versions: SimLwm2mVersion[];
  /** Registration lifetime the client asks for (`lt=`), seconds. */
  lifetimeS: number;
  /**
   * ACK_TIMEOUT of the simulated client's own CONs, ms (RFC 7252 default 2000): scaled down so
   * the retransmission-timing case runs in seconds; the case states the value in its evidence.
   */
  ackTimeoutMs?: number;
}

/** Options of the built-in simulator target (defaults filled in). */
export interface SimTargetOptions {
  /** SMP simulator endpoints: one SMP run each. */
  transports: SimTransport[];
  /** Fault profiles (SMP and LwM2M names; each simulator takes its own). */
  faults: string[];
  /** The simulated LwM2M client; absent: the target runs SMP only. */
  lwm2m?: SimLwm2mOptions;
  errorForm: 'v1' | 'v2';
  bufSize: number;
  bufCount: number;
  /** Largest SMP packet the serial endpoint takes (default: the simulator's, 256 as Zephyr). */
  serialMtu?: number;
  /** Bytes the simulated file system holds (default: the simulator's, 16 KiB). */
  fsBytes?: number;
}

/** A device started as a local process (a native_sim build, a QEMU line). */
export interface ProcessTargetOptions {
  /** Program and arguments (never a shell string). */
  command: string[];
  /** Working directory, absolute (resolved against the targets file's directory). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How the started process says where it is reached. */
  ready?: { pattern?: string; timeoutMs?: number };
  /** How long the device gets to answer after it started. */
  readyTimeoutMs?: number;
}

/** How a device is reset and how the harness knows it is back. */
export type ResetMethod = 'smp' | 'command' | 'restart' | 'none';
export const RESET_METHODS: readonly ResetMethod[] = ['smp', 'command', 'restart', 'none'];

/** What tells that a reset device is ready again. */
export type ReadinessSignal = 'smp-echo' | 'lwm2m-register' | 'console';

/** The target's reset (defaults: `smp` with SMP echo readiness, `restart` for process targets). */
export interface ResetOptions {
  method: ResetMethod;
  /** The argv of method `command` (`["nrfjprog", "--reset"]`). */
  command?: string[];
  readiness: ReadinessSignal;
  /** A console line that tells the device is ready (readiness `console`). */
  consolePattern?: string;
  timeoutMs?: number;
}

/** Build outputs the footprint cases read (absolute paths). */
export interface BuildOutputs {
  dir?: string;
  romReport?: string;
  ramReport?: string;
  elf?: string;
}

/** Size reports of the build footprint growth is measured against (absolute paths). */
export interface BaselineReports {
  romReport?: string;
  ramReport?: string;
}

/** The board behind a target, as a twister hardware map names it. */
export interface HardwareInfo {
  id: string;
  platform: string;
  product?: string;
  runner?: string;
  fixtures?: string[];
}

/** One validated target, defaults filled in. */
export interface TargetConfig {
  name: string;
  description?: string;
  kind: TargetKind;
  /** SMP connection string (udp, serial; optional for a process target, which prints its pty, and for a target with only an `lwm2m` side). */
  smp?: string;
  /** `smp.mtu` and `smp.fs` of targets.json (absent when `smp` is a plain connection string). */
  smpOptions?: SmpTargetOptions;
  sim?: SimTargetOptions;
  process?: ProcessTargetOptions;
  /** The LwM2M side: the harness is the server the device registers with (any kind). */
  lwm2m?: Lwm2mTargetOptions;
  /** Capabilities the target declares; a declared one the device lacks is a failure. */
  capabilities: string[];
  timeoutMs: number;
  strict: boolean;
  /**
   * Budgets by flat name (src/config/budgets.ts): `smp.echo.rttMs`, `timing.smp.os.*.p95`,
   * `resetToReadyMs`, `footprint.romBytes`, `memory.maxStackUsePercent`, …; a `sim` target without
   * the key gets `SIM_DEFAULT_BUDGETS`, an empty object turns them off.
   */
  budgets: Record<string, number>;
  /** Absent: `defaultReset(kind)` (see `resetOf`). */
  reset?: ResetOptions;
  /** How a dead device is told (absent: `crashOf` defaults). */
  crash?: CrashOptions;
  build?: BuildOutputs;
  baseline?: BaselineReports;
  hardware?: HardwareInfo;
}

/** A validated targets.json. */
export interface TargetsFile {
  schemaVersion: 1;
  defaultTarget: string;
  targets: Record<string, TargetConfig>;
  /** Where it was read from (for messages). */
  file: string;
}

/** Checks the caller adds from layers config may not import (transport parser, simulator faults). */
export interface TargetsCheckOptions {
  /** Full connection-string check; returns a problem description or undefined. */
  checkConnection?: (s: string) => string | undefined;
  /** Fault profile names the simulator knows. */
  knownFaults?: readonly string[];
  /** Capability names the harness knows; a declared name outside it is a typo. */
  knownCapabilities?: readonly string[];
}

/** Per-request timeout of a target that names none (targets.json `timeoutMs`, `--timeout`). */
export const DEFAULT_TIMEOUT_MS = DEFAULT_RESPONSE_TIMEOUT_MS;
const SIM_DEFAULTS: SimTargetOptions = { transports: ['udp', 'serial'], faults: [], errorForm: 'v2', bufSize: 2048, bufCount: 2 };
/** Lifetime of the simulated LwM2M client, as the captured Zephyr sample asks for. */
const SIM_LWM2M_DEFAULT_LIFETIME_S = 30;
/** The built-in simulator's scaled ACK_TIMEOUT: retransmission timing is checked in about 10 s. */
const SIM_LWM2M_ACK_TIMEOUT_MS = 200;

/** What the built-in simulator declares: the capabilities discovery cannot probe harmlessly. */
export const SIM_DECLARED_CAPABILITIES: readonly string[] = ['smp.os.reset', 'smp.zephyr.storage-erase'];

/** The reset a target gets when it names none. */
export function defaultReset(kind: TargetKind): ResetOptions {
  return { method: kind === 'process' ? 'restart' : 'smp', readiness: 'smp-echo' };
}

/** The reset of `target`: its own, else the default of its kind. */
export function resetOf(target: Pick<TargetConfig, 'kind' | 'reset'>): ResetOptions {
  return target.reset ?? defaultReset(target.kind);
}

/** The file used when none is given and ./targets.json does not exist: the built-in simulator. */
export function builtInTargets(): TargetsFile {
  const sim: TargetConfig = {
    name: 'sim',
    description: 'Built-in reference simulators: SMP over UDP and a pseudo-terminal, the LwM2M client in 1.0 and 1.1 modes',
    kind: 'sim',
    sim: { ...SIM_DEFAULTS, transports: [...SIM_DEFAULTS.transports], faults: [], lwm2m: { versions: [...SIM_LWM2M_VERSIONS], lifetimeS: SIM_LWM2M_DEFAULT_LIFETIME_S, ackTimeoutMs: SIM_LWM2M_ACK_TIMEOUT_MS } },
    // Reset and storage erase cannot be probed without side effects, so a target declares them;
    // the simulator has both (same as the sim entry in the repository's targets.json).
    capabilities: [...SIM_DECLARED_CAPABILITIES],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    strict: false,
    budgets: { ...SIM_DEFAULT_BUDGETS, ...SIM_LWM2M_TIMING_BUDGETS },
  };
  return { schemaVersion: 1, defaultTarget: 'sim', targets: { sim }, file: '(built-in)' };
}

/** targets.json as the schema admits it (before defaults and cross-field checks). */
interface RawTarget {
  description?: string;
  kind: TargetKind;
  smp?: string | RawSmp;
  sim?: Partial<Omit<SimTargetOptions, 'lwm2m'>> & { lwm2m?: Partial<SimLwm2mOptions> };
  process?: ProcessTargetOptions;
  lwm2m?: { listen: string; endpoint: string; registrationTimeoutMs?: number; security?: { mode: 'psk' | 'nosec'; identity?: string; key?: string }; bootstrap?: { enabled?: boolean; port?: number }; firmware?: { package?: 'mcuboot' | 'blob' }; nstart?: number };
  capabilities?: string[];
  timeoutMs?: number;
  strict?: boolean;
  budgets?: BudgetsInput;
  reset?: Partial<ResetOptions> & { method: ResetMethod };
  crash?: CrashOptions;
  build?: BuildOutputs;
  baseline?: BaselineReports;
  hardware?: HardwareInfo;
}
interface RawFile {
  defaultTarget?: string;
  targets: Record<string, RawTarget>;
}

/** Parse and validate targets.json text; every problem is returned, each with its pointer. */
export function parseTargets(text: string, file: string, options: TargetsCheckOptions = {}): Result<TargetsFile, ConfigError[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const where = locateJsonError(text);
    const detail = where ? `${where.message} at line ${where.line} column ${where.column}` : (e as Error).message;
    return err([new ConfigError(`not valid JSON: ${detail}`, '', file)]);
  }
  const problems = schemaProblems(json, file);
  if (problems.length > 0) return err(problems);
  const raw = json as RawFile;
  const c = new ConfigChecker(file);
  const base = dirname(resolve(file));
  const targets: Record<string, TargetConfig> = {};
  for (const [name, t] of Object.entries(raw.targets)) targets[name] = checkTarget(c, name, t, base, options);
  const names = Object.keys(raw.targets);
  let defaultTarget = raw.defaultTarget;
  if (defaultTarget === undefined) {
    if (names.length === 1) defaultTarget = names[0];
    else c.problem('/defaultTarget', `missing: the file has ${names.length} targets, name the one used without --target (one of: ${names.join(', ')})`);
  } else if (!names.includes(defaultTarget)) {
    c.problem('/defaultTarget', `no target named '${defaultTarget}' (known: ${names.join(', ')})`);
  }
  if (c.errors.length > 0 || defaultTarget === undefined) return err(c.errors);
  return ok({ schemaVersion: 1, defaultTarget, targets, file });
}

const absolute = (base: string, p: string): string => (isAbsolute(p) ? p : resolve(base, p));

function resolvePaths<T extends object>(base: string, paths: T): T {
  return Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, absolute(base, v as string)])) as T;
}

function checkTarget(c: ConfigChecker, name: string, t: RawTarget, base: string, options: TargetsCheckOptions): TargetConfig {
  const at = childPointer('/targets', name);
  const out: TargetConfig = {
    name,
    kind: t.kind,
    capabilities: [...(t.capabilities ?? [])],
    timeoutMs: t.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    strict: t.strict ?? false,
    budgets: t.budgets === undefined ? (t.kind === 'sim' ? { ...SIM_DEFAULT_BUDGETS } : {}) : flattenBudgets(t.budgets),
  };
  if (t.reset !== undefined) out.reset = checkReset(c, t, t.reset, `${at}/reset`);
  if (t.description !== undefined) out.description = t.description;
  checkKindFields(c, t, at, out, base, options);
  t.capabilities?.forEach((s, i) => checkCapability(c, s, childPointer(`${at}/capabilities`, i), options.knownCapabilities));
  if (t.lwm2m !== undefined) {
    const parsed = parseListenAddress(t.lwm2m.listen);
    if (typeof parsed === 'string') c.problem(`${at}/lwm2m/listen`, parsed);
    out.lwm2m = { listen: t.lwm2m.listen, endpoint: t.lwm2m.endpoint, registrationTimeoutMs: t.lwm2m.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS };
    const security = checkLwm2mSecurity(c, t.lwm2m.security, t.lwm2m.listen, `${at}/lwm2m`);
    if (t.lwm2m.security !== undefined && security !== undefined) out.lwm2m.security = security;
    if (t.lwm2m.bootstrap !== undefined && t.lwm2m.bootstrap.enabled !== false) out.lwm2m.bootstrap = { port: t.lwm2m.bootstrap.port ?? 0 };
    if (t.lwm2m.firmware !== undefined) out.lwm2m.firmware = { package: t.lwm2m.firmware.package ?? 'mcuboot' };
    if (t.lwm2m.nstart !== undefined) out.lwm2m.nstart = t.lwm2m.nstart;
  }
  const consoleProblem = t.crash?.console !== undefined ? options.checkConnection?.(t.crash.console) : undefined;
  if (consoleProblem !== undefined) c.problem(`${at}/crash/console`, consoleProblem);
  if (t.crash !== undefined) out.crash = { ...t.crash, ...(t.crash.faultPatterns ? { faultPatterns: [...t.crash.faultPatterns] } : {}) };
  if (t.build !== undefined) out.build = resolvePaths(base, t.build);
  if (t.baseline !== undefined) out.baseline = resolvePaths(base, t.baseline);
  if (t.hardware !== undefined) out.hardware = { ...t.hardware, ...(t.hardware.fixtures ? { fixtures: [...t.hardware.fixtures] } : {}) };
  return out;
}

function checkKindFields(c: ConfigChecker, t: RawTarget, at: string, out: TargetConfig, base: string, options: TargetsCheckOptions): void {
  const kind = t.kind;
  const misplaced = (key: 'sim' | 'process', owner: string): void => {
    if (t[key] !== undefined) c.problem(`${at}/${key}`, `'${key}' belongs to kind ${owner}, but this target is kind "${kind}"`);
  };
  const { connection, connectionAt } = typeof t.smp === 'object' ? { connection: t.smp.connection, connectionAt: `${at}/smp/connection` } : { connection: t.smp, connectionAt: `${at}/smp` };
  if (typeof t.smp === 'object') out.smpOptions = checkSmpOptions(c, t.smp, connection, `${at}/smp`);
  if (kind === 'sim') {
    if (connection !== undefined) c.problem(connectionAt, `a connection string belongs to kind "udp", "serial" or "process", but this target is kind "sim" (its endpoints are started by the run)`);
    misplaced('process', '"process"');
    out.sim = checkSim(c, t.sim, `${at}/sim`, options);
    return;
  }
  misplaced('sim', '"sim"');
  if (kind !== 'process') misplaced('process', '"process"');
  // A device that only speaks LwM2M (an lwm2m_client build) is reached through its registration.
  if (connection === undefined && kind !== 'process' && t.lwm2m === undefined) c.problem(connectionAt, `kind "${kind}" needs a connection string (udp://HOST:PORT or serial:///dev/PATH), or an "lwm2m" block for a device that only speaks LwM2M`);
  else if (connection !== undefined && checkConnection(c, connection, connectionAt, kind, options)) out.smp = connection;
  if (kind !== 'process') return;
  if (t.process === undefined) {
    c.problem(`${at}/process`, 'kind "process" needs {"command": ["program", "arg", …]}');
    return;
  }
  const p: ProcessTargetOptions = { ...t.process, command: [...t.process.command] };
  if (p.cwd !== undefined) p.cwd = absolute(base, p.cwd);
  if (p.ready?.pattern !== undefined) checkRegex(c, p.ready.pattern, `${at}/process/ready/pattern`, true);
  out.process = p;
}

function checkConnection(c: ConfigChecker, s: string, at: string, kind: TargetKind, options: TargetsCheckOptions): boolean {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s)?.[1];
  const problem =
    scheme === undefined
      ? `expected a connection string like udp://127.0.0.1:1337 or serial:///dev/ttyACM0, got ${describeJson(s)}`
      : scheme !== 'udp' && scheme !== 'serial'
        ? `unknown scheme '${scheme}' (expected udp:// or serial://)`
        : kind !== 'process' && scheme !== kind
          ? `kind "${kind}" needs a ${kind}:// connection string, got ${describeJson(s)}`
          : options.checkConnection?.(s);
  if (problem !== undefined) c.problem(at, problem);
  return problem === undefined;
}

function checkSim(c: ConfigChecker, value: RawTarget['sim'], at: string, options: TargetsCheckOptions): SimTargetOptions {
  const { lwm2m, ...rest } = value ?? {};
  const sim: SimTargetOptions = { ...SIM_DEFAULTS, transports: [...SIM_DEFAULTS.transports], ...rest, faults: [...(value?.faults ?? [])] };
  if (lwm2m !== undefined) {
    const versions = lwm2m.versions === undefined ? [...SIM_LWM2M_VERSIONS] : [...new Set(lwm2m.versions)];
    sim.lwm2m = { versions, lifetimeS: lwm2m.lifetimeS ?? SIM_LWM2M_DEFAULT_LIFETIME_S, ...(lwm2m.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: lwm2m.ackTimeoutMs }) };
  }
  const known = options.knownFaults;
  sim.faults.forEach((s, i) => {
    // A profile may carry a parameter after a colon: `slow-replies:200`.
    if (known && !known.includes(s.split(':')[0] ?? s)) c.problem(childPointer(`${at}/faults`, i), `unknown fault '${s}' (known: ${known.join(', ')})`);
  });
  return sim;
}

function checkReset(c: ConfigChecker, t: RawTarget, given: NonNullable<RawTarget['reset']>, at: string): ResetOptions {
  const reset: ResetOptions = { ...given, readiness: given.readiness ?? (given.consolePattern !== undefined ? 'console' : 'smp-echo') };
  if (given.method === 'command' && given.command === undefined) c.problem(`${at}/command`, 'reset method "command" needs the command to run, like ["nrfjprog", "--reset"]');
  if (given.method !== 'command' && given.command !== undefined) c.problem(`${at}/command`, `'command' belongs to reset method "command", but the method is "${given.method}"`);
  if (given.method === 'restart' && t.kind !== 'process') c.problem(`${at}/method`, `reset method "restart" needs a process target, but this target is kind "${t.kind}"`);
  if (reset.readiness === 'console' && given.consolePattern === undefined) c.problem(`${at}/consolePattern`, 'readiness "console" needs the console line pattern to wait for');
  if (reset.readiness === 'lwm2m-register' && t.lwm2m === undefined) c.problem(`${at}/readiness`, 'readiness "lwm2m-register" needs the target\'s lwm2m block');
  if (given.consolePattern !== undefined) checkRegex(c, given.consolePattern, `${at}/consolePattern`, false);
  return reset;
}

function checkRegex(c: ConfigChecker, source: string, at: string, needsGroup: boolean): void {
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    c.problem(at, `not a regular expression: ${(e as Error).message}`);
    return;
  }
  // One capture group names the pseudo-terminal (or endpoint) the process printed.
  if (needsGroup && new RegExp(`${re.source}|`).exec('')!.length < 2) c.problem(at, `expected a regular expression with a capture group for the device path, got ${describeJson(source)}`);
}

function checkCapability(c: ConfigChecker, s: string, at: string, known: readonly string[] | undefined): void {
  // `lwm2m.obj.<id>` in the known names stands for every object id.
  const isKnown = known === undefined || known.includes(s) || (/^lwm2m\.obj\.(0|[1-9]\d{0,4})$/.test(s) && known.includes('lwm2m.obj.<id>'));
  if (!known || isKnown) return;
  const near = known.filter((k) => k.startsWith(s.split('.').slice(0, 2).join('.')));
  c.problem(at, `unknown capability '${s}'${near.length > 0 ? ` (did you mean one of: ${near.join(', ')})` : ` (known: ${known.join(', ')})`}`);
}

/** Read and validate a targets file; throws the first `ConfigError` (all of them via `parseTargets`). */
export async function loadTargets(path: string, options: TargetsCheckOptions = {}): Promise<TargetsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}`, '', path, { cause: e });
  }
  const parsed = parseTargets(text, path, options);
  if (!parsed.ok) throw parsed.error[0] ?? new ConfigError('invalid', '', path);
  return parsed.value;
}

/** The named target, or the file's default; an unknown name is a `ConfigError`. */
export function resolveTarget(file: TargetsFile, name?: string): TargetConfig {
  const wanted = name ?? file.defaultTarget;
  const target = file.targets[wanted];
  if (!target) {
    throw new ConfigError(`no target named '${wanted}' (known: ${Object.keys(file.targets).join(', ')})`, '/targets', file.file);
  }
  return target;
}
