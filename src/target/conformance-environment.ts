/**
 * The vitest environment of the `conformance` project. Set up once per worker and torn down when
 * the worker stops (after the last suite file), which is exactly the lifetime of a target
 * session: it installs the session provider the case kit asks (global slot
 * `Symbol.for('mgmt-conformance.session-provider')`, see src/conformance/session-port.ts) and
 * closes every session at teardown.
 * @see /work/shared/DESIGN.md "One session per target"
 */
import type { Environment } from 'vitest/environments';
import { closeAllSessions, getSession } from './session-registry.ts';

/** The global slot the case kit reads (same symbol as `SESSION_PROVIDER_KEY` in the kit). */
export const SESSION_PROVIDER_SLOT = Symbol.for('mgmt-conformance.session-provider');

type ProviderSlot = { [SESSION_PROVIDER_SLOT]?: () => Promise<unknown> };

/** Install the provider; returns the teardown that closes the sessions and removes it. */
export function installConformanceSessions(): () => Promise<void> {
  const slot = globalThis as ProviderSlot;
  const provider = (): Promise<unknown> => getSession();
  slot[SESSION_PROVIDER_SLOT] = provider;
  return async () => {
    if (slot[SESSION_PROVIDER_SLOT] === provider) delete slot[SESSION_PROVIDER_SLOT];
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
