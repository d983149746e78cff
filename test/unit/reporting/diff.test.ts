/**
 * Baseline comparison: the fixture pair in test/fixtures/summaries/ carries one planted change of
 * each kind (plus look-alikes that must not be reported); the diff finds exactly those.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummaryFile, type ExtendedSummary } from '../../../src/reporting/certificate/summary-file.ts';
import { diffSummaries } from '../../../src/reporting/diff.ts';
import { renderSummaryDiff } from '../../../src/reporting/diff-text.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/summaries');
const baseline = readSummaryFile(join(fixtures, 'baseline.json'));
const current = readSummaryFile(join(fixtures, 'current.json'));

describe('diffSummaries on the planted fixtures', () => {
  const diff = diffSummaries(baseline, current);
  const udp = diff.targets.find((t) => t.target === 'board/udp')!;

  it('matches the targets by name and transport', () => {
    expect(diff.targets.map((t) => t.target)).toEqual(['board/udp', 'board/serial']);
    expect(diff.addedTargets).toEqual([]);
    expect(diff.removedTargets).toEqual([]);
  });

  it('reports exactly the planted case changes', () => {
    expect(udp.newFailures.map((c) => [c.id, c.from, c.to])).toEqual([['SMP-OS-ECHO-002', 'pass', 'fail']]);
    expect(udp.fixed.map((c) => [c.id, c.from, c.to])).toEqual([['SMP-IMG-UPLOAD-003', 'fail', 'pass']]);
    expect(udp.newlyUnsupported.map((c) => [c.id, c.from, c.to])).toEqual([['SMP-FS-UPLOAD-001', 'pass', 'unsupported']]);
    expect(udp.added.map((c) => c.id)).toEqual(['SMP-SHELL-EXEC-001']);
    expect(udp.removed.map((c) => c.id)).toEqual(['SMP-STAT-SHOW-004']);
  });

  it('reports the case and command timing regressions, not the noise below the floor or the threshold', () => {
    // SMP-OS-ECHO-001 tripled (0.3 -> 0.9 ms) but by less than 5 ms; SMP-OS-INFO-001 grew 15 %;
    // smp/os/echo p50 grew 5 %; smp/img/upload grew under 20 %.
    expect(udp.timingRegressions).toEqual([
      { kind: 'case', name: 'SMP-IMG-DFU-001', metric: 'durationMs', baselineMs: 1000, currentMs: 1500, changePct: 50 },
      { kind: 'command', name: 'smp/os/echo', metric: 'p95', baselineMs: 4, currentMs: 9, changePct: 125 },
    ]);
  });

  it('reports footprint growth only (a shrinking RAM figure is not growth)', () => {
    expect(udp.footprintGrowth).toEqual([{ name: 'zephyr.elf', region: 'rom', baselineBytes: 200000, currentBytes: 201024, growthBytes: 1024 }]);
  });

  it('reports nothing for the unchanged target, and calls the whole a regression', () => {
    const serial = diff.targets.find((t) => t.target === 'board/serial')!;
    expect([serial.newFailures, serial.fixed, serial.newlyUnsupported, serial.added, serial.removed, serial.timingRegressions, serial.footprintGrowth].flat()).toEqual([]);
    expect(diff.hasRegression).toBe(true);
  });

  it('prints each change on its own line', () => {
    const text = renderSummaryDiff(diff);
    expect(text).toMatch(/new failures \(1\):\n {4}SMP-OS-ECHO-002 {2}pass -> fail/);
    expect(text).toContain('case SMP-IMG-DFU-001 durationMs: 1000.00 ms -> 1500.00 ms (+50%)');
    expect(text).toContain('zephyr.elf rom: 200000 -> 201024 bytes (+1024)');
    expect(text).toMatch(/board\/serial:\n {2}no change/);
    expect(text.trimEnd().endsWith('Regressions found.')).toBe(true);
  });
});

describe('diffSummaries options and edge cases', () => {
  it('a run compared with itself has no change and no regression', () => {
    const diff = diffSummaries(current, current);
    expect(diff.hasRegression).toBe(false);
    expect(diff.targets.every((t) => t.newFailures.length + t.fixed.length + t.added.length + t.removed.length + t.timingRegressions.length === 0)).toBe(true);
  });

  it('the threshold and the floor move what counts as a timing regression', () => {
    const strict = diffSummaries(baseline, current, { timingThresholdPct: 10, timingMinDeltaMs: 0.5 }).targets[0]!;
    expect(strict.timingRegressions.map((t) => `${t.name}:${t.metric}`).sort()).toEqual(['SMP-IMG-DFU-001:durationMs', 'SMP-OS-ECHO-001:durationMs', 'SMP-OS-INFO-001:durationMs', 'smp/os/echo:p95']);
    const loose = diffSummaries(baseline, current, { timingThresholdPct: 200 }).targets[0]!;
    expect(loose.timingRegressions).toEqual([]);
  });

  it('a target missing from the current run is a regression; a new one is listed', () => {
    const only = (s: ExtendedSummary, transport: string): ExtendedSummary => ({ ...s, targets: s.targets.filter((t) => t.transport === transport) });
    const diff = diffSummaries(baseline, only(current, 'udp'));
    expect(diff.removedTargets).toEqual(['board/serial']);
    expect(diff.hasRegression).toBe(true);
    const grown = diffSummaries(only(baseline, 'serial'), current);
    expect(grown.addedTargets).toEqual(['board/udp']);
    expect(grown.hasRegression).toBe(false);
  });

  it('a failure that stays a failure, or turns broken, is not new', () => {
    const t = current.targets[0]!;
    const before = { ...t, cases: t.cases.map((c) => (c.id === 'SMP-HDR-LEN-001' ? { ...c, outcome: 'fail' as const } : c)) };
    const after = { ...t, cases: t.cases.map((c) => (c.id === 'SMP-HDR-LEN-001' ? { ...c, outcome: 'broken' as const } : c)) };
    const d = diffSummaries({ targets: [before] }, { targets: [after] }).targets[0]!;
    expect(d.newFailures).toEqual([]);
    expect(d.fixed).toEqual([]);
  });
});
