/**
 * `mgmt-conformance targets` through the real executable: list, check (the simulator and a
 * process target reached, an unreachable loopback port named), import-twister, and bad
 * configuration files refused with exit 2 and one line naming the JSON pointer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'targets-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, doc: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/native-sim-like.mjs');
const good = {
  schemaVersion: 1,
  defaultTarget: 'sim',
  targets: {
    sim: { kind: 'sim' },
    native: { kind: 'process', process: { command: [process.execPath, fixture] } },
    // Port 9 (discard) on loopback: nothing answers SMP there.
    silent: { kind: 'udp', smp: 'udp://127.0.0.1:9', timeoutMs: 500 },
  },
};

describe('mgmt-conformance targets', () => {
  it('lists, checks (reach and timing) and names the target that does not answer', async () => {
    const path = file('targets.json', good);
    const list = await runCli(['targets', 'list', '--targets', path], 60_000);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^sim \*\s+sim\s+simulator/m);
    expect(list.stdout).toMatch(/^native\s+process\s+.*native-sim-like\.mjs → printed pty\s+reset restart$/m);
    const r = await runCli(['targets', 'check', '--targets', path], 120_000);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toMatch(/: valid, 3 target\(s\)/);
    expect(r.stdout).toMatch(/^sim: SMP echo answered in [\d.]+ ms at udp:\/\/127\.0\.0\.1:\d+ \(started in \d+ ms\)$/m);
    expect(r.stdout).toMatch(/^native: SMP echo answered in [\d.]+ ms at serial:\/\/.*device-pty\?baud=115200 \(started in \d+ ms\)$/m);
    expect(r.stdout).toMatch(/^silent: no answer: .*udp:\/\/127\.0\.0\.1:9/m);
    const only = await runCli(['targets', 'check', '--targets', path, '--target', 'sim'], 60_000);
    expect(only.code, only.stderr).toBe(0);
  }, 240_000);

  it('imports a twister hardware map into a targets.json the run accepts', async () => {
    const out = join(work, 'from-map.json');
    const r = await runCli(['targets', 'import-twister', join(PACKAGE_ROOT, 'test/fixtures/twister/hardware-map.yml'), '--out', out], 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('left out nucleo_f429zi-12345: not connected');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { targets: Record<string, { smp: string }> };
    expect(Object.keys(doc.targets)).toEqual(['nrf52840dk-000683759358', 'frdm_k64f-0240000032044e4500']);
    const check = await runCli(['targets', 'check', '--targets', out, '--no-reach'], 60_000);
    expect(check.code, check.stderr).toBe(0);
    const list = await runCli(['targets', 'list', '--hardware-map', join(PACKAGE_ROOT, 'test/fixtures/twister/hardware-map.yml')], 60_000);
    expect(list.stdout).toMatch(/^frdm_k64f-0240000032044e4500\s+serial\s+serial:\/\/\/dev\/ttyACM1\?baud=115200\s+reset command$/m);
  }, 180_000);

  it.each([
    ['argv not an array', { schemaVersion: 1, targets: { p: { kind: 'process', process: { command: 'zephyr.exe' } } } }, '#/targets/p/process/command: expected an argv array'],
    ['unknown reset method', { schemaVersion: 1, targets: { b: { kind: 'udp', smp: 'udp://127.0.0.1:9', reset: { method: 'reboot' } } } }, '#/targets/b/reset/method: expected one of "smp", "command", "restart", "none", got "reboot"'],
    ['budget not a number', { schemaVersion: 1, targets: { s: { kind: 'sim', budgets: { timing: { 'smp.os.*': { p95: '5ms' } } } } } }, '#/targets/s/budgets/timing/smp.os.*/p95: expected a positive number, got "5ms"'],
  ])('%s: exit 2, one line with the pointer', async (_name, doc, says) => {
    const path = file(`bad-${_name.replace(/\W+/g, '-')}.json`, doc);
    const r = await runCli(['targets', 'check', '--targets', path, '--no-reach'], 60_000);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`${path}${says}`);
  }, 60_000);
});
