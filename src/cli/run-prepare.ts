/**
 * Start what a target run needs, in two phases: first bind what must listen (a protocol server
 * the device connects to, such as the LwM2M server socket, whose bound port the device must be
 * told), then start the device with those addresses. The target-run process owns the device
 * (the vitest worker only connects to it, exactly as it would to a board), so a harness crash
 * cannot take the device down with it and the device's state survives across suite files.
 * @see docs/architecture.md "Listeners before devices"
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTargetOf, type ListenAddresses, type RunTarget, type TargetConfig } from '../config/index.ts';
import { FAULT_PROFILES } from '../simulator/faults.ts';
import { LWM2M_FAULT_PROFILES } from '../simulator/lwm2m-client/faults.ts';
import { startProcessDevice, startSimulatorDevice, type StartedDevice } from '../target/device-start.ts';
import { startsInWorker } from '../target/lifecycle.ts';
import type { TargetRunPlan } from './run-targets.ts';

/** Names of the simulators' fault profiles, SMP then LwM2M (for `--fault` and targets.json checks). */
export function knownFaultNames(): string[] {
  return [...FAULT_PROFILES, ...LWM2M_FAULT_PROFILES].map((p) => p.name);
}

/** A started target: the connection string the session opens, and how to stop it. */
export type PreparedTarget = StartedDevice;

/** Starts the target's device (the simulator, a process) or just names its endpoint; gets the bound listen addresses. */
export type PrepareTarget = (plan: TargetRunPlan, listening: ListenAddresses, where?: { outDir?: string | undefined }) => Promise<PreparedTarget>;

/** One bound listening socket. */
export interface BoundListener {
  /** The address as bound (`coap://127.0.0.1:40123`: port 0 resolved). */
  address: string;
  close(): Promise<void>;
}

/** Binds one protocol's listening socket for the targets that configure one. */
export interface ListenerBinder {
  protocol: keyof ListenAddresses;
  /** The configured listen address of `target`, or undefined when it has none for this protocol. */
  addressOf(target: TargetConfig): string | undefined;
  bind(address: string): Promise<BoundListener>;
}

/** Listeners a target run bound, by protocol. */
export interface BoundListeners {
  addresses: ListenAddresses;
  /** Close every listener; never throws. */
  close(): Promise<void>;
}

/** Binds the listeners of a target run before its device starts. */
export type ListenTarget = (plan: TargetRunPlan) => Promise<BoundListeners>;

/**
 * Listener binders bound in the target-run process. None: the LwM2M server is bound in the
 * conformance worker by its protocol driver (the socket must live with the Session), which then
 * starts the device itself (docs/architecture.md "Listeners before devices").
 */
export const LISTENER_BINDERS: readonly ListenerBinder[] = [];

/** A listen phase over `binders`: binds, in order, every one the target configures. */
export function listenWith(binders: readonly ListenerBinder[]): ListenTarget {
  return async (plan) => {
    const bound: BoundListener[] = [];
    const addresses: ListenAddresses = {};
    const close = async (): Promise<void> => {
      for (const b of bound.splice(0).reverse()) await b.close().catch(() => undefined);
    };
    try {
      for (const binder of binders) {
        const wanted = binder.addressOf(plan.target);
        if (wanted === undefined) continue;
        const b = await binder.bind(wanted);
        bound.push(b);
        addresses[binder.protocol] = b.address;
      }
    } catch (e) {
      await close();
      throw e;
    }
    return { addresses, close };
  };
}

/** Default listen phase: the harness's own binders. */
export const defaultListenTarget: ListenTarget = listenWith(LISTENER_BINDERS);

/**
 * Default device start: the SMP simulator or the target's process; udp/serial targets are reached
 * as configured. A device that registers with the worker's LwM2M server (the simulated LwM2M
 * client, a process target with an `lwm2m` block) is left to the worker, which binds first.
 */
export async function defaultPrepareTarget(plan: TargetRunPlan, listening: ListenAddresses, where: { outDir?: string | undefined } = {}): Promise<PreparedTarget> {
  const target = plan.target;
  if (startsInWorker({ kind: target.kind, lwm2m: target.lwm2m, protocols: plan.protocols })) return { smp: target.smp, stop: async () => undefined };
  if (target.kind === 'sim') return startSimulatorDevice({ transport: plan.transport, faults: plan.faults, sim: target.sim });
  // A process target's output log and exit record live beside the run's reports.
  if (target.kind === 'process') return startProcessDevice(target, join(where.outDir ?? mkdtempSync(join(tmpdir(), 'mgmt-process-')), plan.key), listening);
  if (!plan.protocols.includes('smp')) return { stop: async () => undefined };
  if (target.smp === undefined) throw new Error(`target '${target.name}' has no smp connection string`);
  return { smp: target.smp, stop: async () => undefined };
}

/** A target run's target, started: what the worker gets in `MGMT_TARGET`, and how to stop everything. */
export interface StartedTargetRun {
  target: RunTarget;
  stop(): Promise<void>;
}

/**
 * Listeners first, then the device with their addresses; the worker's target carries both the
 * device's endpoint and the bound addresses. Nothing stays open when a phase fails.
 */
export async function startTargetRun(plan: TargetRunPlan, phases: { listen: ListenTarget; prepare: PrepareTarget; outDir?: string }): Promise<StartedTargetRun> {
  const listeners = await phases.listen(plan);
  let device: PreparedTarget;
  try {
    device = await phases.prepare(plan, listeners.addresses, { outDir: phases.outDir });
  } catch (e) {
    await listeners.close();
    throw e;
  }
  return {
    target: runTargetOf(plan.target, { ...plan, smp: device.smp, listening: listeners.addresses, ...(device.files ? { device: device.files } : {}), ...(phases.outDir !== undefined ? { reportDir: join(phases.outDir, plan.key) } : {}) }),
    stop: async () => {
      await device.stop();
      await listeners.close();
    },
  };
}
