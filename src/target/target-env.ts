/**
 * The target a conformance worker talks to, as the `run` command hands it over in `MGMT_TARGET`
 * (JSON; the CLI's `TargetEnvironment`). When `MGMT_TARGET` is absent, the worker uses the
 * built-in simulator, so `npx vitest run --project conformance` works on a fresh checkout.
 */
import { SIM_DEFAULT_BUDGETS } from '../config/budgets.ts';
import { err, ok, type Result } from '../core/result.ts';
import { ConfigError } from '../errors.ts';

/** Target kinds a session can open. */
export type ResolvedTargetKind = 'sim' | 'udp' | 'serial' | 'process';

/** The resolved target (what `MGMT_TARGET` carries), defaults filled in. */
export interface ResolvedTarget {
  name: string;
  kind: ResolvedTargetKind;
  /**
   * Connection string the session opens. For `sim`, the endpoint the CLI started the simulator
   * on; absent → the worker starts a simulator of its own (direct vitest runs).
   */
  smp: string | undefined;
  /** `udp`, `udp6`, `serial`: for a worker-started simulator, which endpoint to use. */
  transport: string;
  /** Capabilities declared in targets.json. */
  capabilities: string[];
  /** Per-request timeout. */
  timeoutMs: number;
  strict: boolean;
  seed: number;
  /** Simulator fault profiles (worker-started simulator only; the CLI applies them itself). */
  faults: string[];
  /** Destructive cases (reset, erase) may run. */
  allowDestructive: boolean;
  /** How long to wait for the device's first answer. */
  readyTimeoutMs: number;
  /**
   * Timing budgets from targets.json (src/config/budgets.ts names them). Without a `budgets` key
   * a `sim` target gets the simulator's defaults; other kinds get none (timing informational).
   */
  budgets: Record<string, number>;
}

const KINDS: readonly ResolvedTargetKind[] = ['sim', 'udp', 'serial', 'process'];
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_READY_MS = 10_000;

function problem(message: string, pointer: string): ConfigError {
  return new ConfigError(message, pointer, 'MGMT_TARGET');
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function positive(o: Record<string, unknown>, key: string, fallback: number): Result<number, ConfigError> {
  const v = o[key];
  if (v === undefined) return ok(fallback);
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) return err(problem(`${key} must be a positive integer`, `/${key}`));
  return ok(v);
}

function strings(o: Record<string, unknown>, key: string): Result<string[], ConfigError> {
  const v = o[key];
  if (v === undefined) return ok([]);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return err(problem(`${key} must be a list of strings`, `/${key}`));
  return ok(v as string[]);
}

function budgets(o: Record<string, unknown>, kind: unknown): Result<Record<string, number>, ConfigError> {
  const v = o['budgets'];
  if (v === undefined) return ok(kind === 'sim' ? { ...SIM_DEFAULT_BUDGETS } : {});
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err(problem('budgets must be an object of names to positive numbers', '/budgets'));
  const entries = Object.entries(v as Record<string, unknown>);
  const bad = entries.find(([, n]) => typeof n !== 'number' || !(n > 0));
  if (bad) return err(problem(`budget ${bad[0]} must be a positive number`, `/budgets/${bad[0]}`));
  return ok(Object.fromEntries(entries) as Record<string, number>);
}

/** A random run seed (31 bits, the range fast-check takes). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Parse the target description; `env` supplies `MGMT_SEED` and `MGMT_NO_DESTRUCTIVE` overrides. */
export function parseTargetEnv(text: string | undefined, env: Record<string, string | undefined> = {}): Result<ResolvedTarget, ConfigError> {
  let raw: unknown = { name: 'sim', kind: 'sim' };
  if (text !== undefined && text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return err(problem(`not JSON: ${(e as Error).message}`, ''));
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return err(problem('must be a JSON object', ''));
  const o = raw as Record<string, unknown>;
  const kind = o['kind'] ?? 'sim';
  if (!KINDS.includes(kind as ResolvedTargetKind)) return err(problem(`kind ${JSON.stringify(kind)} is not one of ${KINDS.join(', ')}`, '/kind'));
  const smp = optionalString(o, 'smp');
  if (kind !== 'sim' && smp === undefined) return err(problem(`a ${String(kind)} target needs "smp" (a connection string)`, '/smp'));
  const timeoutMs = positive(o, 'timeoutMs', DEFAULT_TIMEOUT_MS);
  if (!timeoutMs.ok) return timeoutMs;
  const readyTimeoutMs = positive(o, 'readyTimeoutMs', DEFAULT_READY_MS);
  if (!readyTimeoutMs.ok) return readyTimeoutMs;
  const capabilities = strings(o, 'capabilities');
  if (!capabilities.ok) return capabilities;
  const faults = strings(o, 'faults');
  if (!faults.ok) return faults;
  const budgetsOf = budgets(o, kind);
  if (!budgetsOf.ok) return budgetsOf;
  const seedText = env['MGMT_SEED'];
  const seed = seedText !== undefined && /^\d+$/.test(seedText) ? Number(seedText) : typeof o['seed'] === 'number' ? o['seed'] : randomSeed();
  return ok({
    name: optionalString(o, 'name') ?? String(kind),
    kind: kind as ResolvedTargetKind,
    smp,
    transport: optionalString(o, 'transport') ?? (smp?.startsWith('serial:') ? 'serial' : 'udp'),
    capabilities: capabilities.value,
    timeoutMs: timeoutMs.value,
    strict: o['strict'] === true || env['MGMT_STRICT'] === '1',
    seed,
    faults: faults.value,
    allowDestructive: o['allowDestructive'] !== false && env['MGMT_NO_DESTRUCTIVE'] !== '1',
    readyTimeoutMs: readyTimeoutMs.value,
    budgets: budgetsOf.value,
  });
}

/** The target of this process, from `MGMT_TARGET` (throws `ConfigError` when it is invalid). */
export function targetFromEnv(env: Record<string, string | undefined> = process.env): ResolvedTarget {
  const parsed = parseTargetEnv(env['MGMT_TARGET'], env);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
