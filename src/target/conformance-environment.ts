/**
 * The vitest environment of the `conformance` project. Set up once per worker and torn down when
 * the worker stops (after the last suite file), which is exactly the lifetime of a target
 * session: it installs the session provider the case kit asks (global slot
 * `SESSION_PROVIDER_KEY`, src/config/run-target.ts) and closes every session at teardown.
 * @see docs/architecture.md "Session and run model"
 */
import type { Environment } from 'vitest/environments';
import { crashOf, runTargetFromEnv, SESSION_PROVIDER_KEY } from '../config/index.ts';
import { TransportError } from '../errors.ts';
import { describeProcessExit, processExitOf } from './process/process-exit.ts';
import { closeAllSessions, getSession } from './session-registry.ts';

/**
 * The session, unless the target's process ended on its own and crash detection is off: then
 * every later case is broken with its last output. With detection on, the session's crash watch
 * attributes the exit to a case and restarts the process (docs/architecture.md "Crashes, blocked
 * cases and recovery").
 */
async function liveSession(): Promise<unknown> {
  const target = runTargetFromEnv();
  const ended = (): TransportError | undefined => {
    const exit = processExitOf(target);
    return exit && new TransportError(describeProcessExit(target.name, exit));
  };
  let session: unknown;
  try {
    session = await getSession(target);
  } catch (e) {
    throw ended() ?? e;
  }
  if (crashOf(target).detect) return session;
  const exit = ended();
  if (exit) throw exit;
  return session;
}

type ProviderSlot = { [SESSION_PROVIDER_KEY]?: () => Promise<unknown> };

/** Install the provider; returns the teardown that closes the sessions and removes it. */
export function installConformanceSessions(): () => Promise<void> {
  const slot = globalThis as ProviderSlot;
  const provider = liveSession;
  slot[SESSION_PROVIDER_KEY] = provider;
  return async () => {
    if (slot[SESSION_PROVIDER_KEY] === provider) delete slot[SESSION_PROVIDER_KEY];
    await closeAllSessions();
  };
}

/** The environment object vitest loads (`environment: './src/target/conformance-environment.ts'`). */
export const conformanceEnvironment: Environment = {
  name: 'mgmt-conformance',
  viteEnvironment: 'ssr',
  setup() {
    const teardown = installConformanceSessions();
    return { teardown };
  },
};

// vitest requires the environment as the module's default export.
export default conformanceEnvironment;
