/**
 * Profiles, baseline comparison and retries of `run`, on the fixture project: `nightly` with a
 * baseline that plants one regression, `--retries` turning a first-attempt failure into a flaky
 * pass, and `certify` failing a case skipped for want of a required capability, watched through
 * a real pseudo-terminal (the live per-target progress line).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn as spawnPty } from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import { applyProfile, CERTIFY_REQUIRED_CAPABILITIES } from '../../../src/cli/run-profile.ts';
import { parseRunOptions } from '../../../src/cli/run-options.ts';
import { runCommand, type RunDependencies } from '../../../src/cli/run.ts';
import { certifyRecord, missingRequired } from '../../../src/reporting/required-capabilities.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';

const root = resolve(import.meta.dirname, '../../fixtures/conformance-project');
const script = resolve(import.meta.dirname, '../../fixtures/run-cli/run-fixture-cli.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** This test's environment without its vitest worker's variables, which must not reach the vitest the child starts. */
function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'MGMT_TARGET'));
}

const work = mkdtempSync(join(tmpdir(), 'run-profiles-'));
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

const deps: Partial<RunDependencies> = {
  root,
  knownFaults: [],
  randomSeed: () => 4242,
  isTty: false,
  prepare: async (plan) => ({ smp: plan.target.smp ?? 'udp://127.0.0.1:9', stop: async () => undefined }),
};

/** A baseline in which FIX-IMG-001 passed: its `unsupported` today is the one planted regression. */
function writeBaseline(path: string): void {
  const cases = [
    ['FIX-IMG-001', 'pass'],
    ['FIX-IMG-002', 'pass'],
    ['FIX-OS-001', 'pass'],
    ['FIX-OS-002', 'pass'],
    ['FIX-OS-003', 'nonStrict'],
    ['FIX-OS-004', 'informational'],
    ['FIX-MISC-001', 'pass'],
  ].map(([id, outcome]) => ({ id: id!, title: 't', level: 'MUST', outcome: outcome!, durationMs: 1000, message: '', spec: 'smp-digest' }));
  const totals = { pass: 5, fail: 0, nonStrict: 1, informational: 1, unsupported: 0, broken: 0 };
  const summary = { schemaVersion: 1, tool: { name: 'mgmt-conformance', version: '0.1.0', node: 'v20' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, seed: 1, targets: [{ name: 'smp', transport: 'udp', identity: {}, capabilities: [], cases, totals }] };
  writeFileSync(path, JSON.stringify(summary));
}

describe('profile rules', () => {
  const parse = (argv: string[]) => applyProfile(parseRunOptions(argv, () => 1));

  it('certify refuses filters and retries; nightly needs a baseline and fails on regressions', () => {
    expect(() => parse(['--profile', 'certify', '--suite', 'smp/os'])).toThrow(/certify runs a fixed case set; --suite cannot narrow it/);
    expect(() => parse(['--profile', 'certify', '--retries', '2'])).toThrow(/--retries is not allowed/);
    expect(parse(['--profile', 'certify']).level).toBe('SHOULD');
    expect(() => parse(['--profile', 'nightly'])).toThrow(/give --baseline FILE/);
    expect(parse(['--profile', 'nightly', '--baseline', 'b.json']).isFailOnRegression).toBe(true);
    expect(() => parse(['--profile', 'weekly'])).toThrow(/--profile expects port, certify, nightly, got 'weekly'/);
    expect(() => parse(['--shard', '3/2'])).toThrow(/--shard expects I\/N/);
  });

  it('certify fails a case skipped for want of a required capability, and only such a case', () => {
    const required = CERTIFY_REQUIRED_CAPABILITIES.smp;
    const base = { id: 'X-1', title: 't', level: 'MUST' as const, durationMs: 0, spec: '', protocol: 'SMP', group: '', command: '', requirement: '', stimulus: '', suite: 's' };
    const lacking = { ...base, outcome: 'unsupported' as const, message: 'target b lacks smp.fs (group 8 answered rc 8), smp.img.upload (group 1 answered rc 8)' };
    expect(missingRequired(lacking, required)).toEqual(['smp.img.upload']);
    expect(certifyRecord(lacking, required)).toMatchObject({ outcome: 'fail', message: expect.stringMatching(/^required capability missing \(certify profile\): smp\.img\.upload; target b lacks/) });
    const optional = { ...lacking, message: 'target b lacks smp.fs (group 8 answered rc 8)' };
    expect(certifyRecord(optional, required).outcome).toBe('unsupported');
    // A name that only starts like a required one is not it.
    expect(missingRequired({ ...lacking, message: 'target b lacks smp.img.upload-chunked (x)' }, required)).toEqual([]);
  });
});

describe('run profiles on the fixture project', { timeout: 150_000 }, () => {
  it('nightly with --retries: a flaky case is reported apart, the planted regression fails the run, diff.json/.md are written', async () => {
    const out = join(work, 'nightly');
    const baseline = join(work, 'baseline.json');
    writeBaseline(baseline);
    let stdout = '';
    process.env['FIXTURE_FLAKY'] = '1';
    let code: number;
    try {
      code = await runCommand(['--smp', 'udp://127.0.0.1:9', '--profile', 'nightly', '--baseline', baseline, '--retries', '1', '--out', out], { stdout: (t) => (stdout += t), stderr: () => undefined }, deps);
    } finally {
      delete process.env['FIXTURE_FLAKY'];
    }
    expect(code).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(checkSummary(summary)).toEqual([]);
    expect(summary.profile).toBe('nightly');
    const flaky = summary.targets[0]!.cases.find((c) => c.id === 'FIX-OS-002');
    expect(flaky).toMatchObject({ outcome: 'pass', flaky: true, attempts: 2 });
    expect(summary.targets[0]!.cases.filter((c) => c.flaky === true)).toHaveLength(1);
    expect(stdout).toContain('Flaky (failed, then passed on a retry): 1\n  smp/udp  FIX-OS-002  passed on attempt 2');
    expect(stdout).toMatch(/\[\d\/7, 0 failing\]  FIX-OS-002  echo returns the same text  \(flaky: passed on a retry\)/);
    const diff = JSON.parse(readFileSync(join(out, 'diff.json'), 'utf8')) as { hasRegression: boolean; targets: { newlyUnsupported: { id: string }[]; newFailures: unknown[]; flaky: { id: string }[] }[] };
    expect(diff.hasRegression).toBe(true);
    expect(diff.targets[0]!.newlyUnsupported.map((c) => c.id)).toEqual(['FIX-IMG-001']);
    expect(diff.targets[0]!.newFailures).toEqual([]);
    expect(diff.targets[0]!.flaky.map((c) => c.id)).toEqual(['FIX-OS-002']);
    expect(readFileSync(join(out, 'diff.md'), 'utf8')).toMatch(/\*\*Newly unsupported \(1\)\*\*[\s\S]*\| FIX-IMG-001 \| MUST \| pass → unsupported \|/);
    expect(stdout).toContain(`Compared with ${baseline}:`);
    const junit = readFileSync(join(out, 'junit-smp.xml'), 'utf8');
    expect(junit).toContain('<property name="flaky" value="true"/><property name="attempts" value="2"/>');
  });

  it('certify on a terminal: a live line per target, and the case lacking a required capability fails', async () => {
    const out = join(work, 'certify');
    const env = { ...outsideEnv(), TERM: 'xterm' } as Record<string, string>;
    delete env['CI'];
    const pty = spawnPty(process.execPath, ['--import', tsx, script, '--smp', 'udp://127.0.0.1:9', '--profile', 'certify', '--out', out], { cols: 160, rows: 40, env });
    let screen = '';
    pty.onData((d) => (screen += d));
    const exitCode = await new Promise<number>((done) => pty.onExit((e) => done(e.exitCode)));
    expect(exitCode).toBe(1);
    // The live line is redrawn in place (cursor up, clear) and ends with the final count.
    expect(screen).toMatch(/\x1b\[1A\r\x1b\[J/);
    expect(screen).toMatch(/ {2}smp {2}5\/5 cases {2}1 failed {2}0 broken {2}done/);
    // A failing case is printed above the live line as it happens.
    expect(screen).toMatch(/fail +smp {2}FIX-IMG-001 {2}upload needs the img group/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.profile).toBe('certify');
    // MUST and SHOULD only: the two MAY cases are not part of the certify set.
    expect(summary.targets[0]!.cases.map((c) => c.id).sort()).toEqual(['FIX-IMG-001', 'FIX-IMG-002', 'FIX-OS-001', 'FIX-OS-002', 'FIX-OS-003']);
    expect(summary.targets[0]!.cases.find((c) => c.id === 'FIX-IMG-001')).toMatchObject({ outcome: 'fail', message: expect.stringContaining('required capability missing (certify profile): smp.img.upload') });
    const allure = readdirSync(join(out, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(out, 'allure-results', f), 'utf8')) as { name: string; status: string });
    expect(allure.find((r) => r.name.startsWith('FIX-IMG-001'))?.status).toBe('failed');
  });
});
