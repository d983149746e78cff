/**
 * Process targets through the real executable: the SMP simulator run as a child process that
 * prints its pseudo-terminal the way native_sim does, reached over that pty; with crash detection
 * off, a process that crashes mid-run turns the later cases broken with its last output lines,
 * its output kept.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'process-target-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/native-sim-like.mjs');

function targetsFile(name: string, extraArgs: string[], extra: Record<string, unknown> = {}): string {
  const file = join(work, `${name}.json`);
  const target = { kind: 'process', process: { command: [process.execPath, fixture, ...extraArgs], cwd: work }, capabilities: ['smp.os.reset'], ...extra };
  writeFileSync(file, JSON.stringify({ $schema: join(PACKAGE_ROOT, 'schema/targets.schema.json'), schemaVersion: 1, targets: { [name]: target } }));
  return file;
}

describe('process targets (real child process, real pty)', () => {
  it('starts the process, reaches it at the pty it printed, keeps its output, stops its process group', async () => {
    const out = join(work, 'ok-reports');
    const r = await runCli(['run', '--targets', targetsFile('native', []), '--grep', 'SMP-OS-ECHO-', '--out', out, '--seed', '3'], 180_000);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const summary = readSummary(out)!;
    const target = summary.targets[0]!;
    expect(target.transport).toBe('serial');
    expect(target.cases.length).toBeGreaterThan(0);
    expect(target.cases.every((c) => c.outcome === 'pass' || c.outcome === 'informational'), JSON.stringify(target.cases.map((c) => [c.id, c.outcome]))).toBe(true);
    const log = readFileSync(join(out, 'native', 'process-output.log'), 'utf8');
    expect(log).toMatch(/UART connected to pseudotty: \/dev\/pts\/\d+/);
    expect(log).toMatch(/\[mgmt-conformance\] exit: /);
    expect(existsSync(join(out, 'native', 'process-exit.json'))).toBe(false);
  }, 240_000);

  // With crash detection on (the default) the crash watch attributes the exit and restarts the
  // process (test/selftest/crash.test.ts); with it off, the later cases are broken.
  it('with crash detection off, a process that crashes mid-run turns the remaining cases broken, naming its last output lines', async () => {
    const out = join(work, 'crash-reports');
    const r = await runCli(['run', '--targets', targetsFile('crashing', ['--crash-after', '3000'], { crash: { detect: false } }), '--suite', 'smp/os', '--out', out, '--seed', '3'], 240_000);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const cases = readSummary(out)!.targets[0]!.cases;
    const broken = cases.filter((c) => c.outcome === 'broken');
    expect(broken.length, JSON.stringify(cases.map((c) => [c.id, c.outcome]))).toBeGreaterThan(0);
    // A case running when the process dies may end on the dead link (naming it); the later ones name the exit and its last lines.
    const told = broken.filter((c) => /target process 'crashing' exited with code 3; last output: .*ZEPHYR FATAL ERROR/.test(c.message));
    expect(told.length, JSON.stringify(broken.map((c) => c.message))).toBeGreaterThan(0);
    for (const c of broken) expect(told.includes(c) || /device-pty/.test(c.message), c.message).toBe(true);
    const exit = JSON.parse(readFileSync(join(out, 'crashing', 'process-exit.json'), 'utf8')) as { code: number; lastLines: string[] };
    expect(exit.code).toBe(3);
    expect(readFileSync(join(out, 'crashing', 'process-output.log'), 'utf8')).toContain('USAGE FAULT');
  }, 300_000);
});
