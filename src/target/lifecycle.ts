/**
 * Links to a target inside the conformance worker: open the connection string a target names
 * (again, after a device re-enumerated), and start a device the run did not start.
 *
 * Who owns the device: the `run` command starts the simulator (or a process target) in its
 * target-run process and hands the worker the endpoint in `MGMT_TARGET`, so the device lives
 * outside the harness process (a worker crash cannot take it down, and it is reached exactly as a
 * board is). Only a direct vitest run of a `sim` target without an endpoint starts one in the
 * worker; it is stopped with the session.
 * @see docs/architecture.md "Session and run model"
 */
import { simLwm2mFirmware, targetProtocols, type ListenAddresses, type RunTarget } from '../config/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '../core/transport.ts';
import { TransportError } from '../errors.ts';
import { parseConnectionString } from '../transport/connection-string.ts';
import { openTransport } from '../transport/open.ts';
import { startLwm2mSimulatorDevice, startProcessDevice, startSimulatorDevice, type StartedDevice } from './device-start.ts';

/** Open the link a connection string names (first time, or after the device re-enumerated). */
export async function openLink(connection: string): Promise<Transport> {
  const spec = parseConnectionString(connection);
  if (!spec.ok) throw new TransportError(`${connection}: ${spec.error}`);
  return openTransport(spec.value);
}

/**
 * Whether the worker starts the device, after its listen phase: a device that registers with the
 * worker's LwM2M server (the simulated LwM2M client, a `process` target with an `lwm2m` block)
 * must be given the bound address, so only the worker can start it.
 */
export function startsInWorker(target: Pick<RunTarget, 'kind' | 'lwm2m' | 'protocols'>): boolean {
  const hasLwm2m = target.lwm2m !== undefined && (target.protocols === undefined || target.protocols.includes('lwm2m'));
  return hasLwm2m && (target.kind === 'sim' || target.kind === 'process');
}

/**
 * Start the device in the worker when the run did not: a device that registers with the worker's
 * LwM2M server (started with the bound address), or a `sim` target without an endpoint.
 * Undefined when the device is already running (started by the run, or a board).
 */
export async function startDeviceInWorker(target: RunTarget, listening: ListenAddresses): Promise<StartedDevice | undefined> {
  if (startsInWorker(target)) return startLwm2mDevice(target, listening);
  // A board reached only through its registration, or one whose SMP link the run named: running.
  if (target.smp !== undefined || !(target.protocols ?? targetProtocols(target)).includes('smp')) return undefined;
  if (target.kind !== 'sim') throw new TransportError(`target ${target.name} has no connection string`);
  return startSimulatorDevice({ transport: target.transport, faults: target.faults, sim: target.sim });
}

async function startLwm2mDevice(target: RunTarget, listening: ListenAddresses): Promise<StartedDevice> {
  const server = listening.lwm2m;
  const lwm2m = target.lwm2m;
  if (server === undefined || lwm2m === undefined) throw new TransportError(`target ${target.name}: the LwM2M server is not listening`);
  if (target.kind === 'process') return startProcessDevice(target, mkdtempSync(join(tmpdir(), 'mgmt-process-')), listening);
  return startLwm2mSimulatorDevice({
    server,
    ...(listening.lwm2mBootstrap === undefined ? {} : { bootstrap: listening.lwm2mBootstrap }),
    endpoint: lwm2m.endpoint,
    version: target.simLwm2mVersion ?? '1.1',
    lifetimeS: target.sim?.lwm2m?.lifetimeS ?? 30,
    ...(target.sim?.lwm2m?.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: target.sim.lwm2m.ackTimeoutMs }),
    faults: target.faults,
    ...(lwm2m.security ? { security: lwm2m.security } : {}),
    firmware: lwm2m.firmware ?? simLwm2mFirmware(target.simLwm2mVersion ?? '1.1'),
  });
}
