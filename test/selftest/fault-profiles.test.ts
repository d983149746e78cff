/**
 * Self-test: the conformance suites against the built-in simulator, through the real CLI.
 * With no fault every case passes; with each fault profile on, the cases the profile names in
 * `caughtBy` fail and nothing else does. This is what makes the harness's verdicts worth trusting
 * (DESIGN.md: "It catches real faults" / "It does not cry wolf"). Picks up whatever suites and
 * profiles exist; runs at most two CLI processes at a time.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
// Bootstrap profiles (`lwm2m-bs-*`) break a client started from a bootstrap server: their target
// bootstraps from the harness (targets.json `lwm2m.bootstrap`).
const isBootstrapProfile = (p: { name: string }): boolean => p.name.startsWith('lwm2m-bs-');
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

const work = mkdtempSync(join(tmpdir(), 'selftest-'));
let listed: ListedCase[] = [];
let listRun: CliRun | undefined;
let clean: ProfileRun | undefined;
const profileRuns = new Map<string, ProfileRun[]>();
const timings: { name: string; transport: string; durationMs: number; code: number | null }[] = [];
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

function targetName(p: Profile): string {
  return `fault-${p.name}`;
}

/** The simulator of one profile's target: an SMP link, or the LwM2M client in one version (`lwm2m-1.1`). */
function simOptions(transport: string, fault: string): Record<string, unknown> {
  if (!transport.startsWith('lwm2m-')) return { transports: [transport], faults: [fault] };
  // A run selecting LwM2M suites only makes no SMP run: the SMP transport listed is never started.
  return { transports: ['udp'], faults: [fault], lwm2m: { versions: [transport.slice('lwm2m-'.length)] } };
}

/** DTLS profiles (`lwm2m-dtls-*`) need a target whose LwM2M server speaks DTLS-PSK. */
function dtlsTarget(transport: string, fault: string): Record<string, unknown> {
  if (!fault.startsWith('lwm2m-dtls-') || !transport.startsWith('lwm2m-')) return {};
  const endpoint = transport === 'lwm2m-1.0' ? 'native_sim' : 'native_sim_lwm2m11';
  const security = { mode: 'psk', identity: endpoint, key: '000102030405060708090a0b0c0d0e0f' };
  return { lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint, registrationTimeoutMs: 10_000, security } };
}

/** One profile's target: a bootstrap profile's client starts from the harness as Bootstrap-Server. */
function targetOf(transport: string, p: Profile): Record<string, unknown> {
  const target = { kind: 'sim', sim: simOptions(transport, p.name), ...dtlsTarget(transport, p.name) };
  if (!isBootstrapProfile(p)) return target;
  const endpoint = transport === 'lwm2m-1.0' ? 'native_sim' : 'native_sim_lwm2m11';
  return { ...target, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint, bootstrap: { enabled: true } } };
}

/**
 * Run several profiles in one CLI invocation: one simulator target per profile (each its own
 * process, with its fault on), all running the same suites. One start-up and one case collection
 * serve the whole batch, which is most of the cost of a small run.
 */
async function runBatch(profiles: readonly Profile[], transport: string, suites: readonly string[]): Promise<void> {
  const n = batchCount++;
  const file = join(work, `batch-${n}.json`);
  const targets = Object.fromEntries(profiles.map((p) => [targetName(p), targetOf(transport, p)]));
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: targetName(profiles[0]!), targets }));
  const out = join(work, `batch-${n}`);
  const args = ['run', '--targets', file, ...profiles.flatMap((p) => ['--target', targetName(p)]), ...suites.flatMap((s) => ['--suite', s])];
  const rounds = Math.ceil(profiles.length / CONCURRENCY);
  const cli = await runCli([...args, '--out', out, '--json', '--seed', SEED, '--run-timeout', String(RUN_TIMEOUT_S)], CHILD_BOUND_MS * rounds);
  timings.push({ name: profiles.map((p) => p.name).join(','), transport, durationMs: cli.durationMs, code: cli.code });
  const summary = readSummary(out);
  for (const p of profiles) {
    const own = summary ? { ...summary, targets: summary.targets.filter((t) => t.name === targetName(p)) } : undefined;
    profileRuns.set(p.name, [...(profileRuns.get(p.name) ?? []), { transport, cli, summary: own }]);
  }
}

/** Batches of profiles that run the same suites. */
function batches(profiles: readonly Profile[]): { profiles: Profile[]; suites: string[] }[] {
  const bySuites = new Map<string, { profiles: Profile[]; suites: string[] }>();
  for (const p of profiles) {
    const suites = suitesOf(p.caughtBy);
    // Bootstrap profiles need a bootstrap target: never batched with the others.
    const key = `${isBootstrapProfile(p) ? 'bs:' : ''}${suites.join(' ')}`;
    const batch = bySuites.get(key) ?? { profiles: [], suites };
    batch.profiles.push(p);
    bySuites.set(key, batch);
  }
  return [...bySuites.values()];
}

async function runClean(): Promise<void> {
  const out = join(work, 'clean');
  const cli = await runCli(['run', '--target', 'sim', '--out', out, '--json', '--seed', SEED, '--run-timeout', String(RUN_TIMEOUT_S)], CHILD_BOUND_MS);
  timings.push({ name: '(no fault)', transport: 'udp+serial+lwm2m', durationMs: cli.durationMs, code: cli.code });
  clean = { transport: 'udp+serial+lwm2m', cli, summary: readSummary(out) };
}

async function runAllProfiles(): Promise<void> {
  const profiles = PROFILES.filter(runnable);
  // Two CLI runs at a time, each with up to two target processes: much of a faulty run is spent
  // waiting out timeouts, so four processes keep 2 cores busy without starving each other.
  // A profile that only breaks the serial link changes nothing over UDP: it runs on the pty alone.
  const overUdp = profiles.filter((p) => p.link !== 'serial');
  // LwM2M profiles run the simulated client in one version at a time, only the suites that catch them.
  const lwm2m = LWM2M_PROFILES.filter(runnable);
  const first = [...batches(overUdp).map((b) => () => runBatch(b.profiles, 'udp', b.suites)), ...batches(lwm2m).map((b) => () => runBatch(b.profiles, LWM2M_FIRST, b.suites))];
  await pool([runClean, ...first], CONCURRENCY);
  // Cases that run over the pty only show up there too: repeat on the pseudo-terminal every
  // profile not fully caught over UDP; likewise an LwM2M profile not caught by the 1.1 client
  // (TLV is a 1.0 format) runs again with the 1.0 client.
  const notCaught = (p: Profile): boolean => uncaughtCatchers(p, profileRuns.get(p.name)?.[0]?.summary).length > 0;
  const again = profiles.filter((p) => p.link === 'serial' || notCaught(p));
  await pool(
    [...batches(again).map((b) => () => runBatch(b.profiles, 'serial', b.suites)), ...batches(lwm2m.filter(notCaught)).map((b) => () => runBatch(b.profiles, LWM2M_AGAIN, b.suites))],
    CONCURRENCY,
  );
}

// The bound covers the whole sweep, SMP and LwM2M profiles, on 2 shared cores.
beforeAll(async () => {
  listRun = await runCli(['list', '--json'], 120_000);
  try {
    listed = JSON.parse(listRun.stdout) as ListedCase[];
  } catch {
    listed = [];
  }
  await runAllProfiles();
  writeJsonAtomic(join(PACKAGE_ROOT, 'reports', 'selftest.json'), { concurrency: CONCURRENCY, timings });
}, 2_400_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

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
