/**
 * A vitest setup file the `run` command adds to the conformance project: after each suite file,
 * it writes what the target session learned (identity, capabilities, parameters) to the file
 * named by `MGMT_SESSION_INFO_FILE` (`SESSION_INFO_FILE_ENV`), so summary.json can carry it. It
 * runs inside the worker, where the session lives; the CLI process only reads the file.
 * @see docs/architecture.md "Session and run model"
 */
import { renameSync, writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { SESSION_INFO_FILE_ENV, SESSION_PROVIDER_KEY } from '../config/run-target.ts';

interface SessionLike {
  identity?: unknown;
  capabilities?: () => readonly { name: string; present: boolean }[];
  params?: unknown;
  smpVersions?: unknown;
  transportKind?: string;
  timingFigures?: () => Record<string, unknown>;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { hex: Buffer.from(value).toString('hex') };
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

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
  const provider = (globalThis as Record<symbol, unknown>)[SESSION_PROVIDER_KEY];
  // Asking for the session when no case got one would try to open an unreachable target again.
  if (!path || typeof provider !== 'function' || !anyCaseOpenedSession(file.tasks)) return;
  try {
    const session = (await (provider as () => Promise<SessionLike>)()) ?? {};
    const info = {
      identity: session.identity ?? {},
      capabilities: (session.capabilities?.() ?? []).filter((c) => c.present).map((c) => c.name),
      params: session.params,
      smpVersions: session.smpVersions,
      transport: session.transportKind,
      timing: session.timingFigures?.() ?? {},
    };
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(info, jsonReplacer));
    renameSync(tmp, path);
  } catch {
    // The cases already report an unavailable session; the summary then has no identity.
  }
});
