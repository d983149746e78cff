/**
 * targets.json: which devices a run talks to and how. Validated by hand so that every problem
 * names its place in the file as a JSON pointer; unknown keys are errors (typos must not pass).
 */
import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../core/result.ts';
import { ConfigError } from '../errors.ts';
import { BUDGET_NAMES, SIM_DEFAULT_BUDGETS, isBudgetName } from './budgets.ts';
import { ConfigChecker, childPointer, describeJson } from './checker.ts';
import { locateJsonError } from './json-locate.ts';
import { checkLwm2m, type Lwm2mTargetOptions } from './lwm2m-target.ts';

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
}

/** A device started as a local process (e.g. a native_sim build) and reached at `smp`. */
export interface ProcessTargetOptions {
  command: string[];
  cwd?: string;
  readyTimeoutMs?: number;
}

/** One validated target, defaults filled in. */
export interface TargetConfig {
  name: string;
  description?: string;
  kind: TargetKind;
  /** SMP connection string (udp, serial and process kinds; optional for a target with only an `lwm2m` side). */
  smp?: string;
  sim?: SimTargetOptions;
  process?: ProcessTargetOptions;
  /** The LwM2M side: the harness is the server the device registers with (any kind). */
  lwm2m?: Lwm2mTargetOptions;
  /** Capabilities the target declares; a declared one the device lacks is a failure. */
  capabilities: string[];
  timeoutMs: number;
  strict: boolean;
  /**
   * Timing budgets (names in `BUDGETS`, src/config/budgets.ts) the `SMP-TIME-*` cases enforce; a
   * `sim` target without the key gets `SIM_DEFAULT_BUDGETS`, an empty object turns them off.
   */
  budgets: Record<string, number>;
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
  /** Capability names the harness knows (`lwm2m.obj.<id>` stands for every object id); a declared name outside it is a typo. */
  knownCapabilities?: readonly string[];
}

/** Per-request timeout of a target that names none (targets.json `timeoutMs`, `--timeout`). */
export const DEFAULT_TIMEOUT_MS = 2000;
const SIM_DEFAULTS: SimTargetOptions = { transports: ['udp', 'serial'], faults: [], errorForm: 'v2', bufSize: 2048, bufCount: 2 };
/** Lifetime of the simulated LwM2M client, as the captured Zephyr sample asks for. */
const SIM_LWM2M_DEFAULT_LIFETIME_S = 30;
const TOP_KEYS = ['schemaVersion', 'defaultTarget', 'targets'] as const;
const TARGET_KEYS = ['description', 'kind', 'smp', 'sim', 'process', 'lwm2m', 'capabilities', 'timeoutMs', 'strict', 'budgets'] as const;
const SIM_KEYS = ['transports', 'faults', 'errorForm', 'bufSize', 'bufCount', 'lwm2m'] as const;
const SIM_LWM2M_KEYS = ['versions', 'lifetimeS'] as const;
const PROCESS_KEYS = ['command', 'cwd', 'readyTimeoutMs'] as const;
// `lwm2m` (registered) is a whole name; every other one is dotted (`smp.os.echo`, `lwm2m.obj.5`).
const CAPABILITY_NAME = /^(?:lwm2m|[a-z][a-z0-9]*(?:\.[a-z0-9][a-z0-9_-]*)+)$/;

/** What the built-in simulator declares: the capabilities discovery cannot probe harmlessly. */
export const SIM_DECLARED_CAPABILITIES: readonly string[] = ['smp.os.reset', 'smp.zephyr.storage-erase'];

/** The file used when none is given and ./targets.json does not exist: the built-in simulator. */
export function builtInTargets(): TargetsFile {
  const sim: TargetConfig = {
    name: 'sim',
    description: 'Built-in reference simulators: SMP over UDP and a pseudo-terminal, the LwM2M client in 1.0 and 1.1 modes',
    kind: 'sim',
    sim: { ...SIM_DEFAULTS, transports: [...SIM_DEFAULTS.transports], faults: [], lwm2m: { versions: [...SIM_LWM2M_VERSIONS], lifetimeS: SIM_LWM2M_DEFAULT_LIFETIME_S } },
    // Reset and storage erase cannot be probed without side effects, so a target declares them;
    // the simulator has both (same as the sim entry in the repository's targets.json).
    capabilities: [...SIM_DECLARED_CAPABILITIES],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    strict: false,
    budgets: { ...SIM_DEFAULT_BUDGETS },
  };
  return { schemaVersion: 1, defaultTarget: 'sim', targets: { sim }, file: '(built-in)' };
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
  const c = new ConfigChecker(file);
  const top = c.object(json, '');
  if (!top) return err(c.errors);
  c.onlyKeys(top, '', TOP_KEYS);
  if (top['schemaVersion'] !== 1) c.problem('/schemaVersion', `expected 1, got ${describeJson(top['schemaVersion'])}`);
  const targets: Record<string, TargetConfig> = {};
  const rawTargets = c.object(top['targets'], '/targets');
  for (const [name, raw] of Object.entries(rawTargets ?? {})) {
    const target = checkTarget(c, name, raw, options);
    if (target) targets[name] = target;
  }
  const defaultTarget = c.string(top['defaultTarget'], '/defaultTarget');
  if (defaultTarget !== undefined && rawTargets && !(defaultTarget in rawTargets)) {
    c.problem('/defaultTarget', `no target named '${defaultTarget}' (known: ${Object.keys(rawTargets).join(', ') || 'none'})`);
  }
  if (c.errors.length > 0 || defaultTarget === undefined) return err(c.errors);
  return ok({ schemaVersion: 1, defaultTarget, targets, file });
}

function checkTarget(c: ConfigChecker, name: string, raw: unknown, options: TargetsCheckOptions): TargetConfig | undefined {
  const at = childPointer('/targets', name);
  const t = c.object(raw, at);
  if (!t) return undefined;
  const before = c.errors.length;
  c.onlyKeys(t, at, TARGET_KEYS);
  const kind = c.oneOf(t['kind'], `${at}/kind`, TARGET_KINDS);
  const out: TargetConfig = {
    name,
    kind: kind ?? 'sim',
    capabilities: t['capabilities'] === undefined ? [] : (c.stringArray(t['capabilities'], `${at}/capabilities`, (s, p) => checkCapability(c, s, p, options.knownCapabilities)) ?? []),
    timeoutMs: t['timeoutMs'] === undefined ? DEFAULT_TIMEOUT_MS : (c.positiveNumber(t['timeoutMs'], `${at}/timeoutMs`) ?? 0),
    strict: t['strict'] === undefined ? false : (c.boolean(t['strict'], `${at}/strict`) ?? false),
    budgets: t['budgets'] === undefined ? (kind === 'sim' ? { ...SIM_DEFAULT_BUDGETS } : {}) : checkBudgets(c, t['budgets'], `${at}/budgets`),
  };
  if (t['description'] !== undefined) {
    const d = c.string(t['description'], `${at}/description`);
    if (d !== undefined) out.description = d;
  }
  if (kind !== undefined) checkKindFields(c, kind, t, at, out, options);
  if (t['lwm2m'] !== undefined) {
    const lwm2m = checkLwm2m(c, t['lwm2m'], `${at}/lwm2m`);
    if (lwm2m) out.lwm2m = lwm2m;
  }
  return c.errors.length === before ? out : undefined;
}

function checkKindFields(c: ConfigChecker, kind: TargetKind, t: Record<string, unknown>, at: string, out: TargetConfig, options: TargetsCheckOptions): void {
  const misplaced = (key: string, owner: string): void => {
    if (t[key] !== undefined) c.problem(`${at}/${key}`, `'${key}' belongs to kind ${owner}, but this target is kind "${kind}"`);
  };
  if (kind === 'sim') {
    misplaced('smp', '"udp", "serial" or "process"');
    misplaced('process', '"process"');
    out.sim = checkSim(c, t['sim'], `${at}/sim`, options);
    return;
  }
  misplaced('sim', '"sim"');
  if (kind !== 'process') misplaced('process', '"process"');
  if (t['smp'] === undefined) {
    // A device that only speaks LwM2M (an lwm2m_client build) is reached through its registration.
    if (t['lwm2m'] === undefined) c.problem(`${at}/smp`, `kind "${kind}" needs a connection string (udp://HOST:PORT or serial:///dev/PATH), or an "lwm2m" block for a device that only speaks LwM2M`);
  } else {
    const smp = checkConnection(c, t['smp'], `${at}/smp`, kind, options);
    if (smp !== undefined) out.smp = smp;
  }
  if (kind === 'process') {
    const p = checkProcess(c, t['process'], `${at}/process`);
    if (p) out.process = p;
  }
}

function checkConnection(c: ConfigChecker, value: unknown, at: string, kind: TargetKind, options: TargetsCheckOptions): string | undefined {
  const s = c.string(value, at);
  if (s === undefined) return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s)?.[1];
  if (scheme === undefined) {
    c.problem(at, `expected a connection string like udp://127.0.0.1:1337 or serial:///dev/ttyACM0, got ${describeJson(s)}`);
    return undefined;
  }
  if (scheme !== 'udp' && scheme !== 'serial') {
    c.problem(at, `unknown scheme '${scheme}' (expected udp:// or serial://)`);
    return undefined;
  }
  if (kind !== 'process' && scheme !== kind) {
    c.problem(at, `kind "${kind}" needs a ${kind}:// connection string, got ${describeJson(s)}`);
    return undefined;
  }
  const problem = options.checkConnection?.(s);
  if (problem !== undefined) {
    c.problem(at, problem);
    return undefined;
  }
  return s;
}

function checkSim(c: ConfigChecker, value: unknown, at: string, options: TargetsCheckOptions): SimTargetOptions {
  const sim: SimTargetOptions = { ...SIM_DEFAULTS, transports: [...SIM_DEFAULTS.transports], faults: [] };
  if (value === undefined) return sim;
  const o = c.object(value, at);
  if (!o) return sim;
  c.onlyKeys(o, at, SIM_KEYS);
  if (o['transports'] !== undefined) {
    const list = c.stringArray(o['transports'], `${at}/transports`, (s, p) => c.oneOf(s, p, SIM_TRANSPORTS) !== undefined);
    if (list?.length === 0) c.problem(`${at}/transports`, 'expected at least one transport');
    if (list) sim.transports = list as SimTransport[];
  }
  if (o['faults'] !== undefined) {
    const known = options.knownFaults;
    const check = (s: string, p: string): boolean => {
      // A profile may carry a parameter after a colon: `slow-replies:200`.
      if (!known || known.includes(s.split(':')[0] ?? s)) return true;
      c.problem(p, `unknown fault '${s}' (known: ${known.join(', ')})`);
      return false;
    };
    sim.faults = c.stringArray(o['faults'], `${at}/faults`, check) ?? [];
  }
  if (o['lwm2m'] !== undefined) {
    const lwm2m = checkSimLwm2m(c, o['lwm2m'], `${at}/lwm2m`);
    if (lwm2m) sim.lwm2m = lwm2m;
  }
  if (o['errorForm'] !== undefined) sim.errorForm = c.oneOf(o['errorForm'], `${at}/errorForm`, ['v1', 'v2'] as const) ?? 'v2';
  if (o['bufSize'] !== undefined) sim.bufSize = c.positiveInteger(o['bufSize'], `${at}/bufSize`) ?? sim.bufSize;
  if (o['bufCount'] !== undefined) sim.bufCount = c.positiveInteger(o['bufCount'], `${at}/bufCount`) ?? sim.bufCount;
  return sim;
}

function checkSimLwm2m(c: ConfigChecker, value: unknown, at: string): SimLwm2mOptions | undefined {
  const o = c.object(value, at);
  if (!o) return undefined;
  c.onlyKeys(o, at, SIM_LWM2M_KEYS);
  const out: SimLwm2mOptions = { versions: [...SIM_LWM2M_VERSIONS], lifetimeS: SIM_LWM2M_DEFAULT_LIFETIME_S };
  if (o['versions'] !== undefined) {
    const list = c.stringArray(o['versions'], `${at}/versions`, (s, p) => c.oneOf(s, p, SIM_LWM2M_VERSIONS) !== undefined);
    const isEmpty = Array.isArray(o['versions']) && o['versions'].length === 0;
    if (isEmpty) c.problem(`${at}/versions`, 'expected at least one LwM2M version (or leave out "lwm2m" to run SMP only)');
    if (list && !isEmpty) out.versions = [...new Set(list)] as SimLwm2mVersion[];
  }
  if (o['lifetimeS'] !== undefined) out.lifetimeS = c.positiveInteger(o['lifetimeS'], `${at}/lifetimeS`) ?? out.lifetimeS;
  return out;
}

function checkProcess(c: ConfigChecker, value: unknown, at: string): ProcessTargetOptions | undefined {
  if (value === undefined) {
    c.problem(at, 'kind "process" needs {"command": ["program", "arg", …]}');
    return undefined;
  }
  const o = c.object(value, at);
  if (!o) return undefined;
  c.onlyKeys(o, at, PROCESS_KEYS);
  const command = c.stringArray(o['command'], `${at}/command`);
  if (command?.length === 0) c.problem(`${at}/command`, 'expected at least the program name');
  const out: ProcessTargetOptions = { command: command ?? [] };
  if (o['cwd'] !== undefined) {
    const cwd = c.string(o['cwd'], `${at}/cwd`);
    if (cwd !== undefined) out.cwd = cwd;
  }
  if (o['readyTimeoutMs'] !== undefined) {
    const ms = c.positiveNumber(o['readyTimeoutMs'], `${at}/readyTimeoutMs`);
    if (ms !== undefined) out.readyTimeoutMs = ms;
  }
  return out;
}

function checkCapability(c: ConfigChecker, s: string, at: string, known: readonly string[] | undefined): boolean {
  if (!CAPABILITY_NAME.test(s)) {
    c.problem(at, `expected a capability name like "smp.os.echo", got ${describeJson(s)}`);
    return false;
  }
  const isKnown = (name: string): boolean => known === undefined || known.includes(name) || (/^lwm2m\.obj\.(0|[1-9]\d{0,4})$/.test(name) && known.includes('lwm2m.obj.<id>'));
  if (known && !isKnown(s)) {
    const near = known.filter((k) => k.startsWith(s.split('.').slice(0, 2).join('.')));
    c.problem(at, `unknown capability '${s}'${near.length > 0 ? ` (did you mean one of: ${near.join(', ')})` : ` (known: ${known.join(', ')})`}`);
    return false;
  }
  return true;
}

function checkBudgets(c: ConfigChecker, value: unknown, at: string): Record<string, number> {
  const o = c.object(value, at);
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(o ?? {})) {
    if (!isBudgetName(key)) {
      c.problem(childPointer(at, key), `unknown budget '${key}' (known: ${BUDGET_NAMES.join(', ')})`);
      continue;
    }
    const n = c.positiveNumber(v, childPointer(at, key));
    if (n !== undefined) out[key] = n;
  }
  return out;
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
