/**
 * Starting a device: the one place that maps a target's options onto the built-in simulator
 * (`run` for every simulator target run, the worker for a direct vitest run, the device commands
 * for `--target sim`) and that starts a `process` target, handing it the addresses the run
 * listens on. Whether a started device is ready is the session's business.
 * @see docs/architecture.md "Listeners before devices"
 */
import type { ListenAddresses, Lwm2mFirmwareCapability, Lwm2mSecurity, SimLwm2mVersion, SimTargetOptions, TargetConfig } from '../config/index.ts';
import { TransportError } from '../errors.ts';
import { LWM2M_FAULT_PROFILES } from '../simulator/lwm2m-client/faults.ts';
import { formatConnectionString } from '../transport/connection-string.ts';
import { startProcessTarget, type ProcessFiles } from './process/process-device.ts';

export { LWM2M_SERVER_ENV } from './process/process-device.ts';
import { startLwm2mClientProcess } from './lwm2m/client-process.ts';

/** A started device: the SMP connection string it answers on (none for an LwM2M-only device), and how to stop it. */
export interface StartedDevice {
  smp?: string | undefined;
  /** A process target's output log and exit record. */
  files?: ProcessFiles;
  /** Stops the device; never throws. */
  stop(): Promise<void>;
}

/** What a simulator start needs: which endpoint, which faults, and the target's `sim` options. */
export interface SimulatorStart {
  /** `udp`, `udp6` or `serial`. */
  transport: string;
  faults: readonly string[];
  sim?: SimTargetOptions | undefined;
}

/** True for the name (or `name:param`) of an LwM2M fault profile; the others are the SMP simulator's. */
export function isLwm2mFault(fault: string): boolean {
  const name = fault.split(':')[0] ?? fault;
  return LWM2M_FAULT_PROFILES.some((p) => p.name === name);
}

/** What an LwM2M simulator start needs: the server it registers with, its endpoint, version and faults. */
export interface Lwm2mSimulatorStart {
  /** The bound LwM2M server address (`coap://HOST:PORT`). */
  server: string;
  /** The bound bootstrap server: the client starts from it instead of registering with `server`. */
  bootstrap?: string;
  endpoint: string;
  version: SimLwm2mVersion;
  lifetimeS: number;
  /** ACK_TIMEOUT of the client's own CONs (RFC 7252 default when absent). */
  ackTimeoutMs?: number;
  /** Fault profiles of the run (only the LwM2M ones are passed on). */
  faults: readonly string[];
  /** The target's `lwm2m.security`: the simulated client presents the same PSK. */
  security?: Lwm2mSecurity;
  /** Execute /3/0/4: `restart` (default) registers anew; `log` only answers. */
  reboot?: 'restart' | 'log';
  /** The package the client's Firmware Update object takes (and how it negotiates Block1). */
  firmware?: Lwm2mFirmwareCapability;
}

/** Start the simulated LwM2M client in its own process, pointed at the bound server. */
export async function startLwm2mSimulatorDevice(start: Lwm2mSimulatorStart): Promise<StartedDevice> {
  const client = await startLwm2mClientProcess({ ...start, faults: start.faults.filter(isLwm2mFault) });
  return { stop: () => client.stop() };
}

/** Baud rate the simulator's pseudo-terminal is reached with. */
export const SIM_SERIAL_BAUD = 115_200;

/** Start the built-in simulator on one endpoint (loopback, ephemeral port or a fresh pty). */
export async function startSimulatorDevice(start: SimulatorStart): Promise<StartedDevice> {
  // Loaded only here: a board run never needs the simulator's code.
  const { startSimulator } = await import('../simulator/index.ts');
  const { transport, sim } = start;
  const running = await startSimulator({
    udp: transport === 'udp' ? { host: '127.0.0.1', port: 0 } : false,
    udp6: transport === 'udp6' ? { host: '::1', port: 0 } : false,
    serial: transport === 'serial' && (sim?.serialMtu === undefined ? true : { mtu: sim.serialMtu }),
    faults: start.faults.filter((f) => !isLwm2mFault(f)),
    ...(sim ? { errorForm: sim.errorForm, bufSize: sim.bufSize, bufCount: sim.bufCount } : {}),
    ...(sim?.fsBytes === undefined ? {} : { fsBytes: sim.fsBytes }),
  });
  const stop = (): Promise<void> => running.stop().catch(() => undefined);
  const endpoint = transport === 'udp6' ? running.udp6 : running.udp;
  if (transport === 'serial' && running.serialPath) return { smp: formatConnectionString({ scheme: 'serial', path: running.serialPath, baudRate: SIM_SERIAL_BAUD, raw: false }), stop };
  if (transport !== 'serial' && endpoint) return { smp: formatConnectionString({ scheme: 'udp', host: endpoint.host, port: endpoint.port }), stop };
  await stop();
  throw new TransportError(`the simulator did not open a ${transport} endpoint`);
}

/**
 * Start a `process` target (a native_sim build, a QEMU line) with its files (output log, exit
 * record, pseudo-terminal link) in `dir`; the addresses the run bound before (`listening`) are in
 * its environment, so the device can be pointed at them.
 */
export async function startProcessDevice(target: TargetConfig, dir: string, listening: ListenAddresses = {}): Promise<StartedDevice> {
  const started = await startProcessTarget(target, dir, listening);
  return { smp: started.smp, files: started.files, stop: () => started.stop() };
}
