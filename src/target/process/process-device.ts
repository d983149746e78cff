/**
 * A device run as a local process: a Zephyr native_sim executable or a `qemu-system-*` line. The
 * process is started in its own process group (argv, never a shell), its output captured (a log
 * file kept as a report attachment, the last lines for messages), and its pseudo-terminal taken
 * from what it prints. The link is a stable symlink to that pseudo-terminal, so a restarted
 * process (native_sim exits on a reboot) is reached at the same connection string. An exit the
 * harness did not ask for is written to a status file the conformance worker reads: the remaining
 * cases turn broken with the process's last output lines.
 * @see docs/architecture.md "Who owns the device"
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListenAddresses, TargetConfig } from '../../config/index.ts';
import { resetOf } from '../../config/index.ts';
import { TransportError } from '../../errors.ts';
import { OutputTail } from './output-tail.ts';

/** native_sim: "UART connected to pseudotty: /dev/pts/5"; QEMU: "char device redirected to /dev/pts/5 (label serial0)". */
export const DEFAULT_PTY_PATTERNS: readonly RegExp[] = [/UART connected to pseudotty: (\/dev\/\S+)/, /char device redirected to (\/dev\/\S+)/];
/** How long a started process gets to print its pseudo-terminal unless `process.ready.timeoutMs` says otherwise. */
export const DEFAULT_PROCESS_READY_MS = 15_000;
/** Grace between SIGTERM and SIGKILL when stopping the process group. */
export const PROCESS_STOP_MS = 3000;
/** Environment variable a process target finds the LwM2M server address in. */
export const LWM2M_SERVER_ENV = 'MGMT_LWM2M_SERVER';
/** Baud rate written into the pseudo-terminal's connection string (a pty ignores it). */
const PTY_BAUD = 115_200;

/** What the status file says after the process ended without being asked to. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The process's last output lines. */
  lastLines: string[];
  /** The full output file. */
  output: string | undefined;
}

/** Files of a started process target: its output (attachment) and the exit status the worker checks. */
export interface ProcessFiles {
  output: string;
  status: string;
  /**
   * Where the conformance worker asks the supervisor to restart the process (a crashed or hung
   * device): it writes `{ "id": N }` here; the supervisor answers in `<control>.done`.
   */
  control?: string;
}

/** How often the supervisor looks for a restart request. */
export const RESTART_POLL_MS = 50;

/** A running process target. */
export interface StartedProcess {
  /** Undefined for a device that only speaks LwM2M (it registers; no SMP link). */
  smp: string | undefined;
  files: ProcessFiles;
  /** Number of starts (1 + restarts after clean exits). */
  readonly starts: number;
  /** Stop the whole process group; never throws. */
  stop(): Promise<void>;
}

/** Where a run keeps a process target's files: `<outDir>/<key>/`. */
export function processFilesIn(dir: string): ProcessFiles & { pty: string; control: string } {
  return { output: join(dir, 'process-output.log'), status: join(dir, 'process-exit.json'), pty: join(dir, 'device-pty'), control: join(dir, 'process-restart.json') };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** One start of the process; resolves with the pseudo-terminal path it printed (undefined when `fixedSmp`). */
function launch(target: TargetConfig, tail: OutputTail, listening: ListenAddresses, fixedSmp: string | undefined): { child: ChildProcess; ready: Promise<string | undefined> } {
  const p = target.process;
  const [program, ...args] = p?.command ?? [];
  if (program === undefined) throw new TransportError(`target '${target.name}' has no process command`);
  const env = { ...process.env, ...p?.env, ...(listening.lwm2m !== undefined ? { [LWM2M_SERVER_ENV]: listening.lwm2m } : {}), ...(listening.lwm2mBootstrap !== undefined ? { MGMT_LWM2M_BOOTSTRAP: listening.lwm2mBootstrap } : {}) };
  tail.note(`start: ${[program, ...args].join(' ')}`);
  const child = spawn(program, args, { cwd: p?.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => tail.push(d));
  child.stderr?.on('data', (d: Buffer) => tail.push(d));
  const patterns = p?.ready?.pattern !== undefined ? [new RegExp(p.ready.pattern)] : DEFAULT_PTY_PATTERNS;
  const timeoutMs = p?.ready?.timeoutMs ?? DEFAULT_PROCESS_READY_MS;
  const ready = new Promise<string | undefined>((resolve, reject) => {
    if (fixedSmp !== undefined) {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => reject(new TransportError(`target '${target.name}': cannot start ${program}: ${e.message}`, { cause: e })));
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      off();
    };
    const timer = setTimeout(() => {
      done();
      reject(new TransportError(`target '${target.name}': no pseudo-terminal printed within ${timeoutMs} ms; last output: ${tail.last().join(' | ') || '(none)'}`));
    }, timeoutMs);
    const off = tail.onLine((line) => {
      for (const re of patterns) {
        const path = re.exec(line)?.[1];
        if (path === undefined) continue;
        done();
        resolve(path);
        return;
      }
    });
    child.once('error', (e) => {
      done();
      reject(new TransportError(`target '${target.name}': cannot start ${program}: ${e.message}`, { cause: e }));
    });
    onExit(child, (code, signal) => {
      done();
      reject(new TransportError(`target '${target.name}': process exited (${signal ?? `code ${code}`}) before it printed a pseudo-terminal; last output: ${tail.last().join(' | ') || '(none)'}`));
    });
  });
  return { child, ready };
}

/** Grace for the output pipes to drain after the process exited (a grandchild may hold them open). */
const OUTPUT_DRAIN_MS = 250;

/** Calls `then` once the process exited and its output was read (or the drain grace passed). */
function onExit(child: ChildProcess, then: (code: number | null, signal: NodeJS.Signals | null) => void): void {
  child.once('exit', (code, signal) => {
    let called = false;
    const call = (): void => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      then(code, signal);
    };
    const timer = setTimeout(call, OUTPUT_DRAIN_MS);
    child.once('close', call);
  });
}

function pointLink(link: string, path: string): void {
  rmSync(link, { force: true });
  symlinkSync(path, link);
}

/**
 * Start `target` (kind `process`) with its files in `dir`. A clean exit (status 0: native_sim
 * on a reboot) restarts it when the target's reset method is `restart`; any other exit is a crash,
 * recorded in `files.status`. Rejects with a `TransportError` carrying the last output lines when
 * the process does not come up; nothing stays running then.
 */
export async function startProcessTarget(target: TargetConfig, dir: string, listening: ListenAddresses = {}): Promise<StartedProcess> {
  const files = processFilesIn(dir);
  mkdirSync(dir, { recursive: true });
  rmSync(files.status, { force: true });
  const tail = new OutputTail(files.output);
  const restarts = resetOf(target).method === 'restart';
  // A device that only speaks LwM2M registers with the harness: no SMP link to wait for.
  const isLwm2mOnly = target.smp === undefined && target.lwm2m !== undefined && target.process?.ready?.pattern === undefined;
  let stopping = false;
  let starts = 0;
  let current: ChildProcess | undefined;

  const begin = async (): Promise<void> => {
    const { child, ready } = launch(target, tail, listening, isLwm2mOnly ? 'none' : target.smp);
    current = child;
    starts++;
    onExit(child, (code, signal) => {
      tail.note(`exit: ${signal ?? `code ${code}`}`);
      if (stopping || current !== child) return;
      if (code === 0 && restarts) {
        begin().catch((e: unknown) => recordExit(files, { code, signal, lastLines: [...tail.last(), String((e as Error).message)], output: files.output }));
        return;
      }
      recordExit(files, { code, signal, lastLines: tail.last(), output: files.output });
    });
    const pty = await ready.catch((e: unknown) => {
      killGroup(child, 'SIGKILL');
      throw e;
    });
    if (pty !== undefined) pointLink(files.pty, pty);
  };

  await begin();
  const restartOnRequest = watchRestartRequests(files.control, async () => {
    const old = current;
    current = undefined;
    // A crashed or hung device has nothing to save: no grace period.
    if (old) await killAndWait(old, 'SIGKILL');
    rmSync(files.status, { force: true });
    tail.note('restart requested by the harness');
    await begin();
  });
  const smp = target.smp ?? (isLwm2mOnly ? undefined : `serial://${files.pty}?baud=${PTY_BAUD}`);
  return {
    smp,
    files: { output: files.output, status: files.status, control: files.control },
    get starts() {
      return starts;
    },
    stop: async () => {
      stopping = true;
      restartOnRequest();
      const child = current;
      if (!child) return;
      // Returns once the exit is noted in the output log: the caller's process may end right after.
      const noted = child.exitCode === null && child.signalCode === null ? new Promise<void>((r) => onExit(child, () => r())) : undefined;
      await killAndWait(child);
      await noted;
    },
  };
}

/** Stop a child's process group (SIGTERM, SIGKILL after the grace) and wait for its exit. */
async function killAndWait(child: ChildProcess, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The process is gone, but a child it started may still hold the pseudo-terminal.
    killGroup(child, 'SIGKILL');
    return;
  }
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, first);
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), PROCESS_STOP_MS);
  await gone;
  clearTimeout(timer);
}

/**
 * Serve restart requests: a request file `{ "id": N }` appearing at `control` restarts the
 * process (whether it crashed, hangs or still runs); the outcome goes to `<control>.done` as
 * `{ "id": N, "ok": true }` or `{ "id": N, "ok": false, "error": "…" }`. Returns the stop function.
 */
function watchRestartRequests(control: string, restart: () => Promise<void>): () => void {
  rmSync(control, { force: true });
  rmSync(`${control}.done`, { force: true });
  let busy = false;
  const timer = setInterval(() => {
    if (busy || !existsSync(control)) return;
    busy = true;
    let id: unknown = null;
    try {
      id = (JSON.parse(readFileSync(control, 'utf8')) as { id?: unknown }).id ?? null;
    } catch {
      // A request being written: read it on the next tick.
      busy = false;
      return;
    }
    rmSync(control, { force: true });
    restart()
      .then(() => writeFileSync(`${control}.done`, `${JSON.stringify({ id, ok: true })}\n`))
      .catch((e: unknown) => writeFileSync(`${control}.done`, `${JSON.stringify({ id, ok: false, error: e instanceof Error ? e.message : String(e) })}\n`))
      .finally(() => (busy = false));
  }, RESTART_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function recordExit(files: ProcessFiles, exit: ProcessExit): void {
  writeFileSync(files.status, `${JSON.stringify(exit)}\n`);
}
