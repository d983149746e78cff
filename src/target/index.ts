/** Public surface of the target layer: the resolved target, its lifecycle, the Session and its registry. */
export { CAPABILITIES, CAPABILITY_BY_NAME, CAPABILITY_NAMES, type CapabilityDef, type Discovery } from './capability-catalogue.ts';
export { assumedCapabilities, discoverCapabilities, type CapabilityStatus, type DiscoveryResult } from './capabilities.ts';
export { conformanceEnvironment, installConformanceSessions, SESSION_PROVIDER_SLOT } from './conformance-environment.ts';
export { openTarget, reopenLink, waitUntilReady, type OpenedTarget, type ReadyResult } from './lifecycle.ts';
export { DEFAULT_SILENCE_MS, Session, type SessionOpenOptions } from './session.ts';
export { closeAllSessions, getSession, sessionCount } from './session-registry.ts';
export { parseTargetEnv, randomSeed, targetFromEnv, type ResolvedTarget, type ResolvedTargetKind } from './target-env.ts';
