/**
 * Start what a target run needs. The CLI process owns the simulator (the vitest worker only
 * connects to it, exactly as it would to a board), so a harness crash cannot take the device
 * down with it and the device's state survives across suite files.
 */
import { spawn } from 'node:child_process';
import { formatConnectionString } from '../transport/connection-string.ts';
import { FAULT_PROFILES } from '../simulator/faults.ts';
import { startSimulator } from '../simulator/index.ts';
import type { PreparedTarget } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';

/** Names of the simulator's fault profiles (for `--fault` checks). */
export function knownFaultNames(): string[] {
  return FAULT_PROFILES.map((p) => p.name);
}

const SIM_SERIAL_BAUD = 115_200;

async function startSimTarget(plan: TargetRunPlan): Promise<PreparedTarget> {
  const sim = plan.target.sim;
  const sim6 = plan.transport === 'udp6';
  const running = await startSimulator({
    udp: plan.transport === 'udp' ? { host: '127.0.0.1', port: 0 } : false,
    udp6: sim6 ? { host: '::1', port: 0 } : false,
    serial: plan.transport === 'serial',
    faults: plan.faults,
    ...(sim ? { errorForm: sim.errorForm, bufSize: sim.bufSize, bufCount: sim.bufCount } : {}),
  });
  const endpoint = sim6 ? running.udp6 : running.udp;
  let smp: string | undefined;
  if (plan.transport === 'serial' && running.serialPath) {
    smp = formatConnectionString({ scheme: 'serial', path: running.serialPath, baudRate: SIM_SERIAL_BAUD, raw: false });
  } else if (endpoint) {
    smp = formatConnectionString({ scheme: 'udp', host: endpoint.host, port: endpoint.port });
  }
  if (smp === undefined) {
    await running.stop();
    throw new Error(`the simulator did not open a ${plan.transport} endpoint`);
  }
  return { smp, stop: () => running.stop() };
}

/** Grace between SIGTERM and SIGKILL when stopping a target process. */
const PROCESS_STOP_MS = 3000;

/**
 * Start a `process` target (e.g. a native_sim build) and reach it at its `smp` address. Whether
 * it is ready is the session's business (it waits for the first answer, bounded).
 */
function startProcessTarget(plan: TargetRunPlan, smp: string): PreparedTarget {
  const options = plan.target.process;
  const [command, ...args] = options?.command ?? [];
  if (command === undefined) throw new Error(`target '${plan.target.name}' has no process command`);
  const child = spawn(command, args, { cwd: options?.cwd, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', () => (exited = true));
  return {
    smp,
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_STOP_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Default preparation: start the simulator or the target's process; udp/serial targets are reached as configured. */
export async function defaultPrepareTarget(plan: TargetRunPlan): Promise<PreparedTarget> {
  if (plan.target.kind === 'sim') return startSimTarget(plan);
  if (plan.target.smp === undefined) throw new Error(`target '${plan.target.name}' has no smp connection string`);
  if (plan.target.kind === 'process') return startProcessTarget(plan, plan.target.smp);
  return { smp: plan.target.smp, stop: async () => undefined };
}
