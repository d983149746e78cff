/**
 * What the Session needs from one management protocol: a driver per protocol the target speaks
 * (SMP today in src/target/smp/, LwM2M next in src/target/lwm2m/). The Session runs every driver
 * through the same phases — listen, (device start), open, wait until ready, discover — and asks
 * them for capability statuses and whether the device is still alive.
 * @see docs/architecture.md "Protocol drivers"
 */
import type { ListenAddresses, RunTarget } from '../config/index.ts';
import type { RttHistograms } from '../client/timing/index.ts';
import type { TraceLog } from '../core/trace.ts';

/** Protocols a Session can carry. */
export type ProtocolName = 'smp' | 'lwm2m';

/** Whether the target has a capability and why (same shape as the case kit's `CapabilityStatus`). */
export interface CapabilityStatus {
  name: string;
  present: boolean;
  declared: boolean;
  reason: string;
}

/** How readiness was reached. */
export interface ReadyResult {
  waitedMs: number;
  /**
   * Set when the device answered but not to the request (wrong seq, op, id; only damaged frames):
   * it is there but defective, which the cases must judge rather than call it unreachable.
   */
  mismatch?: string;
}

/** What a driver learned about the device at session start. */
export interface DriverDiscovery {
  /** Capability statuses by name (names start with the protocol: `smp.`, `lwm2m.`). */
  statuses: Map<string, CapabilityStatus>;
  /** JSON-safe identity for reports. */
  identity: Record<string, unknown>;
  /** Why discovery could not judge the device (capabilities are assumed present then). */
  problem?: string | undefined;
}

/** The result of a liveness check after a case. */
export type AliveResult =
  | { kind: 'alive' }
  /** The device answered wrongly, or not at all: the case fails on it. */
  | { kind: 'dead'; expected: string; actual: string; silent?: boolean }
  /** The protocol has nothing harmless to ask on this device. */
  | { kind: 'unchecked'; reason: string };

/** Where a driver opens its link: the device's connection string, when the run knows it already. */
export interface DriverOpenContext {
  target: RunTarget;
  /** The SMP connection string (from the run, or of a worker-started simulator). */
  smp: string | undefined;
  /** Addresses bound in the listen phase. */
  listening: ListenAddresses;
}

/**
 * One protocol of a target. Phases in call order; each may throw a `TransportError` (the target is
 * unreachable: the Session closes what it opened and every case is broken).
 */
export interface ProtocolDriver {
  readonly name: ProtocolName;
  /** Every frame this protocol sent and received (per-case evidence). */
  readonly trace: TraceLog;
  /** Round trips per command (`smp.os.echo`, `lwm2m.read`), when the driver times its exchanges. */
  readonly timing?: RttHistograms;
  /**
   * Bind the sockets this protocol listens on (a server the device connects to), before the
   * device is started; returns their bound addresses. Drivers that only connect return `{}`.
   */
  listen(): Promise<ListenAddresses>;
  /** Open the link to the started device. */
  open(context: DriverOpenContext): Promise<void>;
  /** Wait (at most `timeoutMs`) until the device answers on this protocol. */
  waitReady(options: { timeoutMs: number }): Promise<ReadyResult>;
  /** Decide capabilities; `ready.mismatch` set means the device answers but cannot be judged. */
  discover(ready: ReadyResult): Promise<DriverDiscovery>;
  /** A harmless request: is the device still there after a case? */
  alive(options: { timeoutMs: number; hasCapability: (name: string) => boolean }): Promise<AliveResult>;
  /** Release everything; idempotent, never throws. */
  close(): Promise<void>;
}
