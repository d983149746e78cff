/**
 * The simulator targets the self-test gives fault profiles: one target per profile, each a
 * simulator with that one fault on, so every failure in a target's results is its profile's own.
 */

/** A profile as a target needs it. */
export interface TargetProfile {
  name: string;
  caughtBy: readonly string[];
}

/**
 * Cases that send a request of buf_size bytes, which no link carries at the simulator's default
 * buf_size (2048 bytes over UDP's 1500-byte datagrams; the serial MTU is 256): there they are
 * unsupported. Profiles they catch run on a simulator with a smaller buf_size, where UDP carries
 * such a request.
 */
export const SMALL_BUFFER_CASES: readonly string[] = ['SMP-BUF-RSP-001'];
/** buf_size of that simulator: under the UDP MTU (1500) and above every reply the other cases expect. */
export const SMALL_BUF_SIZE = 1024;
/** The fault-free target beside the small-buffer profiles: proves their cases pass at that buf_size. */
export const SMALL_BUFFER_CLEAN_TARGET = `clean-buf-${SMALL_BUF_SIZE}`;

/** True when the profile runs on the small-buffer simulator. */
export function needsSmallBuffer(p: TargetProfile): boolean {
  return p.caughtBy.some((id) => SMALL_BUFFER_CASES.includes(id));
}

// Bootstrap profiles (`lwm2m-bs-*`) break a client started from a bootstrap server: their target
// bootstraps from the harness (targets.json `lwm2m.bootstrap`).
export const isBootstrapProfile = (p: { name: string }): boolean => p.name.startsWith('lwm2m-bs-');

export function targetName(p: { name: string }): string {
  return `fault-${p.name}`;
}

/** The simulator of one target: an SMP link, or the LwM2M client in one version (`lwm2m-1.1`). */
function simOptions(transport: string, faults: string[], bufSize: number | undefined): Record<string, unknown> {
  const buffer = bufSize === undefined ? {} : { bufSize };
  if (!transport.startsWith('lwm2m-')) return { transports: [transport], faults, ...buffer };
  // A run selecting LwM2M suites only makes no SMP run: the SMP transport listed is never started.
  return { transports: ['udp'], faults, lwm2m: { versions: [transport.slice('lwm2m-'.length)] } };
}

/** DTLS profiles (`lwm2m-dtls-*`) need a target whose LwM2M server speaks DTLS-PSK. */
function dtlsTarget(transport: string, fault: string): Record<string, unknown> {
  if (!fault.startsWith('lwm2m-dtls-') || !transport.startsWith('lwm2m-')) return {};
  const endpoint = transport === 'lwm2m-1.0' ? 'native_sim' : 'native_sim_lwm2m11';
  const security = { mode: 'psk', identity: endpoint, key: '000102030405060708090a0b0c0d0e0f' };
  return { lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint, registrationTimeoutMs: 10_000, security } };
}

/** One profile's target: a bootstrap profile's client starts from the harness as Bootstrap-Server. */
export function targetOf(transport: string, p: TargetProfile): Record<string, unknown> {
  const bufSize = needsSmallBuffer(p) ? SMALL_BUF_SIZE : undefined;
  const target = { kind: 'sim', sim: simOptions(transport, [p.name], bufSize), ...dtlsTarget(transport, p.name) };
  if (!isBootstrapProfile(p)) return target;
  const endpoint = transport === 'lwm2m-1.0' ? 'native_sim' : 'native_sim_lwm2m11';
  return { ...target, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint, bootstrap: { enabled: true } } };
}

/** The fault-free small-buffer simulator on an SMP link. */
export function smallBufferCleanTarget(transport: string): Record<string, unknown> {
  return { kind: 'sim', sim: simOptions(transport, [], SMALL_BUF_SIZE) };
}
