/**
 * The worker's side of a process restart: the process target's supervisor (in the target-run
 * process, or in the worker for a device that registers with the worker's LwM2M server) watches a
 * request file; this writes a request and waits for the supervisor's answer.
 * @see src/target/process/process-device.ts (`watchRestartRequests`)
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { TransportError } from '../../errors.ts';
import { PROCESS_STOP_MS } from '../process/process-device.ts';

let nextId = 1;

/** Ask the supervisor to restart the process and wait until it printed its pseudo-terminal again. */
export async function requestProcessRestart(control: string, readyTimeoutMs: number): Promise<void> {
  const id = `${process.pid}-${nextId++}`;
  const done = `${control}.done`;
  rmSync(done, { force: true });
  writeFileSync(`${control}.tmp`, JSON.stringify({ id }));
  renameSync(`${control}.tmp`, control);
  const end = Date.now() + readyTimeoutMs + PROCESS_STOP_MS + 2000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(done)) continue;
    let answer: { id?: unknown; ok?: unknown; error?: unknown };
    try {
      answer = JSON.parse(readFileSync(done, 'utf8')) as typeof answer;
    } catch {
      continue;
    }
    if (answer.id !== id) continue;
    if (answer.ok === true) return;
    throw new TransportError(`process restart failed: ${String(answer.error ?? 'no reason given')}`);
  }
  throw new TransportError(`the process supervisor did not restart the process within ${readyTimeoutMs + PROCESS_STOP_MS + 2000} ms`);
}
