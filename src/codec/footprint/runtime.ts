/**
 * Runtime memory as a device reports it: SMP thread stacks (`os taskstat`), SMP memory pools
 * (`os mpstat`) and the LwM2M Device object's Memory Free / Memory Total, with limits judged
 * into findings that quote the figures.
 * @see docs/spec/smp.md §3.1.2, §3.1.3; docs/spec/lwm2m.md §4.4 (Device object resources 10, 21)
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { MpStatRsp, TaskStatRsp } from '../smp/groups/os.ts';

/** taskstat reports `stksiz` / `stkuse` in 4-byte words. @see docs/spec/smp.md §3.1.2 */
export const TASKSTAT_WORD_BYTES = 4;

export interface ThreadStackUsage {
  thread: string;
  stackBytes: number;
  /** Peak use; absent when the device does not measure it (no `CONFIG_INIT_STACKS`). */
  usedBytes?: number;
  usedPercent?: number;
}

export interface PoolUsage {
  pool: string;
  blockBytes: number;
  blocks: number;
  freeBlocks: number;
  /** Fewest free blocks seen: `blocks - minFreeBlocks` is the peak use. */
  minFreeBlocks: number;
  peakUsedPercent: number;
}

/** Memory Free / Memory Total of the LwM2M Device object, in kB as the object states them. */
export interface DeviceMemory {
  freeKB: number;
  totalKB: number;
  usedPercent: number;
}

const percent = (part: number, whole: number): number => Math.round((part / whole) * 1000) / 10;

/** Thread stacks from a taskstat response; threads without `stksiz` are left out. */
export function threadStacksFromTaskstat(rsp: TaskStatRsp): ThreadStackUsage[] {
  const out: ThreadStackUsage[] = [];
  for (const [thread, t] of Object.entries(rsp.tasks)) {
    if (t.stksiz === undefined) continue;
    const stackBytes = t.stksiz * TASKSTAT_WORD_BYTES;
    const usedBytes = t.stkuse === undefined ? undefined : t.stkuse * TASKSTAT_WORD_BYTES;
    out.push({ thread, stackBytes, ...(usedBytes !== undefined && stackBytes > 0 ? { usedBytes, usedPercent: percent(usedBytes, stackBytes) } : {}) });
  }
  return out;
}

/** Memory pools from an mpstat response. */
export function poolsFromMpstat(rsp: MpStatRsp): PoolUsage[] {
  return Object.entries(rsp).map(([pool, p]) => ({
    pool, blockBytes: p.blksiz, blocks: p.nblks, freeBlocks: p.nfree, minFreeBlocks: p.min,
    peakUsedPercent: p.nblks > 0 ? percent(p.nblks - p.min, p.nblks) : 0,
  }));
}

/** Memory Free (/3/0/10) and Memory Total (/3/0/21) read from a device, checked for sense. */
export function deviceMemoryFromLwm2m(freeKB: unknown, totalKB: unknown): Result<DeviceMemory, string> {
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!isCount(freeKB)) return err(`Memory Free (/3/0/10) is ${JSON.stringify(freeKB)}, not a non-negative integer kB`);
  if (!isCount(totalKB) || totalKB === 0) return err(`Memory Total (/3/0/21) is ${JSON.stringify(totalKB)}, not a positive integer kB`);
  if (freeKB > totalKB) return err(`Memory Free ${freeKB} kB exceeds Memory Total ${totalKB} kB`);
  return ok({ freeKB, totalKB, usedPercent: percent(totalKB - freeKB, totalKB) });
}

/** Limits on runtime memory; absent limits are not checked. */
export interface RuntimeMemoryBudget {
  /** Highest peak stack use of any thread, in percent of its stack. */
  maxStackUsePercent?: number;
  /** Highest peak use of any memory pool, in percent of its blocks. */
  maxPoolPeakPercent?: number;
  /** Least Memory Free the LwM2M Device object may report, in kB. */
  minDeviceFreeKB?: number;
}

export interface RuntimeMemorySample {
  stacks?: ThreadStackUsage[];
  pools?: PoolUsage[];
  device?: DeviceMemory;
}

export interface RuntimeFinding {
  /** `stack:<thread>`, `pool:<name>` or `device`. */
  scope: string;
  status: 'pass' | 'fail' | 'missing';
  message: string;
}

function judgeStacks(stacks: ThreadStackUsage[] | undefined, limit: number): RuntimeFinding[] {
  if (!stacks?.length) return [{ scope: 'stack', status: 'missing', message: `no thread stack figures (taskstat) to check against ${limit} %` }];
  return stacks.map((s) => {
    if (s.usedPercent === undefined) return { scope: `stack:${s.thread}`, status: 'missing', message: `${s.thread}: stack ${s.stackBytes} bytes, use not measured (no stkuse)` };
    const pass = s.usedPercent <= limit;
    return { scope: `stack:${s.thread}`, status: pass ? 'pass' : 'fail', message: `${s.thread}: stack use ${s.usedBytes} of ${s.stackBytes} bytes (${s.usedPercent} %), limit ${limit} %` };
  });
}

/** Judge a runtime sample against its limits. */
export function evaluateRuntimeMemory(sample: RuntimeMemorySample, budget: RuntimeMemoryBudget): { pass: boolean; findings: RuntimeFinding[] } {
  const findings: RuntimeFinding[] = [];
  if (budget.maxStackUsePercent !== undefined) findings.push(...judgeStacks(sample.stacks, budget.maxStackUsePercent));
  const poolLimit = budget.maxPoolPeakPercent;
  if (poolLimit !== undefined) {
    if (!sample.pools?.length) findings.push({ scope: 'pool', status: 'missing', message: `no memory pool figures (mpstat) to check against ${poolLimit} %` });
    for (const p of sample.pools ?? []) {
      const pass = p.peakUsedPercent <= poolLimit;
      findings.push({ scope: `pool:${p.pool}`, status: pass ? 'pass' : 'fail', message: `${p.pool}: peak ${p.blocks - p.minFreeBlocks} of ${p.blocks} blocks of ${p.blockBytes} bytes (${p.peakUsedPercent} %), limit ${poolLimit} %` });
    }
  }
  const minFree = budget.minDeviceFreeKB;
  if (minFree !== undefined) {
    const d = sample.device;
    findings.push(d
      ? { scope: 'device', status: d.freeKB >= minFree ? 'pass' : 'fail', message: `Memory Free ${d.freeKB} of ${d.totalKB} kB (${d.usedPercent} % used), limit at least ${minFree} kB free` }
      : { scope: 'device', status: 'missing', message: `no Device object Memory Free to check against ${minFree} kB` });
  }
  return { pass: findings.every((f) => f.status === 'pass'), findings };
}
