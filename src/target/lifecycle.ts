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
import type { ListenAddresses, RunTarget } from '../config/index.ts';
import type { Transport } from '../core/transport.ts';
import { TransportError } from '../errors.ts';
import { parseConnectionString } from '../transport/connection-string.ts';
import { openTransport } from '../transport/open.ts';
import { startSimulatorDevice, type StartedDevice } from './device-start.ts';

/** Open the link a connection string names (first time, or after the device re-enumerated). */
export async function openLink(connection: string): Promise<Transport> {
  const spec = parseConnectionString(connection);
  if (!spec.ok) throw new TransportError(`${connection}: ${spec.error}`);
  return openTransport(spec.value);
}

/**
 * Start the device in the worker when the run did not: a `sim` target without an endpoint gets
 * its own simulator. Undefined when the device is already running (started by the run, or a board).
 */
export async function startDeviceInWorker(target: RunTarget, _listening: ListenAddresses): Promise<StartedDevice | undefined> {
  if (target.smp !== undefined) return undefined;
  if (target.kind !== 'sim') throw new TransportError(`target ${target.name} has no connection string`);
  return startSimulatorDevice({ transport: target.transport, faults: target.faults, sim: target.sim });
}
