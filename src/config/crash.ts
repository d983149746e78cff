/**
 * How a dead device is told (targets.json `crash`): the liveness fence after a case that failed or
 * met silence, a process target's exit, and console lines matching a fault pattern (the target's
 * own process output, or a board's console serial port). Defaults in one place.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import type { TargetKind } from './targets.ts';

/** Zephyr's fatal-error banners: `z_fatal_error`, the Cortex-M fault dump, `arch_system_halt`. */
export const DEFAULT_FAULT_PATTERNS: readonly string[] = ['>>> ZEPHYR FATAL ERROR', '\\*\\*\\*\\*\\* [A-Z ]*FAULT \\*\\*\\*\\*\\*', 'Halting system'];

/** targets.json `crash` as written. */
export interface CrashOptions {
  /**
   * Check after a failed or silent case whether the device died; a dead device's case ends
   * `crash` and later cases wait for recovery. Default: on, except for `sim` targets (see `crashOf`).
   */
  detect?: boolean;
  /** Regular expressions of console lines that mean the device died (default `DEFAULT_FAULT_PATTERNS`). */
  faultPatterns?: string[];
  /** Serial connection string of a board's console (`serial:///dev/ttyACM1?baud=115200`), read for fault patterns. */
  console?: string;
}

/** The crash handling of a target, defaults filled in. */
export interface CrashHandling {
  detect: boolean;
  faultPatterns: RegExp[];
  console: string | undefined;
}

/**
 * The crash handling of `target`. Detection is off by default for `sim` targets: their fault
 * profiles make the device mute or wrong on purpose, and the self-test judges each profile's
 * cases one by one; a sim target turns it on with `crash.detect: true`.
 */
export function crashOf(target: { kind: TargetKind; crash?: CrashOptions | undefined }): CrashHandling {
  const given = target.crash ?? {};
  return {
    detect: given.detect ?? target.kind !== 'sim',
    faultPatterns: (given.faultPatterns ?? DEFAULT_FAULT_PATTERNS).map((p) => new RegExp(p)),
    console: given.console,
  };
}
