/**
 * A Session: one open target with its protocol drivers (SMP today; LwM2M plugs in beside it),
 * discovered capabilities, MCUmgr parameters and trace, shared by every case of the worker. It
 * implements the case kit's `CaseSession` (src/conformance/session-port.ts) structurally; a unit
 * test checks the fit.
 * @see docs/architecture.md "Session and run model", "Protocol drivers"
 */
import type { SmpClient } from '../client/smp-client.ts';
import { mergeTimings, RttHistograms, type CommandTiming } from '../client/timing/index.ts';
import { DEFAULT_FS_ROOT, resetOf, type ListenAddresses, type RunTarget, type SmpFsOptions } from '../config/index.ts';
import type { TraceLog } from '../core/trace.ts';
import type { Transport } from '../core/transport.ts';
import { TransportClosedError } from '../errors.ts';
import type { StartedDevice } from './device-start.ts';
import { driversFor } from './drivers.ts';
import { resetTarget } from './reset.ts';
import { CrashGuard } from './crash/crash-guard.ts';
import { join } from 'node:path';
import { startDeviceInWorker } from './lifecycle.ts';
import type { AliveResult, CapabilityStatus, ProtocolDriver } from './protocol-driver.ts';
import { unknownCapability } from './smp/capabilities.ts';
import { Lwm2mDriver } from './lwm2m/driver.ts';
import { SmpDriver } from './smp/driver.ts';

/** Default window of a silence check when a case gives none. */
export const DEFAULT_SILENCE_MS = 300;

/** Starts the device after the listen phase, when the run has not (undefined: already running). */
export type StartDevice = (target: RunTarget, listening: ListenAddresses) => Promise<StartedDevice | undefined>;

/** How to open a session besides the target itself. */
export interface SessionOpenOptions {
  /** Use this transport for SMP instead of opening the target's (unit tests: a memory pair). */
  transport?: Transport;
  /** Kind reported for an injected transport (default: its `kind`). */
  transportKind?: string;
  /** The drivers to run (default: `driversFor(target)`). */
  drivers?: ProtocolDriver[];
  /** Device start between the listen and open phases (default: a worker-started simulator when needed). */
  startDevice?: StartDevice;
}

/** Open every driver in phase order: listen → start the device → open → ready → discover. */
async function openDrivers(target: RunTarget, drivers: readonly ProtocolDriver[], startDevice: StartDevice, keep: (device: StartedDevice) => void): Promise<{ statuses: Map<string, CapabilityStatus>; identity: Record<string, unknown>; problem: string | undefined }> {
  let listening: ListenAddresses = { ...target.listening };
  for (const d of drivers) listening = { ...listening, ...(await d.listen()) };
  const device = await startDevice(target, listening);
  if (device) keep(device);
  const statuses = new Map<string, CapabilityStatus>();
  const identity: Record<string, unknown> = {};
  let problem: string | undefined;
  for (const d of drivers) {
    await d.open({ target, smp: device?.smp ?? target.smp, listening });
    const ready = await d.waitReady({ timeoutMs: target.readyTimeoutMs });
    const found = await d.discover(ready);
    for (const [name, s] of found.statuses) statuses.set(name, s);
    Object.assign(identity, found.identity);
    problem ??= found.problem;
  }
  return { statuses, identity, problem };
}

/** One open target. */
export class Session {
  readonly target: RunTarget;
  readonly targetName: string;
  readonly isStrict: boolean;
  readonly seed: number;
  readonly allowsDestructive: boolean;
  readonly timeouts: { responseMs: number; silenceMs: number };
  /** Timing budgets of the target (targets.json `budgets`), enforced by the `SMP-TIME-*` cases. */
  readonly budgets: Readonly<Record<string, number>>;
  readonly identity: Readonly<Record<string, unknown>>;
  /** Why capabilities could not be discovered (they are assumed present then). */
  readonly discoveryProblem: string | undefined;
  readonly #drivers: readonly ProtocolDriver[];
  readonly #statuses: Map<string, CapabilityStatus>;
  readonly #device: StartedDevice | undefined;
  /** Crash handling (absent when the target turns detection off). */
  #guard: CrashGuard | undefined;
  /** Session-level figures: how long the device took to be ready again after each reset. */
  readonly #timing = new RttHistograms();
  #isClosed = false;

  private constructor(target: RunTarget, drivers: readonly ProtocolDriver[], found: Awaited<ReturnType<typeof openDrivers>>, device: StartedDevice | undefined) {
    this.target = target;
    this.targetName = target.name;
    this.isStrict = target.strict;
    this.seed = target.seed;
    this.allowsDestructive = target.allowDestructive;
    this.timeouts = { responseMs: target.timeoutMs, silenceMs: DEFAULT_SILENCE_MS };
    this.budgets = { ...target.budgets };
    this.identity = found.identity;
    this.discoveryProblem = found.problem;
    this.#drivers = drivers;
    this.#statuses = found.statuses;
    this.#device = device;
  }

  /**
   * Open the target: listeners, the device (when the worker must start it), then each driver's
   * link, readiness and discovery. Rejects with a `TransportError` (or the transport's own error)
   * when the target is unreachable; nothing stays open then.
   */
  static async open(target: RunTarget, options: SessionOpenOptions = {}): Promise<Session> {
    const drivers = options.drivers ?? driversFor(target, { transport: options.transport, transportKind: options.transportKind });
    let device: StartedDevice | undefined;
    try {
      const start = options.startDevice ?? (options.transport ? async () => undefined : startDeviceInWorker);
      const found = await openDrivers(target, drivers, start, (d) => (device = d));
      const session = new Session(target, drivers, found, device);
      const files = device?.files ?? target.device;
      // An injected link (unit tests' memory pairs) has no device to bring back: crash handling only when asked for.
      const guarded = options.transport === undefined || target.crash?.detect === true;
      if (guarded) session.#guard = await CrashGuard.forSession(session, { files, reportDir: target.reportDir ?? join(process.cwd(), 'reports', target.name) });
      return session;
    } catch (e) {
      await device?.stop();
      for (const d of drivers) await d.close();
      throw e;
    }
  }

  /** The SMP side, when the target speaks SMP. */
  get smpDriver(): SmpDriver | undefined {
    return this.#drivers.find((d): d is SmpDriver => d instanceof SmpDriver);
  }

  /** The LwM2M side, when the target has an `lwm2m` block (the case kit's `CaseLwm2mSide`). */
  get lwm2m(): Lwm2mDriver | undefined {
    return this.#drivers.find((d): d is Lwm2mDriver => d instanceof Lwm2mDriver);
  }

  /** The SMP client (a new one after `awaitReady` had to reopen the link). */
  get smp(): SmpClient | undefined {
    return this.smpDriver?.client;
  }

  /** `udp`, `serial`, `memory`: the SMP link's kind (else the first driver's protocol). */
  get transportKind(): string {
    return this.smpDriver?.transportKind ?? this.#drivers[0]?.name ?? '';
  }

  /** Connection string of the SMP link. */
  get connection(): string {
    return this.smpDriver?.connection ?? '';
  }

  get params(): { bufSize: number; bufCount: number } | undefined {
    return this.smpDriver?.params;
  }

  /** Largest SMP request packet the harness builds on purpose (buf_size, transport MTU, UDP 1500). */
  get maxRequestBytes(): number | undefined {
    return this.smpDriver?.maxRequestBytes;
  }

  /** The file system the fs cases write to (targets.json `smp.fs`; default root `/lfs1`, no budget). */
  get fs(): SmpFsOptions {
    return this.target.smpOptions?.fs ?? { root: DEFAULT_FS_ROOT };
  }

  /** SMP header versions the device answers. */
  get smpVersions(): { v1: boolean; v2: boolean } {
    return this.smpDriver?.smpVersions ?? { v1: false, v2: false };
  }

  /** The trace of the first driver (SMP when present): every frame in and out, kept across reopens. */
  get trace(): TraceLog {
    const first = this.smpDriver ?? this.#drivers[0];
    if (!first) throw new TransportClosedError(`session ${this.targetName} has no protocol`);
    return first.trace;
  }

  /**
   * Wait until the device answers again (after a reset): reopens a closed link first (a USB
   * serial port that re-enumerated), then retries until `timeoutMs` (default the target's ready
   * timeout). Resolves with the milliseconds waited; rejects with a `TransportError`.
   */
  async awaitReady(options: { timeoutMs?: number } = {}): Promise<number> {
    if (this.#isClosed) throw new TransportClosedError(`session ${this.targetName} is closed`);
    await this.smpDriver?.reopenIfClosed(this.targetName);
    let waitedMs = 0;
    for (const d of this.#drivers) waitedMs = Math.max(waitedMs, (await d.waitReady({ timeoutMs: options.timeoutMs ?? this.target.readyTimeoutMs })).waitedMs);
    this.#timing.record('reset.ready', waitedMs);
    return waitedMs;
  }

  /**
   * Reset the device by the target's `reset` method (targets.json) and wait until it is ready
   * again; the time from the reset to ready is recorded as `reset.ready` and returned (ms).
   */
  /** How the target is reset (targets.json `reset.method`). */
  get resetMethod(): string {
    return resetOf(this.target).method;
  }

  async resetDevice(): Promise<number> {
    const lwm2m = this.lwm2m;
    const readyMs = await resetTarget({ target: this.target, smp: this.smp, awaitReady: (o) => this.awaitReady(o), ...(lwm2m ? { lwm2m: lwm2m.resetSide() } : {}) });
    this.#timing.record('reset.toReady', readyMs);
    return readyMs;
  }

  /**
   * Crash handling (docs/architecture.md "Crashes, blocked cases and recovery"): the case kit
   * asks it before and after each case; undefined when the target turns detection off.
   */
  get crashWatch(): CrashGuard | undefined {
    return this.#guard;
  }

  /** Every protocol's trace, SMP first (a crash's frames and the device's last answer come from them). */
  traces(): { protocol: 'smp' | 'lwm2m'; trace: TraceLog }[] {
    return this.#drivers.map((d) => ({ protocol: d.name, trace: d.trace }));
  }

  /** Close the SMP client, so whatever a case waits for on a dead device ends now (the next `awaitReady` reopens). */
  async abortLinks(): Promise<void> {
    const driver = this.smpDriver;
    if (!driver) return;
    let client: SmpClient;
    try {
      client = driver.client;
    } catch {
      return;
    }
    await client.close().catch(() => undefined);
  }

  /**
   * Bring the session back after `trigger` reset the device: re-open the SMP link (a restarted
   * process has a new pseudo-terminal behind the same link), wait for a new LwM2M registration and
   * for SMP readiness, then discover the capabilities again.
   */
  async reopenAfterReset(trigger: () => Promise<void>): Promise<void> {
    const timeoutMs = resetOf(this.target).timeoutMs ?? this.target.readyTimeoutMs;
    const lwm2m = this.lwm2m;
    const registered = lwm2m && lwm2m.unreachable === undefined ? lwm2m.server.waitForNewRegistration(lwm2m.endpoint, timeoutMs + lwm2m.registrationTimeoutMs) : undefined;
    registered?.catch(() => undefined);
    await trigger();
    await this.abortLinks();
    if (registered) await registered;
    await this.awaitReady({ timeoutMs });
    for (const d of this.#drivers) {
      const found = await d.discover({ waitedMs: 0 });
      for (const [name, status] of found.statuses) this.#statuses.set(name, status);
    }
  }

  /** Round trips per command of every driver, plus reset-to-ready times (`reset.ready`), in ms. */
  timingFigures(): Record<string, CommandTiming> {
    return mergeTimings([...this.#drivers.map((d) => d.timing?.figures() ?? {}), this.#timing.figures()]);
  }

  /** Is the device still there? Every driver asks its harmless request; the first not alive answers. */
  async alive(): Promise<AliveResult> {
    const options = { timeoutMs: this.timeouts.responseMs, hasCapability: (name: string) => this.capability(name).present };
    let result: AliveResult = { kind: 'unchecked', reason: 'the target has no protocol driver' };
    for (const d of this.#drivers) {
      const r = await d.alive(options);
      if (r.kind === 'dead') return r;
      if (r.kind === 'alive' || result.kind === 'unchecked') result = r;
    }
    return result;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Status of one capability (unknown names are absent, saying so). */
  capability(name: string): CapabilityStatus {
    return this.#statuses.get(name) ?? unknownCapability(name, this.target.capabilities.includes(name));
  }

  /** Every capability decided at session start, plus declared unknown names. */
  capabilities(): readonly CapabilityStatus[] {
    return [...this.#statuses.values()];
  }

  /**
   * Stop a worker-started device, then close every driver: the device goes first, so a client
   * that de-registers when stopped still finds the LwM2M server answering. Idempotent, never throws.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#guard?.close();
    await this.#device?.stop().catch(() => undefined);
    for (const d of this.#drivers) await d.close();
  }
}
