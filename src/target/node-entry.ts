/**
 * How the harness starts one of its own Node programs in a child process (a target run, a
 * simulated LwM2M client): from the CLI bundle build the run started from, as plain JavaScript
 * with no TypeScript loader, or from the TypeScript sources through tsx.
 * @see docs/design-notes.md §20, docs/architecture.md "How the CLI starts"
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Environment variable naming the CLI bundle build a run started from: code that runs from the
 * sources (vitest's worker) learns from it which build its child processes can start from.
 */
export const CLI_BUILD_ENV = 'MGMT_CLI_BUILD';

const PACKAGE_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Node arguments that run a program: `dist/cli/<build>/<bundled>` when `build` names a build that
 * has it, else the TypeScript `source` through tsx; `args` follow either way.
 */
export function nodeEntryArgv(entry: { bundled: string; source: string }, build: string | undefined, args: readonly string[]): string[] {
  // A build name is one folder name under dist/cli/ (scripts/build-cli.mjs), never a path.
  if (build !== undefined && /^[\w-]+$/.test(build)) {
    const bundled = resolve(PACKAGE_ROOT, 'dist/cli', build, entry.bundled);
    if (existsSync(bundled)) return [bundled, ...args];
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, entry.source, ...args];
}
