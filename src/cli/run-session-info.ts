/**
 * A vitest setup file the `run` command adds to the conformance project: after each suite file,
 * it writes what the target session learned (identity, capabilities, parameters) to the file
 * named by `MGMT_SESSION_INFO_FILE` (`SESSION_INFO_FILE_ENV`), so summary.json can carry it. It
 * runs inside the worker, where the session lives; the CLI process only reads the file.
 * @see docs/architecture.md "Session and run model"
 */
import { afterAll } from 'vitest';
import { SESSION_INFO_FILE_ENV } from '../config/run-target.ts';
import { writeSessionInfoFile } from './session-info-file.ts';

function anyCaseOpenedSession(tasks: readonly { meta?: unknown; tasks?: unknown }[]): boolean {
  return tasks.some((t) => {
    const c = (t.meta as { conformance?: { transport?: unknown } } | undefined)?.conformance;
    if (typeof c?.transport === 'string' && c.transport !== '') return true;
    return Array.isArray(t.tasks) && anyCaseOpenedSession(t.tasks as { meta?: unknown; tasks?: unknown }[]);
  });
}

// vitest insists on a destructuring pattern for the (unused) context argument.
afterAll(async ({}, file) => {
  const path = process.env[SESSION_INFO_FILE_ENV];
  // Asking for the session when no case got one would try to open an unreachable target again.
  if (path && anyCaseOpenedSession(file.tasks)) await writeSessionInfoFile(path);
});
