import { describe, expect, it } from 'vitest';
import { mergeBatches, type PlannedProfile, type ProfileBatch } from './profile-plan.ts';

const SIZES: Record<string, number> = { a: 10, b: 10, c: 10, big: 200 };
const casesIn = (suites: readonly string[]): number => suites.reduce((n, s) => n + (SIZES[s] ?? 0), 0);
const costs = { runMs: 4000, caseMs: 50, maxTargets: 4 };

function batch(suites: string[], ...profiles: PlannedProfile[]): ProfileBatch<PlannedProfile> {
  return { profiles, suites };
}
const narrow = (name: string): PlannedProfile => ({ name, caughtBy: [`${name}-1`] });
const knockOn = (name: string): PlannedProfile => ({ name, caughtBy: [`${name}-1`], mayAlsoFail: ['SMP-*'] });
const names = (runs: ProfileBatch<PlannedProfile>[]): string[][] => runs.map((r) => r.profiles.map((p) => p.name));

describe('self-test run plan', () => {
  it('merges small batches of narrow profiles into one run on the union of their suites', () => {
    const runs = mergeBatches([batch(['a'], narrow('x')), batch(['b'], narrow('y'))], casesIn, costs);
    expect(names(runs)).toEqual([['x', 'y']]);
    expect(runs[0]!.suites).toEqual(['a', 'b']);
  });

  it('keeps batches apart when the extra cases would cost more than a run', () => {
    const runs = mergeBatches([batch(['a'], narrow('x'), narrow('y')), batch(['big'], narrow('z'))], casesIn, costs);
    expect(names(runs)).toEqual([['x', 'y'], ['z']]);
  });

  it('never gives a profile with knock-on failures suites it does not run alone', () => {
    expect(names(mergeBatches([batch(['a'], knockOn('x')), batch(['b'], narrow('y'))], casesIn, costs))).toEqual([['x'], ['y']]);
    // Where its suites stay the same, it may share a run.
    const runs = mergeBatches([batch(['a', 'b'], knockOn('x')), batch(['b'], narrow('y'))], casesIn, costs);
    expect(names(runs)).toEqual([['x', 'y']]);
    expect(runs[0]!.suites).toEqual(['a', 'b']);
  });

  it('caps the targets of one run', () => {
    const runs = mergeBatches(['a', 'b', 'c'].map((s, i) => batch([s], narrow(`p${i}`), narrow(`q${i}`))), casesIn, costs);
    expect(runs.map((r) => r.profiles.length).sort()).toEqual([2, 4]);
  });
});
