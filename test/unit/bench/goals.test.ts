/** The bench's goals section: thresholds, missing figures, report-only entries. */
import { describe, expect, it } from 'vitest';
import type { FullRunFigures } from '../../../bench/full-run.ts';
import { benchGoals, type BenchParts, type Goal } from '../../../bench/goals.ts';
import type { MalformedFigures } from '../../../bench/malformed.ts';
import type { RunFigures, UploadFigures } from '../../../bench/upload.ts';

const run = (ofDeviceRateRatio: number): RunFigures => ({ bufCount: 4, window: 3, bytesPerSec: 1, ofDeviceRateRatio, retransmits: 0, isMatch: true });

function upload(zephyr: number, pipelined: number, gain: number, pty: number): UploadFigures {
  const link = { oneWayLatencyMs: 0, chunkDataBytes: 1476, measuredRequestMs: 10, deviceRateBytesPerSec: 1, buf4StopAndWait: run(0.9), buf4EngineDefault: run(pipelined), buf4EngineDefaultVsStopAndWaitRatio: gain };
  return {
    device: { processingMsPerRequest: 10, bufSize: 2048, slotBytes: 0x120000 },
    udp: { imageBytes: 1 << 20, loopback: { ...link, zephyr2Buf: run(zephyr) }, latency: link },
    pty: { imageBytes: 65536, baudRate: 115200, serialMtuBytes: 256, bufCount: 4, window: 3, chunkDataBytes: 234, bytesPerSec: 1, framedLineRateBytesPerSec: 1, ofFramedLineRateRatio: pty },
  };
}

const malformed = (framesPerSec: number, passed: number): MalformedFigures => ({
  framesPerSec, framesSent: 100, repliesToFrames: 90, silentFrames: 10, livenessChecks: 10, livenessPassed: passed, windowFrames: 10, distinctFrames: 50, seed: 1,
});

const MiB = 1024 * 1024;
const fullRun = (exitCode: number | null, peakTreePssBytes = 200 * MiB): FullRunFigures => ({
  wallSeconds: 40,
  wallMs: 40_000.25,
  memory: { peakTreeRssBytes: 3 * peakTreePssBytes, peakTreePssBytes, peakHarnessPssBytes: peakTreePssBytes, sumOfProcessPeaksBytes: 3 * peakTreePssBytes, largestProcessPeakBytes: 1, largestProcessCommand: 'node', processCount: 1, processes: [], samples: 1, intervalMs: 100 },
  exitCode,
  summaryDurationSeconds: 38,
  totalCases: 462,
  targets: [],
});

function verdicts(p: BenchParts): (boolean | null)[] {
  return benchGoals(p).map((g: Goal) => g.met);
}

describe('benchGoals', () => {
  it('meets every threshold goal when each figure is at its bound', () => {
    const p: BenchParts = { echoRatio: 1.25, echoIsWithinGoal: true, simulatorEcho: { udpEchoPerSec: 9000, ptyEchoPerSec: 3000 }, upload: upload(0.95, 0.95, 2, 0.9), malformed: malformed(10_000, 10), fullRun: fullRun(0) };
    expect(verdicts(p)).toEqual([null, null, true, true, true, true, null, null, null, null, true, true, true, true, true]);
  });

  it('fails each threshold goal just below its bound', () => {
    const p: BenchParts = { echoRatio: 1.26, echoIsWithinGoal: false, simulatorEcho: { udpEchoPerSec: 1, ptyEchoPerSec: 1 }, upload: upload(0.949, 0.949, 1.99, 0.899), malformed: malformed(9_999, 9), fullRun: fullRun(1, 200 * MiB + 1) };
    expect(verdicts(p)).toEqual([null, null, false, false, false, false, null, null, null, null, false, false, false, false, false]);
  });

  it('judges the echo goal on the unrounded ratio: 1.2503 prints as 1.25 and is not met', () => {
    const p: BenchParts = { echoRatio: 1.25, echoIsWithinGoal: 1.2503 <= 1.25, simulatorEcho: { udpEchoPerSec: 1, ptyEchoPerSec: 1 }, upload: { error: 'x' }, malformed: { error: 'x' }, fullRun: { error: 'x' } };
    expect(benchGoals(p).find((g) => g.figure === 'echoRtt.ratio')?.met).toBe(false);
  });

  it('a part that failed leaves its goals unmet with no measured figure', () => {
    const e = { error: 'gave up after 1 ms' };
    const goals = benchGoals({ echoRatio: undefined, simulatorEcho: e, upload: e, malformed: e, fullRun: e });
    expect(goals.filter((g) => g.met !== null).every((g) => g.met === false && g.measured === null)).toBe(true);
    expect(goals.map((g) => g.figure)).toContain('imageUpload.udp.latency.buf4EngineDefaultVsStopAndWaitRatio');
  });
});
