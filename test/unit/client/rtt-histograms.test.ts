/** Round-trip histograms and the budget lookup by command or class. */
import { describe, expect, it } from 'vitest';
import { mergeTimings, RttHistograms } from '../../../src/client/timing/index.ts';
import { flattenBudgets, footprintBudgetOf, timingBudgetFor } from '../../../src/config/budgets.ts';

describe('RttHistograms', () => {
  it('keeps count, p50, p95 and max per command in ms within 0.1 %', () => {
    const h = new RttHistograms();
    for (let i = 1; i <= 100; i++) h.record('smp.os.echo', i);
    h.record('smp.img.upload', 250.5);
    h.record('smp.img.upload', -1);
    h.record('smp.img.upload', Number.NaN);
    const echo = h.figuresOf('smp.os.echo')!;
    expect(echo.count).toBe(100);
    expect(echo.p50).toBeCloseTo(50, 1);
    expect(echo.p95).toBeCloseTo(95, 1);
    expect(echo.max).toBeCloseTo(100, 1);
    expect(h.figures()['smp.img.upload']).toEqual({ count: 1, p50: expect.closeTo(250.5, 0) as number, p95: expect.closeTo(250.5, 0) as number, max: expect.closeTo(250.5, 0) as number });
    expect(h.commands()).toEqual(['smp.img.upload', 'smp.os.echo']);
    for (const f of Object.values(h.figures())) expect(f.p50 <= f.p95 && f.p95 <= f.max).toBe(true);
    const odd = new RttHistograms();
    for (const v of [1.95, 3.23, 2.1, 0.4]) odd.record('x', v);
    expect(odd.figuresOf('x')!.p95).toBeLessThanOrEqual(odd.figuresOf('x')!.max);
    expect(h.figuresOf('lwm2m.read')).toBeUndefined();
  });

  it('merges sources keeping the figures with more samples', () => {
    const a = { 'smp.os.echo': { count: 3, p50: 1, p95: 2, max: 3 } };
    const b = { 'smp.os.echo': { count: 9, p50: 4, p95: 5, max: 6 }, 'reset.ready': { count: 1, p50: 7, p95: 7, max: 7 } };
    expect(mergeTimings([a, b])).toEqual(b);
  });
});

describe('budget names', () => {
  const budgets = flattenBudgets({
    'smp.echo.rttMs': 50,
    timing: { 'smp.os.*': { p95: 20 }, 'smp.os.echo': { p50: 5, max: 40 }, 'smp.*': { max: 500 } },
    resetToReadyMs: 4000,
    footprint: { romBytes: 65536, subsystems: { 'mcumgr.os': { romBytes: 4096 } }, growthBytes: { ramBytes: 512 } },
    memory: { maxStackUsePercent: 80 },
  });

  it('flattens into one name per figure', () => {
    expect(budgets).toEqual({
      'smp.echo.rttMs': 50,
      'timing.smp.os.*.p95': 20,
      'timing.smp.os.echo.p50': 5,
      'timing.smp.os.echo.max': 40,
      'timing.smp.*.max': 500,
      resetToReadyMs: 4000,
      'footprint.romBytes': 65536,
      'footprint.subsystems.mcumgr.os.romBytes': 4096,
      'footprint.growthBytes.ramBytes': 512,
      'memory.maxStackUsePercent': 80,
    });
  });

  it('finds the exact command first, then the longest matching class', () => {
    expect(timingBudgetFor(budgets, 'smp.os.echo')).toEqual({ pattern: 'smp.os.echo', budget: { p50: 5, max: 40 } });
    expect(timingBudgetFor(budgets, 'smp.os.mcumgrParams')).toEqual({ pattern: 'smp.os.*', budget: { p95: 20 } });
    expect(timingBudgetFor(budgets, 'smp.img.upload')).toEqual({ pattern: 'smp.*', budget: { max: 500 } });
    expect(timingBudgetFor(budgets, 'lwm2m.read')).toBeUndefined();
  });

  it('rebuilds the footprint budget shape', () => {
    expect(footprintBudgetOf(budgets)).toEqual({ romBytes: 65536, subsystems: { 'mcumgr.os': { romBytes: 4096 } } });
    expect(footprintBudgetOf({ 'smp.echo.rttMs': 5 })).toBeUndefined();
  });
});
