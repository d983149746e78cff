/**
 * Crash handling of one session: while a case runs, watch for a dead device (the process target
 * exited, its console printed a fault banner); after a case that failed, broke or ended in
 * silence, ask the liveness fence. A dead device's case becomes a crash, with the frames sent
 * since the last good answer (saved as a reproducer), the console's last lines and the time since
 * the last answer; then the target's reset method brings it back (process restart, reset command,
 * SMP reset), readiness is awaited and the session re-opened. Without a working reset, the device
 * stays dead and every later case is blocked.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { join } from 'node:path';
import { crashOf, resetOf, type CrashHandling, type RunTarget } from '../../config/index.ts';
import { nowNs } from '../../core/clock.ts';
import type { TraceEntry, TraceLog } from '../../core/trace.ts';
import { TransportError } from '../../errors.ts';
import type { ProcessFiles } from '../process/process-device.ts';
import { describeProcessExit, processExitOf } from '../process/process-exit.ts';
import type { AliveResult } from '../protocol-driver.ts';
import { runResetCommand } from '../reset.ts';
import { OutputFileConsole, SerialConsole, type ConsoleSource } from './console-lines.ts';
import { requestProcessRestart } from './process-restart.ts';
import { framesOf, writeReproducer, type ReproducerFrame } from './reproducer.ts';
import { jsonSafe } from './json-safe.ts';

/** How often the watch looks at the process status and console while a case runs. */
export const WATCH_POLL_MS = 50;
/** How long a failed link waits for the process exit record that explains it. */
const LINK_FAILURE_GRACE_MS = 1000;
/** Console lines kept in a crash report. */
export const CRASH_CONSOLE_LINES = 20;

/** How a dead device was brought back (or not). */
export interface CrashRecoveryReport {
  method: string;
  ok: boolean;
  ms?: number;
  error?: string;
}

/** A crash as the case kit stores it (the summary.json `crashes` entry). */
export interface CrashReport {
  caseId: string;
  atMs: number;
  cause: string;
  sinceLastAnswerMs: number | null;
  lastFrames: { hex: string; decoded?: unknown }[];
  console: string[];
  reproduced: boolean | null;
  reproducer: string | null;
  recovery?: CrashRecoveryReport;
}

/** What the guard needs from the session. */
export interface GuardedSession {
  readonly target: RunTarget;
  /** Traces of the protocols (SMP first), for the case's frames and the last answer. */
  traces(): { protocol: 'smp' | 'lwm2m'; trace: TraceLog }[];
  /** The liveness fence: every driver's harmless request. */
  alive(): Promise<AliveResult>;
  /** End whatever the link is waiting for (close the SMP client), so a case on a dead device ends now. */
  abortLinks(): Promise<void>;
  /** Reset over SMP (os reset), then wait for readiness. */
  resetDevice(): Promise<number>;
  /** After a reset: re-open the links, wait for readiness (and a new LwM2M registration), discover again. */
  reopenAfterReset(trigger: () => Promise<void>): Promise<void>;
}

/** Where the guard writes and reads: the process target's files and the report directory. */
export interface GuardPlaces {
  files: ProcessFiles | undefined;
  reportDir: string;
}

function lastAnswerNs(entries: readonly TraceEntry[]): bigint | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]?.direction === 'in') return entries[i]?.atNs;
  return undefined;
}

/** The outgoing entries after the last incoming one (all of them when nothing came in). */
function sinceLastAnswer(entries: readonly TraceEntry[]): TraceEntry[] {
  let i = entries.length - 1;
  while (i >= 0 && entries[i]?.direction !== 'in') i--;
  return entries.slice(i + 1).filter((e) => e.direction === 'out');
}

/** A promise of a death's cause that only the watch settles (never rejected). */
function deferredCause(): { promise: Promise<string>; resolve: (cause: string) => void } {
  let resolve: (cause: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

/** The crash watch of one session (the case kit's `CaseCrashWatch`). */
export class CrashGuard {
  readonly #session: GuardedSession;
  readonly #handling: CrashHandling;
  readonly #places: GuardPlaces;
  readonly #console: ConsoleSource | undefined;
  readonly #openedNs = nowNs();
  #lastAnswerNs: bigint = nowNs();
  #deadSince: string | undefined;
  #noticed: string | undefined;
  #marks: { traces: number[]; console: number } = { traces: [], console: 0 };
  #timer: NodeJS.Timeout | undefined;
  #died = deferredCause();

  private constructor(session: GuardedSession, handling: CrashHandling, places: GuardPlaces, console: ConsoleSource | undefined) {
    this.#session = session;
    this.#handling = handling;
    this.#places = places;
    this.#console = console;
  }

  /** The guard for a session, or undefined when the target turns crash detection off. */
  static async forSession(session: GuardedSession, places: GuardPlaces): Promise<CrashGuard | undefined> {
    const handling = crashOf(session.target);
    if (!handling.detect) return undefined;
    const console = handling.console !== undefined ? await SerialConsole.open(handling.console) : places.files ? new OutputFileConsole(places.files.output) : undefined;
    return new CrashGuard(session, handling, places, console);
  }

  /** The case that killed the device, while it is dead and could not be brought back. */
  get deadSince(): string | undefined {
    return this.#deadSince;
  }

  /** Settles with the cause when the watch sees the device die during the current case. */
  get death(): Promise<string> {
    return this.#died.promise;
  }

  /** A case starts: mark the traces and the console, and watch the process and console until `settle`. */
  begin(): void {
    this.#noticed = undefined;
    this.#died = deferredCause();
    this.#marks = { traces: this.#session.traces().map((t) => t.trace.mark()), console: this.#console?.mark() ?? 0 };
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (this.#noticed !== undefined) return;
      const cause = this.#deathSign();
      if (cause === undefined) return;
      this.#noticed = cause;
      this.#died.resolve(cause);
      void this.#session.abortLinks().catch(() => undefined);
    }, WATCH_POLL_MS);
    this.#timer.unref();
  }

  /**
   * A case ended. `suspect`: it failed or broke (the fence runs then, and when the case's last
   * frames went unanswered). Returns the crash when the device died during the case, after trying
   * to bring it back; undefined when it is alive.
   */
  async settle(caseId: string, suspect: boolean): Promise<{ message: string; record: CrashReport } | undefined> {
    clearInterval(this.#timer);
    const traces = this.#session.traces();
    const entries = traces.map((t, i) => ({ protocol: t.protocol, entries: t.trace.since(this.#marks.traces[i] ?? 0) }));
    const silent = entries.some((e) => sinceLastAnswer(e.entries).length > 0);
    let cause = this.#noticed ?? this.#deathSign();
    if (cause === undefined && (suspect || silent)) cause = await this.#fence();
    const noticedNs = nowNs();
    const answered = entries.map((e) => lastAnswerNs(e.entries)).filter((n): n is bigint => n !== undefined);
    const lastNs = answered.reduce((a, b) => (b > a ? b : a), this.#lastAnswerNs);
    if (cause === undefined) {
      this.#lastAnswerNs = noticedNs;
      return undefined;
    }
    const record = this.#report(caseId, cause, entries, noticedNs, answered.length > 0 || lastNs > this.#openedNs ? lastNs : undefined);
    record.recovery = await this.#recover();
    if (!record.recovery.ok) this.#deadSince = caseId;
    this.#lastAnswerNs = nowNs();
    const recovered = record.recovery.ok ? `recovered by ${record.recovery.method} in ${Math.round(record.recovery.ms ?? 0)} ms` : `not recovered: ${record.recovery.error ?? ''}`;
    return { message: `device died during this case: ${cause} (${record.lastFrames.length} frame(s) sent since its last answer; ${recovered})`, record };
  }

  /** Stop watching and close the console. Never throws. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#console?.close().catch(() => undefined);
  }

  /** A sign of death that needs no request: the process exited, or the console printed a fault banner. */
  #deathSign(): string | undefined {
    const exit = this.#places.files ? processExitOf({ device: this.#places.files }) : undefined;
    if (exit) return describeProcessExit(this.#session.target.name, exit);
    const lines = this.#console?.since(this.#marks.console) ?? [];
    const fault = lines.find((l) => this.#handling.faultPatterns.some((p) => p.test(l)));
    return fault !== undefined ? `console printed a fault: ${fault.trim()}` : undefined;
  }

  /** Ask the device twice (one lost datagram is not a death); dead only when it stays silent. */
  async #fence(): Promise<string | undefined> {
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let r: AliveResult;
      try {
        r = await this.#session.alive();
      } catch (e) {
        return (await this.#deathSignWithin(LINK_FAILURE_GRACE_MS)) ?? `the link failed during the liveness fence: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (r.kind !== 'dead' || r.silent !== true) return this.#deathSign();
      last = `no answer to the liveness fence (${r.expected}): ${r.actual}`;
      const sign = this.#deathSign();
      if (sign !== undefined) return sign;
    }
    return last;
  }

  /** A death sign within `ms` (a process whose link went first is recorded as exited a moment later). */
  async #deathSignWithin(ms: number): Promise<string | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const sign = this.#deathSign();
      if (sign !== undefined || Date.now() >= end) return sign;
      await new Promise((r) => setTimeout(r, WATCH_POLL_MS));
    }
  }

  #report(caseId: string, cause: string, entries: { protocol: 'smp' | 'lwm2m'; entries: TraceEntry[] }[], noticedNs: bigint, lastNs: bigint | undefined): CrashReport {
    const killing = entries.find((e) => sinceLastAnswer(e.entries).length > 0) ?? entries.find((e) => e.entries.some((x) => x.direction === 'out'));
    const frames: ReproducerFrame[] = killing ? framesOf(sinceLastAnswer(killing.entries), (e) => jsonSafe(e.decoded)) : [];
    let reproducer: string | null = null;
    if (killing && frames.length > 0) {
      const header = { kind: 'mgmt-conformance-reproducer' as const, version: 1 as const, protocol: killing.protocol, caseId, target: this.#session.target.name, cause };
      try {
        reproducer = writeReproducer(join(this.#places.reportDir, `crash-${caseId}.jsonl`), { header, frames });
      } catch {
        reproducer = null;
      }
    }
    return {
      caseId,
      atMs: Number(noticedNs - this.#openedNs) / 1e6,
      cause,
      sinceLastAnswerMs: lastNs === undefined ? null : Number(noticedNs - lastNs) / 1e6,
      lastFrames: frames.map((f) => ({ hex: f.hex, ...(f.decoded !== undefined ? { decoded: f.decoded } : {}) })),
      console: this.#console?.last(CRASH_CONSOLE_LINES) ?? [],
      reproduced: null,
      reproducer,
    };
  }

  /** Bring the device back by the target's reset method; the time from the reset to an open session. */
  async #recover(): Promise<CrashRecoveryReport> {
    const target = this.#session.target;
    const reset = resetOf(target);
    const started = performance.now();
    try {
      if (reset.method === 'none') throw new TransportError(`target ${target.name} cannot be reset (reset method "none")`);
      if (reset.method === 'smp') await this.#session.resetDevice();
      else {
        const trigger = reset.method === 'command' ? () => runResetCommand(reset.command ?? []) : () => this.#restartProcess();
        await this.#session.reopenAfterReset(trigger);
      }
      return { method: reset.method, ok: true, ms: performance.now() - started };
    } catch (e) {
      return { method: reset.method, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async #restartProcess(): Promise<void> {
    const control = this.#places.files?.control;
    if (control === undefined) throw new TransportError(`target ${this.#session.target.name}: no process supervisor to restart (not a process target started by the harness)`);
    await requestProcessRestart(control, this.#session.target.readyTimeoutMs);
  }
}
