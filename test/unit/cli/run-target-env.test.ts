import { describe, expect, it } from 'vitest';
import { targetEnvironment, type TargetRunPlan } from '../../../src/cli/run-targets.ts';
import { builtInTargets, type TargetConfig } from '../../../src/config/targets.ts';

function plan(target: TargetConfig): TargetRunPlan {
  return { key: `${target.name}-udp`, target, transport: 'udp', faults: [], isStrict: false, seed: 7 };
}

describe('MGMT_TARGET from a run plan', () => {
  it('carries the target budgets to the cases (the SMP-TIME-* cases judge them)', () => {
    const sim = builtInTargets().targets['sim']!;
    const env = targetEnvironment(plan({ ...sim, budgets: { 'smp.echo.rttMs': 12 } }), 'udp://127.0.0.1:1337');
    expect(env.budgets).toEqual({ 'smp.echo.rttMs': 12 });
  });

  it('keeps an explicit empty budget set empty (the simulator defaults are off)', () => {
    const sim = builtInTargets().targets['sim']!;
    expect(targetEnvironment(plan({ ...sim, budgets: {} }), 'udp://127.0.0.1:1337').budgets).toEqual({});
  });

  it('the built-in simulator target has budgets a slowed-down device misses', () => {
    const env = targetEnvironment(plan(builtInTargets().targets['sim']!), 'udp://127.0.0.1:1337');
    expect(env.budgets['smp.echo.rttMs']).toBeLessThan(200);
  });
});
