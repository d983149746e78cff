/** Runtime memory: taskstat stacks, mpstat pools, LwM2M Device object memory, judged against limits. */
import { describe, expect, it } from 'vitest';
import {
  deviceMemoryFromLwm2m, evaluateRuntimeMemory, poolsFromMpstat, threadStacksFromTaskstat,
} from '../../../../src/codec/footprint/index.ts';
import type { TaskStatRsp } from '../../../../src/codec/smp/groups/os.ts';

// Shape of a Zephyr taskstat reply (stack figures in 4-byte words); the numbers are made up.
const taskstat: TaskStatRsp = {
  tasks: {
    idle: { prio: 15, tid: 0, state: 0, stksiz: 80, stkuse: 20 },
    main: { prio: 0, tid: 1, state: 1, stksiz: 512, stkuse: 500 },
    mcumgr_smp: { prio: 3, tid: 2, state: 1, stksiz: 512 },
    sysworkq: { prio: -1, tid: 3, state: 1 },
  },
};

describe('threadStacksFromTaskstat', () => {
  it('converts words to bytes; no stkuse means use not measured; no stksiz leaves the thread out', () => {
    expect(threadStacksFromTaskstat(taskstat)).toEqual([
      { thread: 'idle', stackBytes: 320, usedBytes: 80, usedPercent: 25 },
      { thread: 'main', stackBytes: 2048, usedBytes: 2000, usedPercent: 97.7 },
      { thread: 'mcumgr_smp', stackBytes: 2048 },
    ]);
  });
});

describe('evaluateRuntimeMemory', () => {
  const stacks = threadStacksFromTaskstat(taskstat);
  const pools = poolsFromMpstat({ net_buf: { blksiz: 128, nblks: 16, nfree: 12, min: 2 } });

  it('stack limit: a thread over it fails with its figures, an unmeasured one is missing', () => {
    const v = evaluateRuntimeMemory({ stacks }, { maxStackUsePercent: 90 });
    expect(v.pass).toBe(false);
    expect(v.findings.map((f) => [f.scope, f.status])).toEqual([['stack:idle', 'pass'], ['stack:main', 'fail'], ['stack:mcumgr_smp', 'missing']]);
    expect(v.findings[1]!.message).toBe('main: stack use 2000 of 2048 bytes (97.7 %), limit 90 %');
  });

  it('pool peak and Device object free memory pass or fail on their limits', () => {
    expect(pools).toEqual([{ pool: 'net_buf', blockBytes: 128, blocks: 16, freeBlocks: 12, minFreeBlocks: 2, peakUsedPercent: 87.5 }]);
    const device = deviceMemoryFromLwm2m(24, 64);
    expect(device).toEqual({ ok: true, value: { freeKB: 24, totalKB: 64, usedPercent: 62.5 } });
    if (!device.ok) return;
    expect(evaluateRuntimeMemory({ pools, device: device.value }, { maxPoolPeakPercent: 90, minDeviceFreeKB: 16 }).pass).toBe(true);
    const over = evaluateRuntimeMemory({ pools, device: device.value }, { maxPoolPeakPercent: 80, minDeviceFreeKB: 32 });
    expect(over.findings.map((f) => f.status)).toEqual(['fail', 'fail']);
    expect(over.findings[1]!.message).toBe('Memory Free 24 of 64 kB (62.5 % used), limit at least 32 kB free');
  });

  it('a limit with nothing to judge is missing, not passed', () => {
    const v = evaluateRuntimeMemory({}, { maxStackUsePercent: 80, maxPoolPeakPercent: 80, minDeviceFreeKB: 1 });
    expect(v).toMatchObject({ pass: false, findings: [{ status: 'missing' }, { status: 'missing' }, { status: 'missing' }] });
  });
});

describe('deviceMemoryFromLwm2m refuses values that make no sense', () => {
  const bad: [unknown, unknown, RegExp][] = [
    ['12', 64, /Memory Free \(\/3\/0\/10\) is "12"/],
    [-1, 64, /Memory Free/],
    [12, 0, /Memory Total \(\/3\/0\/21\) is 0/],
    [12, 1.5, /Memory Total/],
    [65, 64, /Memory Free 65 kB exceeds Memory Total 64 kB/],
  ];
  for (const [free, total, message] of bad) {
    it(`${JSON.stringify(free)} / ${JSON.stringify(total)}`, () => {
      const r = deviceMemoryFromLwm2m(free, total);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(message);
    });
  }
});
