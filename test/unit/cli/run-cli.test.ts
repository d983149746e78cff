/**
 * `run` and `list` through the real executable (`node bin/mgmt-conformance.js`) against the real
 * simulator: the reports a user gets, an unreachable target, and usage errors.
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import { PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';
import { findAll, parseXml } from '../reporting/xml-check.ts';

const work = mkdtempSync(join(tmpdir(), 'run-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mgmt-conformance run (real process, real simulator)', () => {
  it('writes reports/summary.json, reports/junit-<target>.xml per transport and reports/allure-results', async () => {
    // From a folder without targets.json: the built-in simulator, reports in ./reports.
    const cwd = join(work, 'fresh');
    mkdirSync(cwd);
    const out = join(cwd, 'reports');
    const r = await runCli(['run', '--grep', 'SMP-OS-ECHO-', '--seed', '7'], 120_000, cwd);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^target\s+transport\s+pass/m);
    const summary = readSummary(out)!;
    expect(checkSummary(summary)).toEqual([]);
    expect(summary.seed).toBe(7);
    expect(summary.targets.map((t) => `${t.name}/${t.transport}`)).toEqual(['sim/udp', 'sim/serial']);
    for (const t of summary.targets) {
      expect(t.cases.length).toBeGreaterThan(0);
      expect(t.identity).toHaveProperty('bootloader');
      expect(t.capabilities).toContain('smp.os.echo');
    }
    const junitFiles = readdirSync(out).filter((f) => f.startsWith('junit-')).sort();
    expect(junitFiles).toEqual(['junit-sim-serial.xml', 'junit-sim-udp.xml']);
    const names = findAll(parseXml(readFileSync(join(out, 'junit-sim-udp.xml'), 'utf8')), 'testcase').map((t) => t.attributes.name);
    expect(names).toContain(`[${summary.targets[0]!.cases[0]!.id}] ${summary.targets[0]!.cases[0]!.title}`);
    const results = readdirSync(join(out, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    expect(results.length).toBe(summary.targets.reduce((n, t) => n + t.cases.length, 0));
  }, 180_000);

  // The two unanswered targets mostly wait out their timeouts: they run side by side.
  it.concurrent('--smp to a port nobody listens on: every case broken, reports written, exit 1, bounded time', async () => {
    const out = join(work, 'unreachable');
    const r = await runCli(['run', '--smp', 'udp://127.0.0.1:1', '--suite', 'smp/os', '--out', out, '--json'], 90_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.durationMs).toBeLessThan(60_000);
    const summary = JSON.parse(r.stdout) as ReturnType<typeof readSummary>;
    expect(readSummary(out)).toEqual(summary);
    const target = summary!.targets[0]!;
    expect(target.cases.length).toBeGreaterThan(0);
    expect(target.totals.broken).toBe(target.cases.length);
    expect(target.cases[0]!.message).toMatch(/no answer from udp:\/\/127\.0\.0\.1:1/);
    expect(existsSync(join(out, 'junit-smp.xml'))).toBe(true);
  }, 180_000);

  it.concurrent('a silent target (UDP socket that never answers) also ends broken within bounded time', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    let received = 0;
    silent.on('message', () => received++);
    try {
      const out = join(work, 'silent');
      const conn = `udp://127.0.0.1:${silent.address().port}`;
      const r = await runCli(['run', '--smp', conn, '--grep', 'SMP-OS-ECHO-001', '--out', out], 90_000);
      expect(r.code, r.stderr).toBe(1);
      expect(received).toBeGreaterThan(0);
      const target = readSummary(out)!.targets[0]!;
      expect(target.cases.map((c) => c.outcome)).toEqual(['broken']);
      expect(r.stdout).toContain(`no answer from ${conn}`);
    } finally {
      silent.close();
    }
  }, 180_000);

  it('starts a process target, reaches it, and stops it afterwards', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    probe.close();
    const targets = join(work, 'process-targets.json');
    const command = [process.execPath, join(PACKAGE_ROOT, 'bin', 'mgmt-conformance.js'), 'sim', '--udp', String(port)];
    const proc = { kind: 'process', smp: `udp://127.0.0.1:${port}`, process: { command, readyTimeoutMs: 20_000 } };
    writeFileSync(targets, JSON.stringify({ schemaVersion: 1, defaultTarget: 'proc', targets: { proc } }));
    const out = join(work, 'process');
    const r = await runCli(['run', '--targets', targets, '--grep', 'SMP-OS-ECHO-001', '--out', out], 120_000);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(readSummary(out)!.targets[0]!.cases.map((c) => c.outcome)).toEqual(['pass']);
    // The simulator process is gone: its port can be bound again.
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', () => resolve());
    });
    again.close();
  }, 180_000);

  it('bad flags and a bad targets file exit 2 with one line on stderr', async () => {
    for (const args of [['run', '--levle', 'MUST'], ['run', '--targets', join(work, 'missing.json')], ['list', '--level', 'SOMETIMES']]) {
      const r = await runCli(args, 60_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
  }, 180_000);

  it('list prints every case with id, level, title and spec', async () => {
    const r = await runCli(['list', '--json', '--suite', 'smp/os'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const cases = JSON.parse(r.stdout) as { id: string; level: string; title: string; spec: string }[];
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.id).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
      expect(['MUST', 'SHOULD', 'MAY']).toContain(c.level);
      expect(c.spec).not.toBe('');
    }
    const text = await runCli(['list', '--suite', 'smp/os'], 60_000);
    expect(text.stdout).toContain(`${cases[0]!.id}`);
    expect(text.stdout).toMatch(new RegExp(`${cases.length} case\\(s\\)`));
  }, 180_000);
});
