/**
 * A Session: one open target with its SMP client, discovered capabilities, MCUmgr parameters and
 * trace, shared by every case of the worker. It implements the case kit's `CaseSession`
 * (src/conformance/session-port.ts) structurally; a unit test checks the fit.
 * @see /work/shared/DESIGN.md "One session per target"
 */
import { SmpClient } from '../client/smp-client.ts';
import type { TraceLog } from '../core/trace.ts';
import type { Transport } from '../core/transport.ts';
import { ResponseTimeoutError, TransportClosedError, TransportError } from '../errors.ts';
import { assumedCapabilities, discoverCapabilities, unknownCapability, type CapabilityStatus, type DiscoveryResult } from './capabilities.ts';
import { openTarget, reopenLink, waitUntilReady } from './lifecycle.ts';
import type { ResolvedTarget } from './target-env.ts';

/** Default window of a silence check when a case gives none. */
export const DEFAULT_SILENCE_MS = 300;

/**
 * Discover capabilities; a device that answers but not to the requests (readiness saw only
 * mismatched packets, or discovery stops getting replies) gets assumed capabilities and a
 * recorded problem instead of an unreachable verdict.
 */
async function discover(smp: SmpClient, target: ResolvedTarget, transportKind: string, mismatch: string | undefined): Promise<DiscoveryResult> {
  const declared = target.capabilities;
  if (mismatch !== undefined) return assumedCapabilities({ transportKind, declared, problem: `the device answered with ${mismatch}` });
  try {
    return await discoverCapabilities(smp, { transportKind, declared, isReferenceSimulator: target.kind === 'sim' });
  } catch (e) {
    if (!(e instanceof ResponseTimeoutError)) throw e;
    return assumedCapabilities({ transportKind, declared, problem: `the device stopped answering during capability discovery (${e.message})` });
  }
}

/** How to open a session besides the target itself. */
export interface SessionOpenOptions {
  /** Use this transport instead of opening the target's (unit tests: a memory pair). */
  transport?: Transport;
  /** Kind reported for an injected transport (default: its `kind`). */
  transportKind?: string;
}

/** One open target. */
export class Session {
  readonly target: ResolvedTarget;
  readonly targetName: string;
  readonly transportKind: string;
  readonly connection: string;
  readonly isStrict: boolean;
  readonly seed: number;
  readonly allowsDestructive: boolean;
  readonly params: { bufSize: number; bufCount: number } | undefined;
  readonly smpVersions: { v1: boolean; v2: boolean };
  readonly timeouts: { responseMs: number; silenceMs: number };
  /** Timing budgets of the target (targets.json `budgets`), enforced by the `SMP-TIME-*` cases. */
  readonly budgets: Readonly<Record<string, number>>;
  readonly identity: Readonly<Record<string, unknown>>;
  /** Why capabilities could not be discovered (they are assumed present then). */
  readonly discoveryProblem: string | undefined;
  readonly #statuses: Map<string, CapabilityStatus>;
  readonly #stopSimulator: () => Promise<void>;
  /** Injected transports (unit tests) cannot be reopened from the connection string. */
  readonly #canReopen: boolean;
  #smp: SmpClient;
  #transport: Transport;
  #isClosed = false;

  private constructor(
    target: ResolvedTarget,
    link: { smp: SmpClient; transport: Transport; kind: string; connection: string; stop: () => Promise<void>; canReopen: boolean },
    found: DiscoveryResult,
  ) {
    this.target = target;
    this.targetName = target.name;
    this.transportKind = link.kind;
    this.connection = link.connection;
    this.isStrict = target.strict;
    this.seed = target.seed;
    this.allowsDestructive = target.allowDestructive;
    this.#smp = link.smp;
    this.#transport = link.transport;
    this.#canReopen = link.canReopen;
    this.params = found.params;
    this.smpVersions = found.smpVersions;
    this.timeouts = { responseMs: target.timeoutMs, silenceMs: DEFAULT_SILENCE_MS };
    this.budgets = { ...target.budgets };
    this.identity = found.identity;
    this.discoveryProblem = found.problem;
    this.#statuses = found.statuses;
    this.#stopSimulator = link.stop;
  }

  /**
   * Open the target: link, wait until ready, discover capabilities. Rejects with a
   * `TransportError` (or the transport's own error) when the target is unreachable; nothing
   * stays open then.
   */
  static async open(target: ResolvedTarget, options: SessionOpenOptions = {}): Promise<Session> {
    const opened = options.transport
      ? { transport: options.transport, transportKind: options.transportKind ?? options.transport.kind, connection: options.transport.description, stopSimulator: async () => undefined }
      : await openTarget(target);
    const smp = new SmpClient(opened.transport, { timeoutMs: target.timeoutMs });
    try {
      const ready = await waitUntilReady(smp, { readyTimeoutMs: target.readyTimeoutMs, attemptMs: Math.min(target.timeoutMs, 1000) });
      const found = await discover(smp, target, opened.transportKind, ready.mismatch);
      const link = { smp, transport: opened.transport, kind: opened.transportKind, connection: opened.connection, stop: opened.stopSimulator, canReopen: !options.transport };
      return new Session(target, link, found);
    } catch (e) {
      await smp.close();
      await opened.stopSimulator();
      throw e;
    }
  }

  /** The SMP client (a new one after `awaitReady` had to reopen the link). */
  get smp(): SmpClient {
    return this.#smp;
  }

  /** The SMP client's trace: every frame in and out, for per-case evidence (kept across reopens). */
  get trace(): TraceLog {
    return this.#smp.trace;
  }

  /**
   * Wait until the device answers again (after a reset): reopens the link first when it closed
   * (a USB serial port that re-enumerated), then retries until `timeoutMs` (default the target's
   * ready timeout). Resolves with the milliseconds waited; rejects with a `TransportError`.
   */
  async awaitReady(options: { timeoutMs?: number } = {}): Promise<number> {
    if (this.#isClosed) throw new TransportClosedError(`session ${this.targetName} is closed`);
    if (this.#transport.isClosed) {
      if (!this.#canReopen) throw new TransportError(`the link to ${this.targetName} closed and cannot be reopened`);
      const transport = await reopenLink(this.connection);
      const old = this.#smp;
      this.#smp = new SmpClient(transport, { timeoutMs: this.target.timeoutMs, trace: old.trace });
      this.#transport = transport;
      await old.close().catch(() => undefined);
    }
    const ready = await waitUntilReady(this.#smp, { readyTimeoutMs: options.timeoutMs ?? this.target.readyTimeoutMs, attemptMs: Math.min(this.target.timeoutMs, 1000) });
    return ready.waitedMs;
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

  /** Close the client (and its transport) and stop a worker-started simulator. Idempotent, never throws. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#smp.close().catch(() => undefined);
    await this.#stopSimulator().catch(() => undefined);
  }
}
