/**
 * Flags of `run` and `list`, parsed strictly: every mistake is a one-line `UsageError` (exit 2)
 * before anything starts.
 */
import { UsageError } from '../errors.ts';
import { type FlagSpecs, integerFlag, parseFlags } from './args.ts';

const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;

/** Filters shared by `run` and `list`. */
export interface CaseFilter {
  /** Case id or title: a case-insensitive substring, or `/regex/`. */
  grep?: string;
  /** Suite ids (`smp/img`) or prefixes of them (`smp`); a case in any of them is kept. */
  suites?: string[];
  /** Keep cases at this level or stricter: MUST ⊂ SHOULD ⊂ MAY. */
  level?: (typeof LEVELS)[number];
}

/** Everything `run` was asked to do. */
export interface RunOptions extends CaseFilter {
  targets: string[];
  /** targets.json path; `isTargetsFileExplicit` says whether the user named it. */
  targetsFile: string;
  isTargetsFileExplicit: boolean;
  /** A twister hardware map to take the targets from instead of targets.json. */
  hardwareMap?: string;
  smp?: string;
  /** Ad-hoc LwM2M target: the address the harness listens on (`coap://HOST:PORT`). */
  lwm2m?: string;
  /** Endpoint client name of the `--lwm2m` device. */
  endpoint?: string;
  out: string;
  isStrict: boolean;
  seed: number;
  faults: string[];
  transport?: 'udp' | 'serial';
  isJson: boolean;
  /** Global bound on one target run. */
  runTimeoutMs: number;
  /** `port`, `certify` or `nightly` (src/cli/run-profile.ts); absent: a plain run. */
  profile?: RunProfileName;
  /** A previous summary.json to compare this run with at its end. */
  baseline?: string;
  /** Exit 1 when the comparison with the baseline finds a regression. */
  isFailOnRegression: boolean;
  /** Rerun a failed case up to this many times; one that then passes is flaky. */
  retries: number;
  /** Run only shard `index` of `count` of the suite files (vitest's own sharding). */
  shard?: { index: number; count: number };
  /** Most target runs at once, each a process of its own; absent: as many as the machine has cores (at least 2). */
  jobs?: number;
  help: boolean;
}

/** The run profiles. */
export const RUN_PROFILES = ['port', 'certify', 'nightly'] as const;

/** One run profile. */
export type RunProfileName = (typeof RUN_PROFILES)[number];

const FILTER_FLAGS = {
  grep: { type: 'string', valueName: 'PATTERN', description: 'case id or title (substring, or /regex/)' },
  suite: { type: 'string', multiple: true, valueName: 'NAME', description: 'suite id or prefix, e.g. smp/img or smp (repeatable)' },
  level: { type: 'string', valueName: 'LEVEL', description: 'MUST, SHOULD (MUST+SHOULD) or MAY (all)' },
} as const satisfies FlagSpecs;

const OUTPUT_FLAGS = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

/** Flags of `run`. */
export const RUN_FLAGS = {
  target: { type: 'string', multiple: true, valueName: 'NAME', description: 'target from targets.json (repeatable; default: its defaultTarget)' },
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  'hardware-map': { type: 'string', valueName: 'MAP.yml', description: 'take the targets from a Zephyr twister hardware map (serial boards)' },
  smp: { type: 'string', valueName: 'CONN', description: 'ad-hoc target: udp://host:port or serial:///dev/tty…?baud=N' },
  lwm2m: { type: 'string', valueName: 'URI', description: 'ad-hoc LwM2M target: listen on coap://HOST:PORT for its registration' },
  endpoint: { type: 'string', valueName: 'NAME', description: 'endpoint client name the --lwm2m device registers with' },
  out: { type: 'string', valueName: 'DIR', description: 'report folder (default reports/)' },
  ...FILTER_FLAGS,
  strict: { type: 'boolean', description: 'SHOULD violations fail instead of passing non-strict' },
  seed: { type: 'string', valueName: 'N', description: 'seed for property cases (default: random, printed)' },
  fault: { type: 'string', multiple: true, valueName: 'NAME', description: 'simulator fault profile (repeatable; sim targets only)' },
  transport: { type: 'string', valueName: 'udp|serial', description: 'simulator transport (default: both, as two runs)' },
  'run-timeout': { type: 'string', valueName: 'S', description: 'bound on one target run in seconds (default 900)' },
  profile: { type: 'string', valueName: 'NAME', description: 'port (all the target enables), certify (fixed required set), nightly (port + --baseline)' },
  baseline: { type: 'string', valueName: 'FILE', description: 'summary.json of an earlier run: compare at the end (reports/diff.json, diff.md)' },
  'fail-on-regression': { type: 'boolean', description: 'exit 1 when the comparison with --baseline finds a regression' },
  retries: { type: 'string', valueName: 'N', description: 'rerun a failed case up to N times; passing on a retry marks it flaky' },
  shard: { type: 'string', valueName: 'I/N', description: 'run shard I of N of the suite files (merge the shards with `merge`)' },
  jobs: { type: 'string', valueName: 'N', description: 'target runs at once, one process each (default: CPU cores, at least 2)' },
  ...OUTPUT_FLAGS,
} as const satisfies FlagSpecs;

/** Flags of `list`. */
export const LIST_FLAGS = { ...FILTER_FLAGS, ...OUTPUT_FLAGS } as const satisfies FlagSpecs;

function parseLevel(command: string, value: string | undefined): CaseFilter['level'] {
  if (value === undefined) return undefined;
  const level = LEVELS.find((l) => l === value.toUpperCase());
  if (!level) throw new UsageError(`${command}: --level expects MUST, SHOULD or MAY, got '${value}'`);
  return level;
}

function checkGrep(command: string, grep: string | undefined): void {
  if (grep === undefined || !/^\/.*\/$/s.test(grep)) return;
  try {
    new RegExp(grep.slice(1, -1), 'i');
  } catch (e) {
    throw new UsageError(`${command}: --grep is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Parse the shared filter flags. */
export function parseFilter(command: string, flags: { grep?: string; suite?: string[]; level?: string }): CaseFilter {
  checkGrep(command, flags.grep);
  const filter: CaseFilter = {};
  if (flags.grep !== undefined) filter.grep = flags.grep;
  if (flags.suite !== undefined) filter.suites = flags.suite.map((s) => s.replace(/\/+$/, ''));
  const level = parseLevel(command, flags.level);
  if (level) filter.level = level;
  return filter;
}

function parseProfile(value: string | undefined): RunProfileName | undefined {
  if (value === undefined) return undefined;
  const profile = RUN_PROFILES.find((p) => p === value);
  if (!profile) throw new UsageError(`run: --profile expects ${RUN_PROFILES.join(', ')}, got '${value}'`);
  return profile;
}

/** `I/N` with 1 ≤ I ≤ N, as vitest's `--shard` takes it. */
export function parseShard(command: string, value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count) throw new UsageError(`${command}: --shard expects I/N with 1 <= I <= N (like 1/2), got '${value}'`);
  return { index, count };
}

/** Parse `run`'s argv; `randomSeed` supplies the default seed (injectable for tests). */
export function parseRunOptions(argv: readonly string[], randomSeed: () => number): RunOptions {
  const { flags } = parseFlags('run', argv, RUN_FLAGS);
  if (flags.transport !== undefined && flags.transport !== 'udp' && flags.transport !== 'serial') {
    throw new UsageError(`run: --transport expects udp or serial, got '${flags.transport}'`);
  }
  const adHoc = [flags.smp !== undefined ? '--smp' : undefined, flags.lwm2m !== undefined ? '--lwm2m' : undefined, (flags.target?.length ?? 0) > 0 ? '--target' : undefined].filter((f) => f !== undefined);
  if (adHoc.length > 1) throw new UsageError(`run: give one of --smp, --lwm2m or --target, not ${adHoc.join(' and ')}`);
  const options: RunOptions = {
    ...parseFilter('run', flags),
    targets: flags.target ?? [],
    targetsFile: flags.targets ?? 'targets.json',
    isTargetsFileExplicit: flags.targets !== undefined,
    ...(flags['hardware-map'] !== undefined ? { hardwareMap: flags['hardware-map'] } : {}),
    out: flags.out ?? 'reports',
    isStrict: flags.strict ?? false,
    seed: flags.seed === undefined ? randomSeed() : integerFlag('run', 'seed', flags.seed, 0, 0x7fffffff),
    faults: flags.fault ?? [],
    isJson: flags.json ?? false,
    runTimeoutMs: 1000 * (flags['run-timeout'] === undefined ? 900 : integerFlag('run', 'run-timeout', flags['run-timeout'], 1, 86_400)),
    isFailOnRegression: flags['fail-on-regression'] ?? false,
    retries: flags.retries === undefined ? 0 : integerFlag('run', 'retries', flags.retries, 0, 10),
    help: flags.help ?? false,
  };
  const profile = parseProfile(flags.profile);
  if (profile !== undefined) options.profile = profile;
  if (flags.baseline !== undefined) options.baseline = flags.baseline;
  const shard = parseShard('run', flags.shard);
  if (shard !== undefined) options.shard = shard;
  if (flags.jobs !== undefined) options.jobs = integerFlag('run', 'jobs', flags.jobs, 1, 64);
  if (flags.smp !== undefined) options.smp = flags.smp;
  if (flags.lwm2m !== undefined) options.lwm2m = flags.lwm2m;
  if (flags.endpoint !== undefined) options.endpoint = flags.endpoint;
  if (flags.transport !== undefined) options.transport = flags.transport;
  return options;
}
