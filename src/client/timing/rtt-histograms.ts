/**
 * Round-trip times per command, kept in HDR histograms (hdr-histogram-js, pure JavaScript: no
 * WebAssembly) at microsecond resolution with 3 significant digits, so a run of any length keeps
 * constant memory and its percentiles stay within 0.1 %.
 * @see https://hdrhistogram.github.io/HdrHistogram/
 */
import * as hdr from 'hdr-histogram-js';

/** Figures of one command, in ms (the shape summary.json and the certificate carry). */
export interface CommandTiming {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** Largest round trip recorded: one hour, in µs (a longer one is clamped to it). */
const HIGHEST_US = 3_600_000_000;

const toMs = (us: number): number => Math.round(us / 10) / 100;

/** Histograms of round trips by command name (`smp.os.echo`, `smp.img.upload`, `lwm2m.read`, `reset.ready`). */
export class RttHistograms {
  readonly #byCommand = new Map<string, hdr.Histogram>();

  /** Record one round trip of `command` in ms (negative or non-finite values are ignored). */
  record(command: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let h = this.#byCommand.get(command);
    if (!h) {
      h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
      this.#byCommand.set(command, h);
    }
    h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
  }

  /** Figures of one command, or undefined when nothing was recorded for it. */
  figuresOf(command: string): CommandTiming | undefined {
    const h = this.#byCommand.get(command);
    if (!h || h.totalCount === 0) return undefined;
    // A percentile reads as its bucket's highest equivalent value: never report it above the max.
    const max = h.maxValue;
    return { count: h.totalCount, p50: toMs(Math.min(h.getValueAtPercentile(50), max)), p95: toMs(Math.min(h.getValueAtPercentile(95), max)), max: toMs(max) };
  }

  /** Every command's figures, by name. */
  figures(): Record<string, CommandTiming> {
    const out: Record<string, CommandTiming> = {};
    for (const name of [...this.#byCommand.keys()].sort()) {
      const f = this.figuresOf(name);
      if (f) out[name] = f;
    }
    return out;
  }

  /** Command names recorded so far. */
  commands(): string[] {
    return [...this.#byCommand.keys()].sort();
  }
}

/** Merge figures of several sources (drivers); a name in two sources keeps the one with more samples. */
export function mergeTimings(parts: readonly Record<string, CommandTiming>[]): Record<string, CommandTiming> {
  const out: Record<string, CommandTiming> = {};
  for (const part of parts) for (const [name, f] of Object.entries(part)) if ((out[name]?.count ?? -1) < f.count) out[name] = f;
  return out;
}
