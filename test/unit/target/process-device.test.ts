/** startProcessTarget with real child processes: restart after a clean exit, start failures told with the output. */
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../../src/config/index.ts';
import { startProcessTarget } from '../../../src/target/process/index.ts';
import { PACKAGE_ROOT } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'process-device-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/native-sim-like.mjs');

function target(command: string[], extra: Partial<TargetConfig> = {}): TargetConfig {
  return { name: 'p', kind: 'process', capabilities: [], timeoutMs: 2000, strict: false, budgets: {}, process: { command, cwd: work, ready: { timeoutMs: 30_000 } }, ...extra };
}

const until = async (check: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
};

describe('startProcessTarget', () => {
  it('restarts a process that exits cleanly (a reboot) and keeps the pty link stable', async () => {
    const dir = join(work, 'reboot');
    const started = await startProcessTarget(target([process.execPath, fixture, '--exit-first']), dir);
    try {
      const firstPty = readlinkSync(join(dir, 'device-pty'));
      expect(started.smp).toBe(`serial://${join(dir, 'device-pty')}?baud=115200`);
      await until(() => started.starts === 2 && readFileSync(join(dir, 'process-output.log'), 'utf8').split('UART connected').length === 3, 30_000);
      expect(started.starts).toBe(2);
      expect(readlinkSync(join(dir, 'device-pty'))).toMatch(/^\/dev\/pts\/\d+$/);
      expect(firstPty).toMatch(/^\/dev\/pts\/\d+$/);
      expect(existsSync(join(dir, 'process-exit.json'))).toBe(false);
    } finally {
      await started.stop();
    }
  }, 60_000);

  it('a process that ends before printing a pty is refused with its last output', async () => {
    const script = 'console.log("zephyr: no such board"); process.exit(2)';
    await expect(startProcessTarget(target([process.execPath, '-e', script]), join(work, 'early'))).rejects.toThrow(/exited \(code 2\) before it printed a pseudo-terminal; last output: .*zephyr: no such board/);
  });

  it('a program that does not exist is refused naming it', async () => {
    await expect(startProcessTarget(target([join(work, 'no-such-zephyr.exe')]), join(work, 'missing'))).rejects.toThrow(/cannot start .*no-such-zephyr\.exe: .*ENOENT/);
  });

  it('a process that prints nothing matching is stopped after the ready timeout', async () => {
    const t = target([process.execPath, '-e', 'console.log("booting"); setInterval(() => {}, 1000)']);
    t.process!.ready = { timeoutMs: 1500 };
    await expect(startProcessTarget(t, join(work, 'silent'))).rejects.toThrow(/no pseudo-terminal printed within 1500 ms; last output: .*booting/);
  });

  it('a fixed endpoint needs no pty line; the QEMU form of the line is understood', async () => {
    const qemu = 'console.log("char device redirected to /dev/pts/77 (label serial0)"); setInterval(() => {}, 1000)';
    const started = await startProcessTarget(target([process.execPath, '-e', qemu]), join(work, 'qemu'));
    expect(readlinkSync(join(work, 'qemu', 'device-pty'))).toBe('/dev/pts/77');
    await started.stop();
    const fixed = await startProcessTarget(target([process.execPath, '-e', 'setInterval(() => {}, 1000)'], { smp: 'udp://127.0.0.1:1337' }), join(work, 'fixed'));
    expect(fixed.smp).toBe('udp://127.0.0.1:1337');
    await fixed.stop();
  });
});
