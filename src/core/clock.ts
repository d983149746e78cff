/** Monotonic time helpers. Every frame in a trace carries `process.hrtime.bigint()`. */

/** Nanoseconds since an arbitrary origin (monotonic). */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Milliseconds between two `nowNs()` readings, as a float. */
export function elapsedMs(fromNs: bigint, toNs: bigint = nowNs()): number {
  return Number(toNs - fromNs) / 1e6;
}

/** Resolve after `ms` milliseconds; the timer does not keep the process alive when `unref`. */
export function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (unref) t.unref();
  });
}
