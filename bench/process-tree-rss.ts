/**
 * Memory of a process and everything it started (Linux /proc): sampled at an interval, the tree
 * is the root plus every process whose parent chain leads to it (the target-run children live in
 * process groups of their own, so the chain, not the group, decides). Two sums per sample:
 * - RSS (`/proc/PID/status` VmRSS): every page a process has resident, so pages shared between
 *   processes (the node binary, shared libraries, page cache of the same files) count once per
 *   process: an upper bound of what the tree holds.
 * - PSS (`/proc/PID/smaps_rollup` Pss): each resident page divided by the number of processes
 *   mapping it, so a page shared by the tree's ten node processes counts a tenth in each: summed
 *   over the tree, what the machine holds for it at once. A page shared with processes outside
 *   the tree (another node program on the machine) is divided among those too, so on a busy
 *   machine the tree's PSS reads a little low on file pages; Pss_Anon (the private heap, stacks,
 *   V8's spaces) is not affected.
 * Each figure is also summed without the device side (the simulated devices' own processes), so
 * a reader sees the harness's figure and the whole run's. Bytes, unrounded.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Which side of the run a process is on. */
export type ProcessSide = 'harness' | 'device';

/** One process's peaks over the run. */
export interface ProcessPeak {
  command: string;
  side: ProcessSide;
  /** VmHWM: the process's own peak resident set. */
  peakBytes: number;
  /** Highest sampled Pss, Pss_Anon and Pss_File (smaps_rollup). */
  peakPssBytes: number;
  peakPssAnonBytes: number;
  peakPssFileBytes: number;
}

/** What the sampler saw. */
export interface TreeRssFigures {
  /** Highest sum of the tree's resident set sizes in one sample, bytes (shared pages once per process). */
  peakTreeRssBytes: number;
  /** Highest sum of the tree's PSS in one sample, bytes: the machine-memory figure. */
  peakTreePssBytes?: number;
  /** The same two sums over the harness's processes only (the device side left out). */
  peakHarnessRssBytes?: number;
  peakHarnessPssBytes?: number;
  /** Highest sum of Pss_Anon (private heap, V8 spaces, stacks) in one sample, whole tree. */
  peakTreePssAnonBytes?: number;
  /** Sum of each process's own peak (VmHWM): an upper bound, as the peaks need not coincide. */
  sumOfProcessPeaksBytes: number;
  /** The largest single process's peak, bytes, and its command. */
  largestProcessPeakBytes: number;
  largestProcessCommand: string;
  /** Processes seen in the tree over the run. */
  processCount: number;
  /** Each process's own peaks, largest RSS first: what the memory goes to. */
  processes: { command: string; peakBytes: number; side?: ProcessSide; peakPssBytes?: number; peakPssAnonBytes?: number; peakPssFileBytes?: number }[];
  samples: number;
  intervalMs: number;
  /** How the figures were taken, in words, for reports that quote them. */
  method?: string;
}

interface ProcInfo {
  ppid: number;
  rssBytes: number;
  hwmBytes: number;
  pssBytes: number;
  pssAnonBytes: number;
  pssFileBytes: number;
  command: string;
  side: ProcessSide;
}

function kbField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * The device side: the simulated devices' own processes (the LwM2M client simulator, started by
 * the worker, from the sources or the CLI bundle's `lwm2m-client.js`). The SMP simulator of a
 * `sim` target runs inside its target-run process and is counted there, with the harness.
 */
export function sideOf(argv: readonly string[]): ProcessSide {
  // The TypeScript sources under simulator/, or the CLI bundle's entry of the LwM2M client.
  return argv.some((a) => /[/\\]simulator[/\\]|[/\\]lwm2m-client\.js$/.test(a)) ? 'device' : 'harness';
}

/** Pss figures of a process; zero when smaps_rollup cannot be read (another user's process, a kernel without it). */
function readPss(pid: number): { pss: number; anon: number; file: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { pss: kbField(rollup, 'Pss'), anon: kbField(rollup, 'Pss_Anon'), file: kbField(rollup, 'Pss_File') };
  } catch {
    return { pss: 0, anon: 0, file: 0 };
  }
}

function readStatus(pid: number): { ppid: number; argv: string[]; status: string } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { ppid, argv, status };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

function procInfo(pid: number, s: { ppid: number; argv: string[]; status: string }): ProcInfo {
  const { argv, status } = s;
  // The program and its last argument (the script or job file) say which process it is.
  const command = argv.length > 1 ? `${argv[0]} … ${argv[argv.length - 1]}` : (argv[0] ?? '');
  const pss = readPss(pid);
  return { ppid: s.ppid, rssBytes: kbField(status, 'VmRSS'), hwmBytes: kbField(status, 'VmHWM'), pssBytes: pss.pss, pssAnonBytes: pss.anon, pssFileBytes: pss.file, command, side: sideOf(argv) };
}

/** Every live process under `rootPid` (itself included), with its memory figures. */
export function processTree(rootPid: number): Map<number, ProcInfo> {
  const all = new Map<number, { ppid: number; argv: string[]; status: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStatus(Number(name));
    if (s) all.set(Number(name), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const tree = new Map<number, ProcInfo>();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const s = all.get(pid);
    if (s === undefined || tree.has(pid)) continue;
    // smaps_rollup only for the tree's processes: it walks every mapping.
    tree.set(pid, procInfo(pid, s));
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

interface Sums {
  rss: number;
  pss: number;
  harnessRss: number;
  harnessPss: number;
  pssAnon: number;
}

const SUM_KEYS = ['rss', 'pss', 'harnessRss', 'harnessPss', 'pssAnon'] as const;

function sumsOf(tree: Map<number, ProcInfo>): Sums {
  const s: Sums = { rss: 0, pss: 0, harnessRss: 0, harnessPss: 0, pssAnon: 0 };
  for (const info of tree.values()) {
    s.rss += info.rssBytes;
    s.pss += info.pssBytes;
    s.pssAnon += info.pssAnonBytes;
    if (info.side === 'harness') {
      s.harnessRss += info.rssBytes;
      s.harnessPss += info.pssBytes;
    }
  }
  return s;
}

function keepPeak(peaks: Map<number, ProcessPeak>, pid: number, info: ProcInfo): void {
  const seen = peaks.get(pid);
  // The latest command line names the process (a child sampled between fork and exec still shows
  // its parent's); an ended process (a zombie) has none left: it keeps the one it had.
  const named = info.command !== '' || seen === undefined ? info : seen;
  peaks.set(pid, {
    command: named.command,
    side: named.side,
    peakBytes: Math.max(seen?.peakBytes ?? 0, info.hwmBytes, info.rssBytes),
    peakPssBytes: Math.max(seen?.peakPssBytes ?? 0, info.pssBytes),
    peakPssAnonBytes: Math.max(seen?.peakPssAnonBytes ?? 0, info.pssAnonBytes),
    peakPssFileBytes: Math.max(seen?.peakPssFileBytes ?? 0, info.pssFileBytes),
  });
}

function methodText(samples: number, intervalMs: number): string {
  return [
    `sampled ${samples} times ${intervalMs} ms apart from /proc over the process tree (the root and every process whose parent chain leads to it).`,
    "peakTreeRssBytes: highest per-sample sum of VmRSS (status): shared pages (node binary, libraries) count once per process, an upper bound.",
    "peakTreePssBytes: highest per-sample sum of Pss (smaps_rollup): each page divided among the processes mapping it, what the machine holds for the tree at once (pages shared with processes outside the tree are divided among them too).",
    "peakHarnessRssBytes / peakHarnessPssBytes: the same sums (each its own highest sample) without the device side (processes running the simulator's own entry, the simulated LwM2M clients; the SMP simulator runs inside its target-run process and stays in the harness figure).",
    'peakTreePssAnonBytes: highest per-sample sum of Pss_Anon. Per process: VmHWM (peakBytes) and the highest sampled Pss, Pss_Anon, Pss_File.',
  ].join(' ');
}

/** Sample the tree under `rootPid` every `intervalMs` until `stop()`; `stop` returns the figures. */
export function sampleTreeRss(rootPid: number, intervalMs = 100): { stop: () => TreeRssFigures } {
  const peaks = new Map<number, ProcessPeak>();
  const top: Sums = { rss: 0, pss: 0, harnessRss: 0, harnessPss: 0, pssAnon: 0 };
  let samples = 0;
  const sample = (): void => {
    const tree = processTree(rootPid);
    for (const [pid, info] of tree) keepPeak(peaks, pid, info);
    const now = sumsOf(tree);
    for (const k of SUM_KEYS) top[k] = Math.max(top[k], now[k]);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const processes = [...peaks.values()].sort((a, b) => b.peakBytes - a.peakBytes);
      const largest = processes[0];
      return {
        peakTreeRssBytes: top.rss,
        peakTreePssBytes: top.pss,
        peakHarnessRssBytes: top.harnessRss,
        peakHarnessPssBytes: top.harnessPss,
        peakTreePssAnonBytes: top.pssAnon,
        sumOfProcessPeaksBytes: processes.reduce((n, p) => n + p.peakBytes, 0),
        largestProcessPeakBytes: largest?.peakBytes ?? 0,
        largestProcessCommand: largest?.command ?? '',
        processCount: peaks.size,
        processes,
        samples,
        intervalMs,
        method: methodText(samples, intervalMs),
      };
    },
  };
}
