/**
 * What the case kit needs from a target session, and where it finds one. The Session itself lives
 * in src/target (below this layer in the run, but not importable from here): the conformance
 * vitest environment installs a provider under a well-known global symbol, and the kit asks it
 * for the session on each case. A global is also what keeps one session per worker when vitest
 * loads the environment and the suites through separate module runners.
 * @see docs/architecture.md "Session and run model"
 */
import type { SessionBootstrapRecord } from '../client/lwm2m/bootstrap-script.ts';
import type { Lwm2mRegistration, Lwm2mServer } from '../client/lwm2m-server.ts';
import type { SmpClient } from '../client/smp-client.ts';
import type { DeviceConTiming, Lwm2mFirmwareCapability } from '../config/lwm2m-target.ts';
import { SESSION_PROVIDER_KEY } from '../config/run-target.ts';
import type { TraceLog } from '../core/trace.ts';
import type { CrashSummary } from '../reporting/summary.ts';
import { CaseBrokenError, hasErrorCode } from './errors.ts';

/** Whether the target has a capability, and why the kit thinks so. */
export interface CapabilityStatus {
  name: string;
  present: boolean;
  /** Listed in targets.json. */
  declared: boolean;
  /** How it was decided: `enum list`, `rc 8 to os.taskstat probe`, `declared only`, … */
  reason: string;
}

/** MCUmgr parameters reported by the device (`os mcumgr params`). */
export interface McumgrParams {
  /** One SMP buffer including the 8-byte header. */
  bufSize: number;
  bufCount: number;
}

/** Timeouts a case uses when it does not pass its own. */
export interface SessionTimeouts {
  /** Wait for a reply the spec requires. */
  responseMs: number;
  /** Default window of a silence check. */
  silenceMs: number;
}

/**
 * The LwM2M side of a session: the harness's LwM2M server (bound in the worker, kept across
 * suite files) and the endpoint under test. Operations go through `server` with `endpoint` as
 * the target (`server.read(side.endpoint, '/3/0')`).
 * @see docs/architecture.md "Protocol drivers"
 */
export interface CaseLwm2mSide {
  readonly server: Lwm2mServer;
  /** The endpoint client name under test (targets.json `lwm2m.endpoint`). */
  readonly endpoint: string;
  readonly registrationTimeoutMs: number;
  /**
   * Why the side cannot be used (`no registration from NAME within N s`); undefined once the
   * endpoint registered. Every LwM2M case is broken with this reason.
   */
  readonly unreachable: string | undefined;
  /** The endpoint's active registration (throws NotRegisteredError when there is none). */
  registration(): Lwm2mRegistration;
  /** How the target secures CoAP (targets.json `lwm2m.security`, key left out); absent means NoSec. */
  readonly security?: { mode: 'psk'; identity: string } | { mode: 'nosec' };
  /** The transmission parameters the device's own CONs are held to (RFC 7252 defaults unless the target scales them). */
  readonly deviceConTiming?: DeviceConTiming;
  /** What the session's bootstrap did, when the target bootstraps (targets.json `lwm2m.bootstrap`). */
  readonly bootstrap?: SessionBootstrapRecord | undefined;
  /** Milliseconds from the device start to its first registration (the `registrationMs` budget's figure). */
  readonly registrationMs?: number | undefined;
  /** What the Firmware Update object takes, as the target states it (targets.json `lwm2m.firmware`); absent when unstated. */
  readonly firmware?: Lwm2mFirmwareCapability | undefined;
}

/**
 * Crash handling of a session (docs/architecture.md "Crashes, blocked cases and recovery"): the
 * kit calls `begin` before a case body and `settle` after it; while `deadSince` is set, cases are
 * not run and end `blocked`.
 */
export interface CaseCrashWatch {
  /** The case during which the device died, while it is dead and could not be brought back. */
  readonly deadSince: string | undefined;
  /** A case starts: watch for a dead device (process exit, console fault banner) until `settle`. */
  begin(): void;
  /**
   * Settles with the cause once the watch saw the device die during the current case (never
   * otherwise): the kit stops waiting for a case body that waits on a dead device.
   */
  readonly death: Promise<string>;
  /**
   * A case ended; `suspect` when it failed or broke (the liveness fence runs then, and when its
   * last frames went unanswered). The crash when the device died during it (recovery tried).
   */
  settle(caseId: string, suspect: boolean): Promise<{ message: string; record: CrashSummary } | undefined>;
}

/** The session as the case kit sees it; `Session` in src/target implements it. */
export interface CaseSession {
  readonly targetName: string;
  /** `udp`, `serial`, `memory`. */
  readonly transportKind: string;
  /** SHOULD violations fail instead of passing with a warning. */
  readonly isStrict: boolean;
  /** Base seed of the run (property cases derive theirs from it unless MGMT_SEED is set). */
  readonly seed: number;
  /** Cases marked destructive may run (reset, erase). */
  readonly allowsDestructive: boolean;
  /** The SMP client, when the target speaks SMP. */
  readonly smp: SmpClient | undefined;
  /** The LwM2M side, when the target has an `lwm2m` block. */
  readonly lwm2m?: CaseLwm2mSide | undefined;
  /**
   * Is the device still there? Each protocol driver asks its harmless request (SMP: echo, else
   * MCUmgr params; LwM2M: a CoAP ping answered RST and a Read of /3/0 answered 2.05); `dead`
   * names what was expected and what came.
   */
  alive?(): Promise<{ kind: 'alive' } | { kind: 'dead'; expected: string; actual: string } | { kind: 'unchecked'; reason: string }>;
  readonly trace: TraceLog;
  readonly params: McumgrParams | undefined;
  /**
   * Largest SMP request packet the harness builds on purpose: min(buf_size, the serial transport
   * MTU, UDP 1500). Cases about the limit itself go over it on purpose.
   * @see docs/spec/smp.md §4.3, §4.7
   */
  readonly maxRequestBytes?: number | undefined;
  /**
   * The file system the fs cases write to: mount point of the scratch files, and the most bytes
   * they may hold at once (targets.json `smp.fs`).
   */
  readonly fs?: { readonly root: string; readonly budgetBytes?: number | undefined } | undefined;
  /** SMP header versions the device answers: v1 = original protocol, v2 = version bits 01. */
  readonly smpVersions: { v1: boolean; v2: boolean };
  readonly timeouts: SessionTimeouts;
  /**
   * Timing budgets the target sets (targets.json `budgets`, names in src/config/budgets.ts:
   * `smp.echo.rttMs`, …); a name absent here has no budget, and its timing case only records.
   */
  readonly budgets: Readonly<Record<string, number>>;
  /** What the device said about itself (os info, enum details), for reports. */
  readonly identity: Readonly<Record<string, unknown>>;
  /**
   * Set when the device answered but discovery could not judge it (replies not matching the
   * requests); every capability is then assumed present so the cases run and show the defect.
   */
  readonly discoveryProblem?: string | undefined;
  /** Status of one capability; unknown names are absent with a reason saying so. */
  capability(name: string): CapabilityStatus;
  /** Every capability the session knows about (discovered or declared). */
  capabilities(): readonly CapabilityStatus[];
  /**
   * Wait until the device answers again (after a reset), reopening the link if it closed.
   * Resolves with the milliseconds waited; rejects (broken) when it does not come back in time.
   */
  awaitReady(options?: { timeoutMs?: number }): Promise<number>;
  /** How the target is reset (targets.json `reset.method`: `smp`, `command`, `restart`, `none`). */
  readonly resetMethod?: string;
  /** Reset by the target's method and wait until ready; resolves with the ms from reset to ready. */
  resetDevice?(): Promise<number>;
  /** Crash handling; undefined when the target turns detection off (sim targets by default). */
  readonly crashWatch?: CaseCrashWatch | undefined;
}

export { SESSION_PROVIDER_KEY };

/** Something that yields the session for the current target (rejects when it cannot be opened). */
export type SessionProvider = () => Promise<CaseSession>;

type ProviderSlot = { [SESSION_PROVIDER_KEY]?: SessionProvider };

/** Install the provider (the conformance environment does; unit tests install their own). */
export function installSessionProvider(provider: SessionProvider | undefined): void {
  (globalThis as ProviderSlot)[SESSION_PROVIDER_KEY] = provider;
}

/** The session for this case; broken (not failed) when no provider or the target cannot open. */
export async function acquireSession(): Promise<CaseSession> {
  const provider = (globalThis as ProviderSlot)[SESSION_PROVIDER_KEY];
  if (!provider) {
    throw new CaseBrokenError(
      'no target session: run suites through `mgmt-conformance run`, or with MGMT_TARGET set in the vitest `conformance` project',
    );
  }
  try {
    return await provider();
  } catch (e) {
    if (hasErrorCode(e, 'E_CASE_BROKEN')) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new CaseBrokenError(`target unavailable: ${message}`, { cause: e });
  }
}
