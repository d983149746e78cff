/**
 * A vitest setup file the `run` command adds to the conformance project: after each suite file,
 * it writes what the target session learned (identity, capabilities, parameters) to the file
 * named by `MGMT_SESSION_INFO_FILE`, so summary.json can carry it. It runs inside the worker, where
 * the session lives; the CLI process only reads the file.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';

// Same global slot as src/conformance/session-port.ts (SESSION_PROVIDER_KEY); read by name so this
// file stays independent of the kit's module instance.
const PROVIDER_KEY = Symbol.for('mgmt-conformance.session-provider');

interface SessionLike {
  identity?: unknown;
  capabilities?: () => readonly { name: string; present: boolean }[];
  params?: unknown;
  smpVersions?: unknown;
  transportKind?: string;
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
  const path = process.env['MGMT_SESSION_INFO_FILE'];
  const provider = (globalThis as Record<symbol, unknown>)[PROVIDER_KEY];
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
    };
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(info, jsonReplacer));
    renameSync(tmp, path);
  } catch {
    // The cases already report an unavailable session; the summary then has no identity.
  }
});
