/**
 * Self-test: the conformance suites against the built-in simulator, through the real CLI.
 * With no fault every case passes; with each fault profile on, the cases the profile names in
 * `caughtBy` fail and nothing else does. This is what makes the harness's verdicts worth trusting
 * (DESIGN.md: "It catches real faults" / "It does not cry wolf"). Picks up whatever suites and
 * profiles exist; runs at most two CLI processes at a time, each with the targets of several
 * profiles (test/selftest/profile-plan.ts).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/reporting/atomic-write.ts';
import { checkSummary } from '../../src/reporting/summary-schema.ts';
import type { Level, RunSummary } from '../../src/reporting/summary.ts';
import { FAULT_PROFILES, type FaultProfile } from '../../src/simulator/faults.ts';
import { LWM2M_FAULT_PROFILES } from '../../src/simulator/lwm2m-client/faults.ts';
import { type CliRun, PACKAGE_ROOT, pool, readSummary, runCli } from './cli-runner.ts';
import { judgeProfile, uncaughtCatchers } from './profile-check.ts';
import { mergeBatches, type ProfileBatch, runWeight } from './profile-plan.ts';
import {
  isBootstrapProfile,
  needsSmallBuffer,
  SMALL_BUF_SIZE,
  SMALL_BUFFER_CASES,
  SMALL_BUFFER_CLEAN_TARGET,
  smallBufferCleanTarget,
  targetName,
  targetOf,
} from './profile-targets.ts';

/** CLI runs at once (each runs up to two target processes: the CLI's default on 2 cores). */
const CONCURRENCY = 2;
/** `SELFTEST_PROFILES=a,b` limits the run to those profiles (while working on one fault). */
const ONLY = process.env['SELFTEST_PROFILES']?.split(',').filter((n) => n !== '');
// Profiles with `provedBy` (hostile targets, device deaths) test the harness, not a case: their effect is a run that
// ends in time with every case judged and intact reports (or a certificate that stays inert), which
// the file each one names proves; a case verdict cannot state it, so they stay out of this sweep.
const isProvedElsewhere = (p: { provedBy?: string }): boolean => p.provedBy !== undefined;
const SMP_SELFTEST = FAULT_PROFILES.filter((p) => !isProvedElsewhere(p));
const PROFILES = ONLY ? SMP_SELFTEST.filter((p) => ONLY.includes(p.name)) : SMP_SELFTEST;
const LWM2M_PROFILES = ONLY ? LWM2M_FAULT_PROFILES.filter((p) => ONLY.includes(p.name)) : LWM2M_FAULT_PROFILES;
/** Client versions an LwM2M profile runs on first; a profile not fully caught there runs on the other. */
const LWM2M_FIRST = 'lwm2m-1.1';
const LWM2M_AGAIN = 'lwm2m-1.0';
// A bound, not a cost: the clean run of four targets takes about 2 min on an idle machine, longer beside other test files.
const RUN_TIMEOUT_S = 240;
const CHILD_BOUND_MS = (RUN_TIMEOUT_S * 2 + 30) * 1000;
const SEED = '1';

interface ListedCase {
  id: string;
  suite: string;
  level: Level;
}

/** One profile's share of a CLI run: its own target in the run's summary. */
interface ProfileRun {
  transport: string;
  cli: CliRun;
  summary: RunSummary | undefined;
}

type Profile = FaultProfile;
const ALL_PROFILES: readonly Profile[] = [...PROFILES, ...LWM2M_PROFILES];

/** One CLI invocation: a target per profile (and the fault-free small-buffer target where asked), on the same suites. */
interface PlannedRun extends ProfileBatch<Profile> {
  transport: string;
  withSmallBufferClean: boolean;
}

const work = mkdtempSync(join(tmpdir(), 'selftest-'));
let listed: ListedCase[] = [];
let listRun: CliRun | undefined;
let clean: ProfileRun | undefined;
const profileRuns = new Map<string, ProfileRun[]>();
const smallBufferCleanRuns: ProfileRun[] = [];
const timings: { name: string; transport: string; targets: number; cases: number; durationMs: number; code: number | null }[] = [];
let batchCount = 0;

function caseIds(): Set<string> {
  return new Set(listed.map((c) => c.id));
}

function runnable(p: Profile): boolean {
  const known = caseIds();
  return p.caughtBy.length > 0 && p.caughtBy.every((id) => known.has(id));
}

function suitesOf(ids: readonly string[]): string[] {
  return [...new Set(listed.filter((c) => ids.includes(c.id)).map((c) => c.suite))].sort();
}

function casesIn(suites: readonly string[]): number {
  return listed.filter((c) => suites.includes(c.suite)).length;
}

function ownSummary(summary: RunSummary | undefined, name: string): RunSummary | undefined {
  return summary ? { ...summary, targets: summary.targets.filter((t) => t.name === name) } : undefined;
}

/**
 * Run several profiles in one CLI invocation: one simulator target per profile (each its own
 * process, with its fault on), all running the same suites. One start-up and one case collection
 * serve the whole run, which is most of the cost of a small run.
 */
async function runPlanned(run: PlannedRun): Promise<void> {
  const { profiles, transport, suites } = run;
  const n = batchCount++;
  const file = join(work, `batch-${n}.json`);
  const targets: Record<string, unknown> = Object.fromEntries(profiles.map((p) => [targetName(p), targetOf(transport, p)]));
  if (run.withSmallBufferClean) targets[SMALL_BUFFER_CLEAN_TARGET] = smallBufferCleanTarget(transport);
  const names = Object.keys(targets);
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: names[0], targets }));
  const out = join(work, `batch-${n}`);
  const args = ['run', '--targets', file, ...names.flatMap((t) => ['--target', t]), ...suites.flatMap((s) => ['--suite', s])];
  const rounds = Math.ceil(names.length / CONCURRENCY);
  const cli = await runCli([...args, '--out', out, '--json', '--seed', SEED, '--run-timeout', String(RUN_TIMEOUT_S)], CHILD_BOUND_MS * rounds);
  timings.push({ name: names.join(','), transport, targets: names.length, cases: casesIn(suites), durationMs: cli.durationMs, code: cli.code });
  const summary = readSummary(out);
  // Only summary.json is read: the run's reports (thousands of Allure files) go now, not all at the end.
  await rm(out, { recursive: true, force: true });
  for (const p of profiles) profileRuns.set(p.name, [...(profileRuns.get(p.name) ?? []), { transport, cli, summary: ownSummary(summary, targetName(p)) }]);
  if (run.withSmallBufferClean) smallBufferCleanRuns.push({ transport, cli, summary: ownSummary(summary, SMALL_BUFFER_CLEAN_TARGET) });
}

/** Batches of profiles that run the same suites. */
function batches(profiles: readonly Profile[]): ProfileBatch<Profile>[] {
  const bySuites = new Map<string, ProfileBatch<Profile>>();
  for (const p of profiles) {
    const suites = suitesOf(p.caughtBy);
    const key = suites.join(' ');
    const batch = bySuites.get(key) ?? { profiles: [], suites };
    batch.profiles.push(p);
    bySuites.set(key, batch);
  }
  return [...bySuites.values()];
}

/**
 * The CLI runs of `profiles` on one transport: SMP batches merged while sharing a run saves time
 * (test/selftest/profile-plan.ts). Bootstrap profiles need a bootstrap target and small-buffer
 * profiles their simulator, so each kind is planned apart; every small-buffer run also carries
 * the fault-free small-buffer target.
 */
function plan(profiles: readonly Profile[], transport: string): PlannedRun[] {
  const kinds = new Map<string, Profile[]>();
  for (const p of profiles) {
    const kind = `${isBootstrapProfile(p)}/${needsSmallBuffer(p)}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), p]);
  }
  // LwM2M cases share one registration, which a profile's fault can end for every case after its
  // own (lwm2m-no-update-before-expiry lets it lapse): LwM2M profiles keep to their own suites.
  const isSmp = !transport.startsWith('lwm2m-');
  return [...kinds.values()].flatMap((ps) =>
    (isSmp ? mergeBatches(batches(ps), casesIn) : batches(ps)).map((b) => ({ ...b, transport, withSmallBufferClean: isSmp && ps.some(needsSmallBuffer) })),
  );
}

/** Run jobs, the longest first, so that no long run starts last and holds up the end. */
function pooled(runs: readonly PlannedRun[], before: (() => Promise<void>)[] = []): Promise<void[]> {
  const sorted = [...runs].sort((a, b) => runWeight(b, casesIn) - runWeight(a, casesIn));
  return pool([...before, ...sorted.map((r) => () => runPlanned(r))], CONCURRENCY);
}

async function runClean(): Promise<void> {
  const out = join(work, 'clean');
  const cli = await runCli(['run', '--target', 'sim', '--out', out, '--json', '--seed', SEED, '--run-timeout', String(RUN_TIMEOUT_S)], CHILD_BOUND_MS);
  clean = { transport: 'udp+serial+lwm2m', cli, summary: readSummary(out) };
  const cases = clean.summary?.targets.reduce((n, t) => n + t.cases.length, 0) ?? 0;
  timings.push({ name: '(no fault)', transport: clean.transport, targets: 4, cases, durationMs: cli.durationMs, code: cli.code });
}

/** `cleanRun`: the fault-free run, started before the case list is in (it needs none) and holding one of the pool's places. */
async function runAllProfiles(cleanRun: Promise<void>): Promise<void> {
  const profiles = PROFILES.filter(runnable);
  // Two CLI runs at a time, each with up to two target processes: much of a faulty run is spent
  // waiting out timeouts, so four processes keep 2 cores busy without starving each other.
  // A profile that only breaks the serial link changes nothing over UDP: it runs on the pty alone.
  const overUdp = profiles.filter((p) => p.link !== 'serial');
  const overSerial = profiles.filter((p) => p.link === 'serial');
  // LwM2M profiles run the simulated client in one version at a time, only the suites that catch them.
  const lwm2m = LWM2M_PROFILES.filter(runnable);
  await pooled([...plan(overUdp, 'udp'), ...plan(overSerial, 'serial'), ...plan(lwm2m, LWM2M_FIRST)], [() => cleanRun]);
  // Cases that run over the pty only show up there too: repeat on the pseudo-terminal every
  // profile not fully caught over UDP; likewise an LwM2M profile not caught by the 1.1 client
  // (TLV is a 1.0 format) runs again with the 1.0 client.
  const notCaught = (p: Profile): boolean => uncaughtCatchers(p, profileRuns.get(p.name)?.[0]?.summary).length > 0;
  await pooled([...plan(overUdp.filter(notCaught), 'serial'), ...plan(lwm2m.filter(notCaught), LWM2M_AGAIN)]);
}

// The bound covers the whole sweep, SMP and LwM2M profiles, on 2 shared cores.
beforeAll(async () => {
  const cleanRun = runClean();
  listRun = await runCli(['list', '--json'], 120_000);
  try {
    listed = JSON.parse(listRun.stdout) as ListedCase[];
  } catch {
    listed = [];
  }
  await runAllProfiles(cleanRun);
  const totalMs = timings.reduce((sum, t) => sum + t.durationMs, 0);
  writeJsonAtomic(join(PACKAGE_ROOT, 'reports', 'selftest.json'), { concurrency: CONCURRENCY, runs: timings.length, targets: timings.reduce((n, t) => n + t.targets, 0), totalMs, timings });
}, 2_400_000);

afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

describe('self-test against the simulator', () => {
  it('lists the conformance cases', () => {
    expect(listRun?.code, listRun?.stderr).toBe(0);
    expect(listed.length).toBeGreaterThan(0);
  });

  it('with no fault, every case passes over UDP, over the pseudo-terminal and with the LwM2M 1.0 and 1.1 clients', () => {
    const summary = clean?.summary;
    expect(summary, clean?.cli.stderr).toBeDefined();
    expect(checkSummary(summary)).toEqual([]);
    expect(summary!.targets.map((t) => t.transport)).toEqual(['udp', 'serial', 'lwm2m-1.0', 'lwm2m-1.1']);
    const failing = summary!.targets.flatMap((t) =>
      [...(t.error ? [`${t.transport}: ${t.error}`] : []), ...t.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'broken').map((c) => `${c.id} ${c.outcome} on ${t.transport}: ${c.message}`)],
    );
    expect(failing).toEqual([]);
    expect(summary!.targets.every((t) => t.cases.length > 0)).toBe(true);
  });

  it.runIf(PROFILES.some(needsSmallBuffer))(`with buf_size ${SMALL_BUF_SIZE} and no fault, the small-buffer profiles' suites pass, ${SMALL_BUFFER_CASES.join(', ')} reached over UDP`, () => {
    expect(smallBufferCleanRuns.length, 'no small-buffer run was made').toBeGreaterThan(0);
    const targets = smallBufferCleanRuns.flatMap((r) => r.summary?.targets ?? []);
    expect(targets.length, smallBufferCleanRuns.map((r) => r.cli.stderr).join('\n')).toBe(smallBufferCleanRuns.length);
    const failing = targets.flatMap((t) => [...(t.error ? [`${t.transport}: ${t.error}`] : []), ...t.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'broken').map((c) => `${c.id} ${c.outcome} on ${t.transport}: ${c.message}`)]);
    expect(failing).toEqual([]);
    // The cases the default buf_size leaves unsupported must really run (and pass) here.
    const overUdp = targets.filter((t) => t.transport === 'udp').flatMap((t) => t.cases);
    expect(SMALL_BUFFER_CASES.map((id) => `${id} ${overUdp.find((c) => c.id === id)?.outcome ?? 'not run'}`)).toEqual(SMALL_BUFFER_CASES.map((id) => `${id} pass`));
  });

  for (const p of FAULT_PROFILES.filter(isProvedElsewhere)) {
    it(`fault profile ${p.name} is proved by ${p.provedBy ?? ''}`, () => {
      expect(existsSync(join(PACKAGE_ROOT, p.provedBy ?? '')), `${p.provedBy ?? ''} does not exist`).toBe(true);
    });
  }

  describe.each(ALL_PROFILES.map((p) => [p.name, p] as const))('fault profile %s', (name, profile) => {
    it('names the cases that catch it, and they exist', () => {
      expect(profile.caughtBy, `profile ${name} has an empty caughtBy: no case is known to catch "${profile.description}"`).not.toEqual([]);
      const known = caseIds();
      expect(profile.caughtBy.filter((id) => !known.has(id)), 'caughtBy names cases no suite defines').toEqual([]);
    });

    it.runIf(profile.caughtBy.length > 0)('makes exactly its caughtBy cases fail', () => {
      const runs = profileRuns.get(name) ?? [];
      expect(runs.length, 'the profile was not run (see the previous test)').toBeGreaterThan(0);
      const summaries = runs.flatMap((r) => (r.summary ? [r.summary] : []));
      expect(summaries.length, runs.map((r) => r.cli.stderr).join('\n')).toBe(runs.length);
      const verdict = judgeProfile(profile, summaries);
      expect(verdict, `transports: ${runs.map((r) => r.transport).join(', ')}`).toEqual({ missed: [], falseAlarms: [], targetErrors: [] });
    });
  });
});
