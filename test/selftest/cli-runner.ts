/**
 * Runs the real CLI (`node bin/mgmt-conformance.js …`) as a child process, bounded in time, and a
 * small pool that keeps at most N of them running (the machine has 2 cores).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunSummary } from '../../src/reporting/summary.ts';

/** The package folder (bin/, suites/, targets.json). */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(PACKAGE_ROOT, 'bin', 'mgmt-conformance.js');

/** What a CLI run left behind. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

function childEnv(): NodeJS.ProcessEnv {
  // This test runs inside a vitest worker; its VITEST_* variables must not leak into the vitest
  // the child starts, nor a target meant for this worker.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'MGMT_TARGET') env[k] = v;
  return env;
}

/** Run the CLI with `args` in `cwd` (with `env` added to the environment); killed after `timeoutMs`. */
export function runCli(args: readonly string[], timeoutMs: number, cwd = PACKAGE_ROOT, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** summary.json of a run's output folder, or undefined when there is none. */
export function readSummary(outDir: string): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}

/** Run async jobs with at most `limit` at a time; results in job order. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
