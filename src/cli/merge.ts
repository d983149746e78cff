/**
 * `mgmt-conformance merge [--out DIR] SHARD_DIR...`: one set of reports from the report folders
 * of a sharded run (`run --shard I/N`, on one machine or several). Each shard kept vitest's blob
 * report per target run (`blobs/<target run>/shard-I-of-N.blob`) and the plan it ran
 * (`plan.json`); vitest's own `mergeReports` replays the blobs of each target run through the
 * same reporters a run uses, so summary.json, JUnit and the Allure results come out as an
 * unsharded run writes them. A shard run in another checkout has its blob's absolute paths moved
 * to the merging checkout first (each shard records its root in `origin.json`). Identity and capabilities come from the shards' summary.json.
 * Exit 0 no failure, 1 a case failed or broke, 2 usage error or unusable shard folders.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputFileError, UsageError } from '../errors.ts';
import {
  buildTargetSummary,
  type CaseRecord,
  type ExtendedSummary,
  readSummaryFile,
  renderConsoleSummary,
  type RunSummary,
  runHasFailures,
  type SummaryTarget,
  toCaseSummary,
  writeAllureResultFromRecord,
  writeFileAtomic,
  writeJsonAtomic,
} from '../reporting/index.ts';
import { junitFileName, renderJUnit } from '../reporting/junit.ts';
import { CaseCollector, ConformanceAllureReporter } from '../reporting/vitest-reporters.ts';
import { type CliIo, formatFlagHelp, parseFlags } from './args.ts';
import { type ShardOrigin, shardOriginFile } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';
import { openVitest, PACKAGE_ROOT } from './run-vitest.ts';

const FLAGS = {
  out: { type: 'string', valueName: 'DIR', description: 'where the merged reports go (default reports/)' },
  json: { type: 'boolean', description: 'print the merged summary.json' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

const HELP = `Usage: mgmt-conformance merge [options] SHARD_DIR...

Merge the report folders of a sharded run (run --shard I/N --out SHARD_DIR) into
one summary.json, junit-<target>.xml and allure-results/, as one unsharded run
writes them (vitest's blob reports, replayed with vitest's mergeReports).
Exit code: 0 no failure, 1 a case failed or broke, 2 usage error or a folder
that is not a shard's report folder.

Options:
${formatFlagHelp(FLAGS)}
`;

/** One blob report and the checkout it was made in (unknown for shards that did not record it). */
interface ShardBlob {
  path: string;
  root?: string;
}

/** One target run across the shards. */
interface MergedTargetRun {
  plan: TargetRunPlan;
  blobs: ShardBlob[];
  /** The shards' summaries of this target run (identity, capabilities, cases they filled in). */
  parts: SummaryTarget[];
}

/** The checkout root a shard recorded for a target run's blob, if it did. */
function readOrigin(dir: string, key: string): string | undefined {
  const file = shardOriginFile(dir, key);
  if (!existsSync(file)) return undefined;
  try {
    const origin = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShardOrigin>;
    return typeof origin.root === 'string' && isAbsolute(origin.root) ? origin.root : undefined;
  } catch (e) {
    throw new InputFileError(file, `cannot read where the shard ran (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * A blob report's text with the absolute paths under `from` (the checkout the shard ran in) moved
 * under `to`: vitest's blob reports name test files and modules by absolute path, and the replay
 * resolves them in the merging checkout. Paths appear as JSON strings, alone or inside longer
 * text (stack traces, file URLs).
 */
export function relocateBlob(text: string, from: string, to: string): string {
  const a = JSON.stringify(resolve(from)).slice(1, -1);
  const b = JSON.stringify(resolve(to)).slice(1, -1);
  if (a === b) return text;
  return text.split(`${a}/`).join(`${b}/`).split(`"${a}"`).join(`"${b}"`);
}

function readShard(dir: string): { summary: ExtendedSummary; runs: { plan: TargetRunPlan; blob: ShardBlob[] }[] } {
  const summary = readSummaryFile(join(dir, 'summary.json'));
  const blobsDir = join(dir, 'blobs');
  if (!existsSync(blobsDir)) throw new InputFileError(blobsDir, 'missing: not the report folder of a `run --shard I/N`');
  const runs = readdirSync(blobsDir).map((key) => {
    const planFile = join(blobsDir, key, 'plan.json');
    let plan: TargetRunPlan;
    try {
      plan = JSON.parse(readFileSync(planFile, 'utf8')) as TargetRunPlan;
    } catch (e) {
      throw new InputFileError(planFile, `cannot read the shard's target run plan (${e instanceof Error ? e.message : String(e)})`);
    }
    const root = readOrigin(dir, key);
    const blob = readdirSync(join(blobsDir, key))
      .filter((f) => f.endsWith('.blob'))
      .map((f) => ({ path: join(blobsDir, key, f), ...(root !== undefined ? { root } : {}) }));
    return { plan, blob };
  });
  return { summary, runs };
}

function groupRuns(shards: readonly ReturnType<typeof readShard>[]): MergedTargetRun[] {
  const byKey = new Map<string, MergedTargetRun>();
  for (const shard of shards) {
    for (const { plan, blob } of shard.runs) {
      const entry = byKey.get(plan.key) ?? { plan, blobs: [], parts: [] };
      entry.blobs.push(...blob);
      const part = shard.summary.targets.find((t) => t.name === plan.target.name && t.transport === plan.transport);
      if (part) entry.parts.push(part);
      byKey.set(plan.key, entry);
    }
  }
  return [...byKey.values()];
}

/** Replay one target run's blobs through the run's reporters; returns its records. */
async function replay(run: MergedTargetRun, outDir: string, workDir: string, root: string): Promise<{ records: CaseRecord[]; problems: string[] }> {
  const dir = join(workDir, run.plan.key);
  mkdirSync(dir, { recursive: true });
  // A shard made in another checkout (another folder, another machine) names its files there.
  run.blobs.forEach((b, i) => {
    const target = join(dir, `${i}.blob`);
    if (b.root === undefined) copyFileSync(b.path, target);
    else writeFileSync(target, relocateBlob(readFileSync(b.path, 'utf8'), b.root, root));
  });
  const ids = new Set(run.parts.flatMap((p) => p.cases.map((c) => c.id)));
  const required = run.plan.requiredCapabilities ? { requiredCapabilities: run.plan.requiredCapabilities } : {};
  const collector = new CaseCollector({ root, onlyIds: ids, ...required });
  const target = { name: run.plan.target.name, transport: run.plan.transport };
  const allure = new ConformanceAllureReporter({ resultsDir: join(outDir, 'allure-results'), target, environmentInfo: { node: process.version, seed: String(run.plan.seed) }, ...required });
  const vitest = await openVitest(root, [collector, allure], undefined, { mergeReports: dir });
  try {
    const result = await vitest.mergeReports();
    return { records: collector.records, problems: result.unhandledErrors.map((e) => (e instanceof Error ? e.message : String(e))) };
  } finally {
    await vitest.close();
  }
}

/** Merge one target run: replayed cases, plus any a shard filled in without running (its target never started). */
async function mergeTargetRun(run: MergedTargetRun, outDir: string, workDir: string, root: string): Promise<SummaryTarget> {
  const { records, problems } = run.blobs.length > 0 ? await replay(run, outDir, workDir, root) : { records: [], problems: [] };
  const seen = new Set(records.map((r) => r.id));
  const target = { name: run.plan.target.name, transport: run.plan.transport };
  const filledIn: CaseRecord[] = run.parts
    .flatMap((p) => p.cases)
    .filter((c) => !seen.has(c.id) && seen.add(c.id))
    .map((c) => ({ ...c, protocol: run.plan.protocols.includes('lwm2m') ? 'LwM2M' : 'SMP', group: '', command: '', requirement: '', stimulus: '', suite: '' }));
  for (const r of filledIn) writeAllureResultFromRecord(join(outDir, 'allure-results'), r, target);
  const all = [...records, ...filledIn];
  const errors = [...new Set([...run.parts.flatMap((p) => (p.error !== undefined ? [p.error] : [])), ...problems])];
  const error = errors.length > 0 ? errors.join('; ') : undefined;
  const info = run.parts.find((p) => Object.keys(p.identity).length > 0) ?? run.parts[0];
  const capabilities = [...new Set(run.parts.flatMap((p) => p.capabilities))];
  const startedAt = new Date().toISOString();
  writeFileAtomic(join(outDir, junitFileName(run.plan.key)), renderJUnit({ ...target, startedAt, cases: all, ...(error !== undefined ? { error } : {}) }));
  return buildTargetSummary({ ...target, identity: info?.identity ?? {}, capabilities, ...(info?.timing ? { timing: info.timing } : {}), cases: all.map(toCaseSummary), ...(error !== undefined ? { error } : {}) });
}

function mergedSummary(shards: readonly ExtendedSummary[], targets: SummaryTarget[]): RunSummary {
  const first = shards[0]!;
  const seeds = new Set(shards.map((s) => s.seed));
  if (seeds.size > 1) throw new UsageError(`merge: the shards ran with different seeds (${[...seeds].join(', ')}); run every shard with the same --seed`);
  const counts = new Set(shards.map((s) => s.shard?.split('/')[1]));
  if (counts.size > 1) throw new UsageError(`merge: the folders come from different shardings (${shards.map((s) => s.shard ?? 'unsharded').join(', ')})`);
  const profiles = new Set(shards.map((s) => s.profile));
  return {
    schemaVersion: 1,
    tool: first.tool,
    startedAt: shards.map((s) => s.startedAt).sort()[0] ?? first.startedAt,
    durationMs: Math.max(...shards.map((s) => s.durationMs)),
    seed: first.seed,
    targets,
    ...(profiles.size === 1 && first.profile !== undefined ? { profile: first.profile } : {}),
    ...(shards.some((s) => s.interrupted === true) ? { interrupted: true } : {}),
  };
}

/** Run `merge`; returns the exit code. `root`: the folder with vitest.config.ts (tests use a fixture project). */
export async function mergeCommand(argv: string[], io: CliIo, root = PACKAGE_ROOT): Promise<number> {
  const { flags, positionals } = parseFlags('merge', argv, FLAGS, 1000);
  if (flags.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('merge: needs the report folders of the shards (see mgmt-conformance merge --help)');
  const outDir = resolve(flags.out ?? 'reports');
  const dirs = positionals.map((d) => resolve(d));
  if (dirs.includes(outDir)) throw new UsageError(`merge: --out ${outDir} is one of the shard folders; merge into a folder of its own`);
  const shards = dirs.map(readShard);
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) if (/^junit-.*\.xml$/.test(name)) rmSync(join(outDir, name), { force: true });
  rmSync(join(outDir, 'allure-results'), { recursive: true, force: true });
  const workDir = join(outDir, '.merge');
  rmSync(workDir, { recursive: true, force: true });
  try {
    // Checked before anything is written: the shards must belong to one run.
    const summary = mergedSummary(shards.map((s) => s.summary), []);
    for (const run of groupRuns(shards)) summary.targets.push(await mergeTargetRun(run, outDir, workDir, root));
    writeJsonAtomic(join(outDir, 'summary.json'), summary);
    io.stdout(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderConsoleSummary(summary)}Merged ${dirs.length} shard(s) into ${outDir}\n`);
    return runHasFailures(summary) ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
