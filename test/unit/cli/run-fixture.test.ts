/**
 * `run` end to end against the fixture conformance project (test/fixtures/conformance-project):
 * real vitest runs in a forked worker, real report files; the target is a stand-in so every
 * outcome class, an unreachable target and a hung run can be produced on demand.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAllureResultFiles } from './helpers/allure-results.ts';
import { runCommand, type RunDependencies } from '../../../src/cli/run.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';
import { findAll, parseXml } from '../reporting/xml-check.ts';

const root = resolve(import.meta.dirname, '../../fixtures/conformance-project');
const work = mkdtempSync(join(tmpdir(), 'run-fixture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const targetsFile = join(work, 'targets.json');
const stops: string[] = [];
const deps: Partial<RunDependencies> = {
  root,
  knownFaults: ['echo-truncated', 'hang', 'harness-bug'],
  randomSeed: () => 4242,
  prepare: async (plan) => ({ smp: plan.target.smp ?? `udp://127.0.0.1:7${plan.transport === 'udp' ? 1 : 2}`, stop: async () => void stops.push(plan.key) }),
};

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, deps);
  return { code, stdout, stderr };
}

function readSummary(out: string): RunSummary {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
}

interface AllureResult {
  name: string;
  status: string;
  testCaseId?: string;
  labels: { name: string; value: string }[];
  links: { url: string }[];
  parameters: { name: string; value: string }[];
  steps: { name: string }[];
  attachments: { name: string; source: string }[];
}

const allureResults = (out: string): AllureResult[] => readAllureResultFiles<AllureResult>(out);

describe('run against the fixture project', { timeout: 120_000 }, () => {
  it('writes summary.json, JUnit and Allure results with one verdict per outcome class', async () => {
    const out = join(work, 'all');
    const { code, stdout } = await run(['--smp', 'udp://127.0.0.1:1337', '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toContain('No failures.');
    const summary = readSummary(out);
    expect(checkSummary(summary)).toEqual([]);
    expect(summary.seed).toBe(4242);
    const [target] = summary.targets;
    expect(target?.name).toBe('smp');
    expect(target?.totals).toEqual({ pass: 4, fail: 0, nonStrict: 1, informational: 1, unsupported: 1, broken: 0, crash: 0, blocked: 0 });
    expect(target?.identity).toMatchObject({ os: { kernel: 'fixture' }, mcumgrParams: { bufSize: 2048 } });
    expect(target?.capabilities).toEqual(['smp.os.echo']);
    expect(target?.cases.find((c) => c.id === 'FIX-IMG-001')?.message).toBe('target smp lacks smp.img.upload (img group answered rc 8)');
    const junit = parseXml(readFileSync(join(out, 'junit-smp.xml'), 'utf8'));
    expect(findAll(junit, 'testcase').map((t) => t.attributes.name)).toContain('[FIX-OS-001] echo answers');
  });

  it('gives each Allure result the conformance labels, parameters, steps and trace attachments', async () => {
    const out = join(work, 'all');
    const results = allureResults(out);
    expect(results).toHaveLength(7);
    const echo = results.find((r) => r.name.startsWith('FIX-OS-001'))!;
    const label = (name: string) => echo.labels.filter((l) => l.name === name).map((l) => l.value);
    expect(label('epic')).toEqual(['SMP']);
    expect(label('feature')).toEqual(['os']);
    expect(label('story')).toEqual(['echo']);
    expect(label('severity')).toEqual(['critical']);
    expect(label('ALLURE_ID')).toEqual(['FIX-OS-001']);
    expect(label('tag')).toContain('pass');
    expect(echo.testCaseId).toBe('FIX-OS-001');
    expect(echo.links.map((l) => l.url)).toEqual(['https://example.invalid/smp#echo']);
    expect(echo.parameters).toEqual(expect.arrayContaining([{ name: 'target', value: 'smp' }, { name: 'transport', value: 'udp' }]));
    expect(echo.steps[0]?.name).toBe('#1 send (16 bytes) → 1 frame(s) back');
    expect(echo.attachments.map((a) => a.name)).toEqual(['trace (annotated hex)', 'trace (json)']);
    const hex = readFileSync(join(out, 'allure-results', echo.attachments[0]!.source), 'utf8');
    expect(hex).toContain('>>> out  0a 00 00 05 00 00 01 00 | 1b f6 a1 61 64 65 68 69');
    const should = results.find((r) => r.name.startsWith('FIX-OS-003'))!;
    expect(should.labels).toEqual(expect.arrayContaining([{ name: 'severity', value: 'normal' }, { name: 'tag', value: 'non-strict' }]));
    expect(results.find((r) => r.name.startsWith('FIX-IMG-001'))?.status).toBe('skipped');
    const categories = JSON.parse(readFileSync(join(out, 'allure-results', 'categories.json'), 'utf8')) as { name: string; matchedStatuses: string[] }[];
    expect(categories.map((c) => c.matchedStatuses)).toEqual([['failed'], ['broken'], ['skipped']]);
  });

  it('runs a simulator target once per transport and filters by suite and level', async () => {
    const out = join(work, 'sim');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(targetsFile, JSON.stringify({ schemaVersion: 1, defaultTarget: 'fx', targets: { fx: { kind: 'sim' } } }));
    stops.length = 0;
    const { code } = await run(['--targets', targetsFile, '--suite', 'fix/os', '--level', 'SHOULD', '--out', out, '--json']);
    expect(code).toBe(0);
    const summary = readSummary(out);
    expect(summary.targets.map((t) => `${t.name}/${t.transport}`)).toEqual(['fx/udp', 'fx/serial']);
    expect(summary.targets[0]?.cases.map((c) => c.id)).toEqual(['FIX-OS-001', 'FIX-OS-002', 'FIX-OS-003']);
    expect(readdirSync(out).filter((f) => f.startsWith('junit-')).sort()).toEqual(['junit-fx-serial.xml', 'junit-fx-udp.xml']);
    expect(stops).toEqual(['fx-udp', 'fx-serial']);
  });

  it('marks a fault the cases catch as fail and harness trouble as broken, exit 1', async () => {
    const out = join(work, 'faults');
    const { code, stdout } = await run(['--targets', targetsFile, '--transport', 'udp', '--fault', 'echo-truncated', '--fault', 'harness-bug', '--out', out]);
    expect(code).toBe(1);
    const cases = readSummary(out).targets[0]!.cases;
    expect(cases.find((c) => c.id === 'FIX-OS-002')?.outcome).toBe('fail');
    expect(cases.find((c) => c.id === 'FIX-IMG-002')).toMatchObject({ outcome: 'broken', message: 'socket closed while waiting' });
    expect(stdout).toMatch(/fx\/udp {2}FIX-OS-002 {2}fail: expected 'hell' to be 'hello'/);
  });

  it('an unreachable target ends with every case broken, reports written, exit 1', async () => {
    const out = join(work, 'unreachable');
    const started = Date.now();
    const { code } = await run(['--smp', 'udp://127.0.0.1:1', '--out', out]);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const target = readSummary(out).targets[0]!;
    expect(target.totals.broken).toBe(7);
    expect(target.cases.every((c) => c.message.includes('target unavailable'))).toBe(true);
    expect(findAll(parseXml(readFileSync(join(out, 'junit-smp.xml'), 'utf8')), 'error')).toHaveLength(7);
  });

  it('a hung run is cut at the global timeout: unfinished cases broken with the reason', async () => {
    const out = join(work, 'hang');
    const started = Date.now();
    const { code } = await run(['--targets', targetsFile, '--transport', 'udp', '--fault', 'hang', '--run-timeout', '2', '--out', out]);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const target = readSummary(out).targets[0]!;
    expect(target.error).toBe('target run timed out after 2 s');
    expect(target.cases.find((c) => c.id === 'FIX-IMG-002')).toMatchObject({ outcome: 'broken', message: 'not run: target run timed out after 2 s' });
    expect(checkSummary(readSummary(out))).toEqual([]);
    // Allure lists every case once: the cancelled one as broken, from its record.
    const results = allureResults(out);
    expect(results.map((r) => r.name.split(' ')[0]).sort()).toEqual(target.cases.map((c) => c.id).sort());
    expect(results.find((r) => r.name.startsWith('FIX-IMG-002'))?.status).toBe('broken');
  });
});

describe('run with a suite file that does not load', () => {
  it('runs the other suites but fails, naming the file', async () => {
    const out = join(work, 'broken-suite');
    process.env['FIXTURE_BROKEN_SUITE'] = '1';
    try {
      const { code, stderr } = await run(['--smp', 'udp://127.0.0.1:1337', '--out', out]);
      expect(code).toBe(1);
      expect(stderr).toContain('run: suite file failed to load: suites/broken.suite.ts: this suite file failed to load');
      const target = readSummary(out).targets[0]!;
      expect(target.error).toContain('suites/broken.suite.ts');
      expect(target.cases.some((c) => c.id === 'FIX-MISC-001')).toBe(false);
      expect(target.totals.pass).toBe(3);
    } finally {
      delete process.env['FIXTURE_BROKEN_SUITE'];
    }
  }, 120_000);
});

describe('run usage and configuration errors exit 2 with one line', () => {
  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--level', 'OFTEN'], /--level expects MUST, SHOULD or MAY/],
    [['--seed', 'x'], /--seed expects an integer/],
    [['--transport', 'ble'], /--transport expects udp or serial/],
    [['--grep', '/(/'], /--grep is not a valid regular expression/],
    [['--smp', 'tcp://1.2.3.4:5'], /--smp tcp:\/\/1\.2\.3\.4:5: /],
    [['--smp', 'udp://127.0.0.1:1', '--fault', 'hang'], /--fault applies to simulator targets only/],
    [['--fault', 'no-such-fault'], /unknown fault profile 'no-such-fault'/],
    [['--targets', '/nonexistent/targets.json'], /targets\.json: file not found/],
    [['--target', 'nope'], /no target named 'nope'/],
    [['--grep', 'NO-SUCH-CASE'], /no case matches the filters/],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await run(argv as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
