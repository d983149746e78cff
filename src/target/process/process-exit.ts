/**
 * The worker's side of a process target: did the process end on its own? The target-run process
 * writes the exit (code, signal, last output lines) to the status file named in the worker's
 * `RunTarget.device.status`; every case after that is broken with those lines.
 */
import { readFileSync } from 'node:fs';
import type { RunTarget } from '../../config/index.ts';
import type { ProcessExit } from './process-device.ts';

/** The recorded exit of the target's process, or undefined while it runs (or for other targets). */
export function processExitOf(target: Pick<RunTarget, 'device'>): ProcessExit | undefined {
  const file = target.device?.status;
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as ProcessExit;
  } catch {
    return { code: null, signal: null, lastLines: [`unreadable exit record ${file}`], output: undefined };
  }
}

/** One line saying the process ended, with its last output lines and where the full output is. */
export function describeProcessExit(name: string, exit: ProcessExit): string {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const lines = exit.lastLines.filter((l) => l.trim() !== '').join(' | ');
  return `target process '${name}' ${how}; last output: ${lines || '(none)'}${exit.output !== undefined ? ` (full output: ${exit.output})` : ''}`;
}
