/** Session.resetDevice by the target's reset method, against the real simulator over loopback UDP. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResetOptions, RunTarget } from '../../../src/config/index.ts';
import { startSimulatorDevice, type StartedDevice } from '../../../src/target/device-start.ts';
import { Session } from '../../../src/target/session.ts';

let device: StartedDevice;
beforeAll(async () => {
  device = await startSimulatorDevice({ transport: 'udp', faults: [] });
});
afterAll(async () => device.stop());

function target(reset: ResetOptions): RunTarget {
  return {
    name: 'board', kind: 'udp', smp: device.smp, transport: 'udp', capabilities: ['smp.os.reset'], timeoutMs: 1000, strict: false, seed: 1,
    faults: [], allowDestructive: true, readyTimeoutMs: 5000, budgets: {}, listening: {}, reset,
  };
}

async function withSession<T>(reset: ResetOptions, body: (s: Session) => Promise<T>): Promise<T> {
  const s = await Session.open(target(reset));
  try {
    return await body(s);
  } finally {
    await s.close();
  }
}

describe('Session.resetDevice', () => {
  it('smp: os reset, then ready again; the time is measured and kept in the timing figures', async () => {
    await withSession({ method: 'smp', readiness: 'smp-echo' }, async (s) => {
      const ms = await s.resetDevice();
      expect(ms).toBeGreaterThan(0);
      expect(s.timingFigures()['reset.toReady']?.count).toBe(1);
      expect(s.timingFigures()['smp.os.reset']?.count).toBe(1);
    });
  }, 30_000);

  it('command: runs the argv (no shell) and waits for the device', async () => {
    const marker = join(tmpdir(), `relay-reset-${process.pid}-${Date.now()}`);
    await withSession({ method: 'command', command: [process.execPath, '-e', 'require("node:fs").writeFileSync(process.argv[1], "pressed")', marker], readiness: 'smp-echo' }, async (s) => {
      expect(existsSync(marker)).toBe(false);
      expect(await s.resetDevice()).toBeGreaterThan(0);
      expect(readFileSync(marker, 'utf8')).toBe('pressed');
    });
    rmSync(marker, { force: true });
  }, 30_000);

  it('command that fails: rejected with its status and last output', async () => {
    await withSession({ method: 'command', command: [process.execPath, '-e', 'console.error("relay: no such port"); process.exit(4)'], readiness: 'smp-echo' }, async (s) => {
      await expect(s.resetDevice()).rejects.toThrow(/exited with code 4: relay: no such port/);
    });
  }, 30_000);

  it('none: refused, naming the method', async () => {
    await withSession({ method: 'none', readiness: 'smp-echo' }, async (s) => {
      await expect(s.resetDevice()).rejects.toThrow(/cannot be reset \(reset method "none"\)/);
    });
  }, 30_000);
});
