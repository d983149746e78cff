/**
 * What a target session learned (identity, capabilities, parameters, timing), written as JSON to
 * the file the run names in `MGMT_SESSION_INFO_FILE`, so summary.json can carry it. Written where
 * the session lives: by vitest's worker after each suite file (./run-session-info.ts), or by the
 * run's own case runner (./run-direct.ts).
 * @see docs/architecture.md "Session and run model"
 */
import { renameSync, writeFileSync } from 'node:fs';
import { SESSION_PROVIDER_KEY } from '../config/run-target.ts';

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

/** Write the session's findings to `path`; does nothing when no session provider is installed. */
export async function writeSessionInfoFile(path: string): Promise<void> {
  const provider = (globalThis as Record<symbol, unknown>)[SESSION_PROVIDER_KEY];
  if (typeof provider !== 'function') return;
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
}
