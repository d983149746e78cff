/**
 * Resident memory of a process and everything it started (Linux /proc): sampled at an interval,
 * the tree is the root plus every process whose parent chain leads to it (the target-run
 * children live in process groups of their own, so the chain, not the group, decides). Reports
 * the highest sum over one sample (what the machine had to hold at once) and each process's own
 * peak (VmHWM), in bytes, unrounded.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** What the sampler saw. */
export interface TreeRssFigures {
  /** Highest sum of the tree's resident set sizes in one sample, bytes. */
  peakTreeRssBytes: number;
  /** Sum of each process's own peak (VmHWM): an upper bound, as the peaks need not coincide. */
  sumOfProcessPeaksBytes: number;
  /** The largest single process's peak, bytes, and its command. */
  largestProcessPeakBytes: number;
  largestProcessCommand: string;
  /** Processes seen in the tree over the run. */
  processCount: number;
  /** Each process's own peak, largest first: what the memory goes to. */
  processes: { command: string; peakBytes: number }[];
  samples: number;
  intervalMs: number;
  /** How the figures were taken, in words, for reports that quote them. */
  method?: string;
}

interface ProcInfo {
  ppid: number;
  rssBytes: number;
  hwmBytes: number;
  command: string;
}

function kbField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    // The program and its last argument (the script or job file) say which process it is.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const command = argv.length > 1 ? `${argv[0]} … ${argv[argv.length - 1]}` : (argv[0] ?? '');
    return { ppid, rssBytes: kbField(status, 'VmRSS'), hwmBytes: kbField(status, 'VmHWM'), command };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

/** Every live process under `rootPid` (itself included), with its memory figures. */
export function processTree(rootPid: number): Map<number, ProcInfo> {
  const all = new Map<number, ProcInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) all.set(Number(name), info);
  }
  const tree = new Map<number, ProcInfo>();
  const children = new Map<number, number[]>();
  for (const [pid, info] of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), pid]);
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const info = all.get(pid);
    if (info === undefined || tree.has(pid)) continue;
    tree.set(pid, info);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Sample the tree under `rootPid` every `intervalMs` until `stop()`; `stop` returns the figures. */
export function sampleTreeRss(rootPid: number, intervalMs = 100): { stop: () => TreeRssFigures } {
  const peaks = new Map<number, { hwm: number; command: string }>();
  let peakTree = 0;
  let samples = 0;
  const sample = (): void => {
    const tree = processTree(rootPid);
    let sum = 0;
    for (const [pid, info] of tree) {
      sum += info.rssBytes;
      const seen = peaks.get(pid);
      if (!seen || info.hwmBytes > seen.hwm) peaks.set(pid, { hwm: Math.max(info.hwmBytes, info.rssBytes), command: info.command });
    }
    peakTree = Math.max(peakTree, sum);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const largest = [...peaks.values()].sort((a, b) => b.hwm - a.hwm)[0];
      return {
        peakTreeRssBytes: peakTree,
        sumOfProcessPeaksBytes: [...peaks.values()].reduce((n, p) => n + p.hwm, 0),
        largestProcessPeakBytes: largest?.hwm ?? 0,
        largestProcessCommand: largest?.command ?? '',
        processCount: peaks.size,
        processes: [...peaks.values()].sort((a, b) => b.hwm - a.hwm).map((p) => ({ command: p.command, peakBytes: p.hwm })),
        samples,
        intervalMs,
        method: `peak of the tree's summed VmRSS over ${samples} samples ${intervalMs} ms apart (/proc); per process its own VmHWM`,
      };
    },
  };
}
