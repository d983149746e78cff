/**
 * The simulated LwM2M clients of the scale bench in a process of their own
 * (`mgmt-conformance sim --lwm2m URI --clients N`), as real devices would be: the server's
 * figures are then the harness's, not shared with the simulator's event loop. Reads the child's
 * memory and CPU time from Linux /proc while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/mgmt-conformance.js', import.meta.url));

/** Memory and CPU time of a process (Linux /proc), unrounded. */
export interface ProcessFigures {
  /** Peak resident set size (VmHWM), bytes. */
  peakRssBytes: number;
  /** Resident set size now (VmRSS), bytes. */
  rssBytes: number;
  /** User plus system CPU time so far, ms. */
  cpuMs: number;
}

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** Figures of process `pid` ('self' for this one); undefined when /proc cannot be read. */
export function processFigures(pid: number | 'self'): ProcessFigures | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS'), cpuMs: (cpuTicks * 1000) / USER_HZ };
  } catch {
    return undefined;
  }
}

/**
 * Reset this process's peak RSS to its current RSS (Linux ≥ 4.0: `5` into /proc/self/clear_refs),
 * so a later VmHWM is the peak of what follows. False when the kernel refuses.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The running clients process. */
export interface ClientsProcess {
  readonly child: ChildProcess;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  /** Figures of the process now (undefined once it ended or without /proc). */
  figures(): ProcessFigures | undefined;
  /** SIGTERM (each client de-registers), then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Start `sim --lwm2m serverUri --clients count` with extra `args` (e.g. `--endpoint`, `--lifetime`).
 * Node flags for the child (e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile the clients) come
 * from `LWM2M_SCALE_CLIENTS_NODE_ARGS`, space-separated.
 */
export function startClientsProcess(serverUri: string, count: number, args: readonly string[] = []): ClientsProcess {
  const nodeArgs = (process.env['LWM2M_SCALE_CLIENTS_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bin, 'sim', '--lwm2m', serverUri, '--clients', String(count), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer): void => {
    // The head (start-up, errors) and the tail (summary lines) say what happened; the middle lists ports.
    out = out.length < 64 * 1024 ? out + chunk.toString() : out.slice(0, 32 * 1024) + chunk.toString().slice(-32 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // A bench that gives up (budget, watchdog) and exits must not leave the clients running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    process.off('exit', killOnExit);
    resolve();
  }));
  return {
    child,
    output: () => out,
    figures: () => (child.pid === undefined || child.exitCode !== null ? undefined : processFigures(child.pid)),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
