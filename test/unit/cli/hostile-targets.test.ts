/**
 * Hostile targets, through the real CLI: a device that answers with CBOR bombs or an oversize
 * datagram, floods its serial line with garbage, resets on its own in the middle of the suite,
 * hangs or exits in the middle of an image upload, or disappears (UDP port and pseudo-terminal
 * closed). Each scenario runs a small case selection against a simulator (or a process target)
 * with one hostile fault profile and checks what a user relies on: the run ends within its stated
 * bound, the exit code is the failure code (not a harness crash), every selected case has a
 * verdict, and summary.json (schema-valid), the JUnit file and the Allure results are written
 * and parse. Verdicts of cases after the device died are not pinned down: only that one exists.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary, TargetSummary } from '../../../src/reporting/summary.ts';
import { type CliRun, PACKAGE_ROOT, pool, readSummary, runCli } from '../../selftest/cli-runner.ts';
import { findAll, parseXml } from '../reporting/xml-check.ts';

/**
 * Per-request timeout of a target that goes silent: short, so a dead device costs little time,
 * yet long enough for a loaded machine (2 cores shared by several test jobs).
 */
const SILENT_TIMEOUT_MS = 1000;
/** Per-request timeout of a target that keeps answering (bombs, 65000-byte datagrams, garbage). */
const ANSWERING_TIMEOUT_MS = 3000;
/** Case selection, device start and reports around a target run (on 2 cores shared by several jobs). */
const START_AND_REPORT_S = 90;
/** Target runs the CLI keeps going at once (its default on 2 cores). */
const TARGET_RUNS_AT_ONCE = 2;
/** Where each scenario's reports are kept for people to look at (replaced on every run). */
const ARTIFACTS = join(PACKAGE_ROOT, 'reports', 'test-artifacts', 'hostile-targets');

interface Scenario {
  /** What the device does, as the test title says it. */
  title: string;
  /** Target name in the targets file (also names the JUnit file). */
  target: string;
  /** The target's targets.json entry. */
  config: Record<string, unknown>;
  /** Transport of the run (`udp`, `serial`). */
  transport: string;
  /** Anchored regular expression over case ids: the selection. */
  cases: RegExp;
  /**
   * The target run's own bound (`--run-timeout`, seconds): a run still going then is killed and
   * loses its cases, which the verdict check would show. The whole CLI run must end within
   * `boundMs`: the run timeouts of its target runs, two at a time, plus START_AND_REPORT_S.
   */
  runTimeoutS: number;
  /** Exit code the run must end with (1: failures found; 0: every case passed). */
  exitCode: 0 | 1;
  /** What the verdicts must show beyond "every case has one". */
  verdicts?: (t: TargetSummary) => void;
}

function simTarget(transport: string, fault: string, timeoutMs = SILENT_TIMEOUT_MS): Record<string, unknown> {
  return { kind: 'sim', sim: { transports: [transport], faults: [fault] }, timeoutMs };
}

function caseOf(t: TargetSummary, id: string): TargetSummary['cases'][number] {
  const c = t.cases.find((x) => x.id === id);
  expect(c, `${id} has no verdict`).toBeDefined();
  return c!;
}

/** Cases that fail naming the malformed reply. */
function failsNaming(ids: readonly string[], pattern: RegExp): (t: TargetSummary) => void {
  return (t) => {
    for (const id of ids) {
      const c = caseOf(t, id);
      expect(c.outcome, `${id}: ${c.message ?? ''}`).toBe('fail');
      expect(c.message).toMatch(pattern);
    }
  };
}

/**
 * The device died in the middle of the selection: cases before it pass, and not every later one
 * does (whatever verdict the harness gives a case on a dead device).
 */
function diesMidway(t: TargetSummary): void {
  const judged = t.cases.map((c) => `${c.id} ${c.outcome}`).join(', ');
  expect(t.cases.some((c) => c.outcome === 'pass'), judged).toBe(true);
  expect(t.cases.some((c) => c.outcome !== 'pass' && c.outcome !== 'informational'), judged).toBe(true);
}

const ECHO_CASES = /^SMP-OS-ECHO-00[1-3]$/;
const UPLOAD_CASES = /^SMP-IMG-UPLOAD-00[1-4]$/;
/** Enough cases that a reset or a disappearance falls in the middle of the selection. */
const OS_CASES = /^SMP-OS-(ECHO-00[1-6]|INFO-00[1-6]|PARAMS-001)$/;

const SIM_CLI = ['node', join(PACKAGE_ROOT, 'bin', 'mgmt-conformance.js'), 'sim', '--serial'];

const SCENARIOS: readonly Scenario[] = [
  {
    title: 'answers echo with a CBOR length bomb (2^64-1 map entries, a 2^64-1-byte string)',
    target: 'bomb-length',
    config: simTarget('udp', 'cbor-bomb-length', ANSWERING_TIMEOUT_MS),
    transport: 'udp',
    cases: ECHO_CASES,
    runTimeoutS: 150,
    exitCode: 1,
    verdicts: failsNaming(['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'], /claims 18446744073709551615 bytes/),
  },
  {
    title: 'answers echo with a CBOR depth bomb (1000 nested arrays) over the serial line',
    target: 'bomb-depth',
    config: simTarget('serial', 'cbor-bomb-depth', ANSWERING_TIMEOUT_MS),
    transport: 'serial',
    cases: ECHO_CASES,
    runTimeoutS: 150,
    exitCode: 1,
    verdicts: failsNaming(['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'], /nesting deeper than/),
  },
  {
    title: 'answers echo with a 65000-byte datagram',
    target: 'oversize',
    config: simTarget('udp', 'oversize-datagram', ANSWERING_TIMEOUT_MS),
    transport: 'udp',
    cases: ECHO_CASES,
    runTimeoutS: 150,
    exitCode: 1,
    verdicts: failsNaming(['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'], /length field: expected 6\d{4}, got \d+/),
  },
  {
    title: 'floods the serial line with garbage after every reply',
    target: 'garbage',
    config: simTarget('serial', 'serial-garbage-flood', ANSWERING_TIMEOUT_MS),
    transport: 'serial',
    cases: /^SMP-OS-(ECHO-00[1-4]|INFO-00[1-3])$/,
    runTimeoutS: 150,
    // Garbage between frames is what a console carries: a conforming device stays conforming.
    exitCode: 0,
    verdicts: (t) => expect(t.cases.filter((c) => c.outcome !== 'pass').map((c) => `${c.id} ${c.outcome}: ${c.message ?? ''}`)).toEqual([]),
  },
  {
    title: 'resets on its own in the middle of the suite',
    target: 'reset',
    config: simTarget('udp', 'reset-mid-suite:40'),
    transport: 'udp',
    cases: OS_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    // The device is deaf for 1.5 s while it reboots, which at 1 s per request spans a few
    // cases; it answers again afterwards, so the cases after those pass.
    verdicts: (t) => {
      const failed = t.cases.filter((c) => c.outcome === 'fail');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length, failed.map((c) => c.id).join(', ')).toBeLessThanOrEqual(4);
      for (const c of failed) expect(c.message).toMatch(/no response/);
      expect(t.cases.filter((c) => c.outcome === 'pass').length).toBeGreaterThanOrEqual(t.cases.length - 5);
    },
  },
  {
    title: 'disappears in the middle of the suite (UDP port closed)',
    target: 'vanish-udp',
    config: simTarget('udp', 'vanish-after-requests:40'),
    transport: 'udp',
    cases: OS_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    verdicts: diesMidway,
  },
  {
    title: 'disappears in the middle of the suite (pseudo-terminal closed)',
    target: 'vanish-serial',
    config: simTarget('serial', 'vanish-after-requests:40'),
    transport: 'serial',
    cases: OS_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    verdicts: diesMidway,
  },
  {
    title: 'hangs in the middle of an image upload',
    target: 'hang-upload',
    config: simTarget('udp', 'hang-mid-upload'),
    transport: 'udp',
    cases: UPLOAD_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    verdicts: diesMidway,
  },
  {
    title: 'exits in the middle of an image upload (pseudo-terminal closed)',
    target: 'exit-upload',
    config: simTarget('serial', 'exit-mid-upload'),
    transport: 'serial',
    cases: UPLOAD_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    verdicts: diesMidway,
  },
  {
    title: 'runs as a process that exits with status 3 in the middle of an image upload',
    target: 'exit-process',
    config: {
      kind: 'process',
      process: { command: [...SIM_CLI, '--fault', 'exit-mid-upload'], ready: { pattern: 'serial://(/dev/[^?\\s]+)' } },
      timeoutMs: SILENT_TIMEOUT_MS,
    },
    transport: 'serial',
    cases: UPLOAD_CASES,
    runTimeoutS: 180,
    exitCode: 1,
    verdicts: diesMidway,
  },
];

const work = mkdtempSync(join(tmpdir(), 'hostile-targets-'));
rmSync(ARTIFACTS, { recursive: true, force: true });
let listed: string[] = [];
const runs = new Map<string, { cli: CliRun; out: string; boundMs: number; summary: RunSummary | undefined }>();

/** A run's bound: the target runs go two at a time, each within its run timeout. */
function boundMs(batch: readonly Scenario[]): number {
  const runTimeoutS = Math.max(...batch.map((s) => s.runTimeoutS));
  return (runTimeoutS * Math.ceil(batch.length / TARGET_RUNS_AT_ONCE) + START_AND_REPORT_S) * 1000;
}

/**
 * Scenarios with the same case selection and exit code run as one CLI run with one target each
 * (the targets run as separate processes, two at a time): one start-up and case collection serve
 * them all, and the exit code of the run is the exit code every one of them must give.
 */
function batches(): Scenario[][] {
  const byKey = new Map<string, Scenario[]>();
  for (const s of SCENARIOS) byKey.set(`${s.cases.source} ${s.exitCode}`, [...(byKey.get(`${s.cases.source} ${s.exitCode}`) ?? []), s]);
  return [...byKey.values()];
}

async function runBatch(batch: readonly Scenario[], n: number): Promise<void> {
  const file = join(work, `batch-${n}.json`);
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: batch[0]!.target, targets: Object.fromEntries(batch.map((s) => [s.target, s.config])) }));
  const out = join(ARTIFACTS, batch.map((s) => s.target).join('+'));
  const runTimeoutS = Math.max(...batch.map((s) => s.runTimeoutS));
  const args = ['run', '--targets', file, ...batch.flatMap((s) => ['--target', s.target]), '--grep', `/${batch[0]!.cases.source}/`, '--out', out, '--seed', '1', '--run-timeout', String(runTimeoutS)];
  // The child is killed well after the bound, so a hung run shows as a duration over the bound.
  const cli = await runCli(args, boundMs(batch) + 60_000);
  const summary = readSummary(out);
  for (const s of batch) runs.set(s.target, { cli, out, boundMs: boundMs(batch), summary });
}

beforeAll(async () => {
  const list = await runCli(['list', '--json'], 300_000);
  if (list.code !== 0) throw new Error(`list --json ended with ${String(list.code)} after ${list.durationMs} ms: ${list.stderr}`);
  listed = (JSON.parse(list.stdout) as { id: string }[]).map((c) => c.id);
  await pool(
    batches().map((b, i) => () => runBatch(b, i)),
    2,
  );
}, 1_500_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(SCENARIOS.map((s) => [s.title, s] as const))('a target that %s', (_title, s) => {
  const selected = (): string[] => listed.filter((id) => s.cases.test(id));

  it('ends within its bound with the failure exit code, and the harness did not throw', () => {
    const r = runs.get(s.target)!;
    expect(selected().length).toBeGreaterThan(0);
    expect(r.cli.durationMs, r.cli.stderr).toBeLessThan(r.boundMs);
    expect(r.cli.code, r.cli.stderr).toBe(s.exitCode);
    expect(`${r.cli.stdout}\n${r.cli.stderr}`).not.toMatch(/Unhandled|Uncaught|TypeError|RangeError|ReferenceError|Maximum call stack/);
  });

  it('writes a schema-valid summary.json with a verdict for every selected case', () => {
    const { summary, cli } = runs.get(s.target)!;
    expect(summary, cli.stderr).toBeDefined();
    expect(checkSummary(summary)).toEqual([]);
    const t = summary!.targets.find((x) => x.name === s.target && x.transport === s.transport);
    expect(t, JSON.stringify(summary!.targets.map((x) => [x.name, x.transport, x.error]))).toBeDefined();
    expect(t!.cases.map((c) => c.id).sort()).toEqual(selected().sort());
    s.verdicts?.(t!);
  });

  it('writes a JUnit file and Allure results that parse and name every selected case', () => {
    const { out } = runs.get(s.target)!;
    // One file per target run: junit-<target>-<transport>.xml, or junit-<target>.xml for a process target.
    const junit = [join(out, `junit-${s.target}-${s.transport}.xml`), join(out, `junit-${s.target}.xml`)].find((f) => existsSync(f));
    expect(junit, `no JUnit file in ${out}`).toBeDefined();
    const names = findAll(parseXml(readFileSync(junit!, 'utf8')), 'testcase').map((e) => e.attributes['name'] ?? '');
    for (const id of selected()) expect(names.some((n) => n.includes(id)), `${id} not in JUnit`).toBe(true);
    const dir = join(out, 'allure-results');
    const results = readdirSync(dir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name?: string; status?: string; parameters?: { name: string; value: string }[] })
      .filter((r) => r.parameters?.some((p) => p.name === 'target' && p.value === s.target));
    for (const id of selected()) expect(results.some((r) => r.name?.includes(id) === true && typeof r.status === 'string'), `${id} not in Allure results`).toBe(true);
  });
});
