/** Public surface of the target layer: the Session, its protocol drivers, device start and the session registry. */
export { conformanceEnvironment, installConformanceSessions } from './conformance-environment.ts';
export { isLwm2mFault, LWM2M_SERVER_ENV, SIM_SERIAL_BAUD, startLwm2mSimulatorDevice, startProcessDevice, startSimulatorDevice, type Lwm2mSimulatorStart, type SimulatorStart, type StartedDevice } from './device-start.ts';
export { driversFor, hasSmpSide, type DriverOverrides } from './drivers.ts';
export { coapUri, Lwm2mDriver, type Lwm2mDriverOptions } from './lwm2m/driver.ts';
export { discoverLwm2mCapabilities, registrationIdentity } from './lwm2m/capabilities.ts';
export { isLwm2mCapabilityName, LWM2M_CAPABILITIES, LWM2M_CAPABILITY_NAMES, LWM2M_FORMATS, objectCapability } from './lwm2m/capability-catalogue.ts';
export { openLink, startDeviceInWorker, startsInWorker } from './lifecycle.ts';
export type { AliveResult, CapabilityStatus, DriverDiscovery, DriverOpenContext, ProtocolDriver, ProtocolName, ReadyResult } from './protocol-driver.ts';
export { DEFAULT_SILENCE_MS, Session, type SessionOpenOptions, type StartDevice } from './session.ts';
export { closeAllSessions, getSession, sessionCount } from './session-registry.ts';
export { CAPABILITIES, CAPABILITY_BY_NAME, CAPABILITY_NAMES, type CapabilityDef, type Discovery } from './smp/capability-catalogue.ts';
export { assumedCapabilities, discoverCapabilities, type DiscoveryResult } from './smp/capabilities.ts';
export { SmpDriver, type SmpDriverOptions } from './smp/driver.ts';
export { waitUntilReady } from './smp/readiness.ts';
