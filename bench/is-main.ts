/** Whether a bench module is the script node was started with (so it prints its own figures). */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True when `moduleUrl` is the entry script. Compares whole paths: a file-name suffix match
 * would take `bench/run.ts` for `bench/full-run.ts` and start a second full run on import.
 */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && fileURLToPath(moduleUrl) === resolve(entry);
}
