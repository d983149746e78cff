/** Public surface of the target layer: the Session, its protocol drivers, device start and the session registry. */
export { conformanceEnvironment, installConformanceSessions } from './conformance-environment.ts';
export { LWM2M_SERVER_ENV, SIM_SERIAL_BAUD, startProcessDevice, startSimulatorDevice, type SimulatorStart, type StartedDevice } from './device-start.ts';
export { driversFor, type DriverOverrides } from './drivers.ts';
export { openLink, startDeviceInWorker } from './lifecycle.ts';
export type { AliveResult, CapabilityStatus, DriverDiscovery, DriverOpenContext, ProtocolDriver, ProtocolName, ReadyResult } from './protocol-driver.ts';
export { DEFAULT_SILENCE_MS, Session, type SessionOpenOptions, type StartDevice } from './session.ts';
export { closeAllSessions, getSession, sessionCount } from './session-registry.ts';
export { CAPABILITIES, CAPABILITY_BY_NAME, CAPABILITY_NAMES, type CapabilityDef, type Discovery } from './smp/capability-catalogue.ts';
export { assumedCapabilities, discoverCapabilities, type DiscoveryResult } from './smp/capabilities.ts';
export { SmpDriver, type SmpDriverOptions } from './smp/driver.ts';
export { waitUntilReady } from './smp/readiness.ts';
