/**
 * One Session per target per worker: created on first use, shared by every suite file (the
 * conformance project runs one worker without isolation), closed at teardown. The registry sits
 * on a global because vitest loads the environment and the suites through separate module
 * runners; both must see the same session.
 * @see docs/architecture.md "Session and run model"
 */
import { Session, type SessionOpenOptions } from './session.ts';
import { runTargetFromEnv, type RunTarget } from '../config/index.ts';

const SESSIONS_KEY = Symbol.for('mgmt-conformance.sessions');

/** A session being opened or open; a failed open stays failed (every case is broken, none hangs). */
type Entry = { promise: Promise<Session> };

type SessionSlot = { [SESSIONS_KEY]?: Map<string, Entry> };

function sessions(): Map<string, Entry> {
  const slot = globalThis as SessionSlot;
  slot[SESSIONS_KEY] ??= new Map();
  return slot[SESSIONS_KEY];
}

/** The session for `target` (default: `MGMT_TARGET`), opened on first use. */
export function getSession(target: RunTarget = runTargetFromEnv(), options: SessionOpenOptions = {}): Promise<Session> {
  const map = sessions();
  const existing = map.get(target.name);
  if (existing) return existing.promise;
  const promise = Session.open(target, options);
  // The rejection is kept for later callers; mark it handled so an unused failure is not reported twice.
  promise.catch(() => undefined);
  map.set(target.name, { promise });
  return promise;
}

/** Number of sessions opened or being opened. */
export function sessionCount(): number {
  return sessions().size;
}

/** Close every session of this worker and forget them. Never throws. */
export async function closeAllSessions(): Promise<void> {
  const map = sessions();
  const entries = [...map.values()];
  map.clear();
  await Promise.all(entries.map(async (e) => (await e.promise.catch(() => undefined))?.close()));
}
