/**
 * Starting a device: the one place that maps a target's options onto the built-in simulator
 * (`run` for every simulator target run, the worker for a direct vitest run, the device commands
 * for `--target sim`) and that starts a `process` target, handing it the addresses the run
 * listens on. Whether a started device is ready is the session's business.
 * @see docs/architecture.md "Listeners before devices"
 */
import type { ListenAddresses, SimTargetOptions, TargetConfig } from '../config/index.ts';
import { TransportError } from '../errors.ts';
import { formatConnectionString } from '../transport/connection-string.ts';
import { startProcessTarget, type ProcessFiles } from './process/process-device.ts';

export { LWM2M_SERVER_ENV } from './process/process-device.ts';

/** A started device: the SMP connection string it answers on, and how to stop it. */
export interface StartedDevice {
  smp: string;
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
    serial: transport === 'serial',
    faults: [...start.faults],
    ...(sim ? { errorForm: sim.errorForm, bufSize: sim.bufSize, bufCount: sim.bufCount } : {}),
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
