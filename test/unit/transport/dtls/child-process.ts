/** Child processes for interop tests: started with piped stdio, output collected, always killed. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';

/** A running tool with its output so far. */
export interface ToolRun {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Send SIGKILL if still running. */
  kill(): void;
}

/** Whether `command` runs on this machine (probed with the given arguments). */
export function hasTool(command: string, probeArgs: string[]): boolean {
  const probe = spawnSync(command, probeArgs, { timeout: 5000, stdio: 'ignore' });
  return probe.error === undefined;
}

/** Start a tool; stdout and stderr are merged into `output()`. */
export function startTool(command: string, args: string[], env: Record<string, string> = {}): ToolRun {
  const child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, ...env } });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (text += d.toString('latin1')));
  // A tool that exits before reading its stdin must not crash the test with EPIPE.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Wait until `get()` matches, or fail naming what was awaited and what was seen. */
export async function waitForText(get: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pattern.test(get())) {
    if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${get().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A UDP port that was free a moment ago (for tools that need a port number up front). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Resolve with the exit code, or kill the tool and reject after `timeoutMs`. */
export async function exitWithin(run: ToolRun, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.kill();
      reject(new Error(`tool still running after ${timeoutMs} ms; output:\n${run.output().slice(-2000)}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
