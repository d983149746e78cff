/**
 * The bench's `goals` section: each goal of issues 3, 4 and 5 with the figure that answers it
 * (its path in bench.json), the measured value and whether it is met. Report-only figures (no
 * threshold in the issue) have `met: null`.
 */
import type { FullRunFigures } from './full-run.ts';
import type { MalformedFigures } from './malformed.ts';
import type { UploadFigures } from './upload.ts';

/** One goal and its verdict. */
export interface Goal {
  /** The issue that states the goal; null for the README's echo-RTT goal. */
  issue: number | null;
  goal: string;
  /** Where the figure is in bench.json. */
  figure: string;
  measured: number | string | null;
  met: boolean | null;
}

/** Everything the goals are judged on; a failed or skipped part is an `error` object. */
export interface BenchParts {
  echoRatio: number | undefined;
  /** The echo bench's own verdict on the unrounded ratio (`echoRatio` is rounded for print). */
  echoIsWithinGoal?: boolean | undefined;
  simulatorEcho: { udpEchoPerSec?: number; ptyEchoPerSec?: number } | { error: string };
  upload: UploadFigures | { error: string };
  malformed: MalformedFigures | { error: string };
  fullRun: FullRunFigures | { error: string };
}

const isOk = <T extends object>(x: T | { error: string }): x is T => !('error' in x);

/** `measured >= min` as a goal; a missing figure is not met. */
function atLeast(issue: number, goal: string, figure: string, measured: number | undefined, min: number): Goal {
  return { issue, goal, figure, measured: measured ?? null, met: measured !== undefined && measured >= min };
}

function uploadGoals(u: UploadFigures | undefined): Goal[] {
  const loop = 'imageUpload.udp.loopback';
  return [
    atLeast(5, 'UDP upload of 1 MiB, Zephyr defaults (2048 × 2 buffers, window 1): ≥ 95 % of the device rate',
      `${loop}.zephyr2Buf.ofDeviceRateRatio`, u?.udp.loopback.zephyr2Buf?.ofDeviceRateRatio, 0.95),
    atLeast(5, 'UDP upload of 1 MiB, 4 buffers, engine default window: ≥ 95 % of the device rate',
      `${loop}.buf4EngineDefault.ofDeviceRateRatio`, u?.udp.loopback.buf4EngineDefault.ofDeviceRateRatio, 0.95),
    atLeast(5, 'UDP upload of 1 MiB with 4 buffers through a 10 ms one-way latency link: ≥ 2× stop-and-wait',
      'imageUpload.udp.latency.buf4EngineDefaultVsStopAndWaitRatio', u?.udp.latency.buf4EngineDefaultVsStopAndWaitRatio, 2),
    atLeast(5, 'pty upload at 115200 baud (64 KiB image, serial MTU 256, 4 buffers): ≥ 90 % of the framed line rate (unrounded)',
      'imageUpload.pty.ofFramedLineRateRatio', u?.pty.ofFramedLineRateRatio, 0.9),
  ];
}

function malformedGoals(m: MalformedFigures | undefined): Goal[] {
  const isAllLive = m !== undefined && m.livenessChecks > 0 && m.livenessPassed === m.livenessChecks;
  return [
    atLeast(4, 'malformed requests per second against the simulator over UDP: ≥ 10 000/s', 'malformed.framesPerSec', m?.framesPerSec, 10_000),
    { issue: 4, goal: 'every liveness echo between malformed windows is answered', figure: 'malformed.livenessPassed / livenessChecks', measured: m === undefined ? null : `${m.livenessPassed}/${m.livenessChecks}`, met: isAllLive },
  ];
}

/** Issue 11: peak memory of a full run against the simulator. */
export const FULL_RUN_RSS_GOAL_BYTES = 200 * 1024 * 1024;

const MIB = 1024 * 1024;
const inMiB = (bytes: number | undefined): number | null => (bytes === undefined ? null : bytes / MIB);

function fullRunGoals(r: FullRunFigures | undefined): Goal[] {
  const memory = r?.memory;
  const pss = memory?.peakTreePssBytes;
  return [
    {
      issue: 11,
      goal: 'peak machine memory of the full default run, CLI and every process it starts (devices included), summed PSS per sample: ≤ 200 MB (MiB, unrounded)',
      figure: 'fullRun.memory.peakTreePssBytes',
      measured: inMiB(pss),
      met: pss !== undefined && pss > 0 ? pss <= FULL_RUN_RSS_GOAL_BYTES : false,
    },
    { issue: 11, goal: 'the same without the simulated devices\' processes: the harness alone (MiB, unrounded; report only)', figure: 'fullRun.memory.peakHarnessPssBytes', measured: inMiB(memory?.peakHarnessPssBytes), met: null },
    { issue: 11, goal: 'summed resident set (shared pages once per process, an upper bound) of the full default run (MiB, unrounded; report only)', figure: 'fullRun.memory.peakTreeRssBytes', measured: inMiB(memory?.peakTreeRssBytes), met: null },
    { issue: 11, goal: 'wall time of the full default run (ms, unrounded; report only)', figure: 'fullRun.wallMs', measured: r?.wallMs ?? null, met: null },
    { issue: 4, goal: 'wall time of the full SMP run on both transports (seconds; report only)', figure: 'fullRun.wallSeconds', measured: r?.wallSeconds ?? null, met: null },
    { issue: 4, goal: 'the full SMP run ends with exit code 0 (no failed or broken case)', figure: 'fullRun.exitCode', measured: r?.exitCode ?? null, met: r !== undefined && r.exitCode === 0 },
  ];
}

/** All goals, in issue order. */
export function benchGoals(p: BenchParts): Goal[] {
  const sim = isOk(p.simulatorEcho) ? p.simulatorEcho : undefined;
  return [
    { issue: 3, goal: 'simulator echo requests/s over UDP (sequential; report only)', figure: 'simulatorEcho.udpEchoPerSec', measured: sim?.udpEchoPerSec ?? null, met: null },
    { issue: 3, goal: 'simulator echo requests/s over the pty (sequential, no line-rate emulation; report only)', figure: 'simulatorEcho.ptyEchoPerSec', measured: sim?.ptyEchoPerSec ?? null, met: null },
    { issue: null, goal: 'echo RTT through SmpClient over a bare dgram client: ratio ≤ 1.25 (README)', figure: 'echoRtt.ratio', measured: p.echoRatio ?? null, met: p.echoIsWithinGoal === true },
    ...malformedGoals(isOk(p.malformed) ? p.malformed : undefined),
    ...fullRunGoals(isOk(p.fullRun) ? p.fullRun : undefined),
    ...uploadGoals(isOk(p.upload) ? p.upload : undefined),
  ];
}
