import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseContext, PropertyDeclaration } from '../../../src/conformance/declaration.ts';
import { ConformanceAssertionError } from '../../../src/conformance/errors.ts';
import { parseReplay, resolveNumRuns, runPropertyLoop, type PropertyRecord } from '../../../src/conformance/property-runner.ts';
import { caseInfo } from './helpers/run-case.ts';

function fakeCtx(transport = 'udp', seed = 1234, signal = new AbortController().signal): { ctx: CaseContext; alive: { count: number } } {
  const alive = { count: 0 };
  const ctx = { caseId: 'SMP-P-001', seed, transport, signal, expect: { alive: async () => void alive.count++ } } as unknown as CaseContext;
  return { ctx, alive };
}

const defect = (v: number): ConformanceAssertionError => new ConformanceAssertionError({ caseId: 'SMP-P-001', spec: 'smp-digest §x', expected: ['v < 500'], actual: `v = ${v}` });

function prop(predicate: (v: number) => void, extra: Partial<PropertyDeclaration<number>> = {}): PropertyDeclaration<number> {
  return { ...caseInfo({ id: 'SMP-P-001' }), arbitrary: fc.integer({ min: 0, max: 1000 }), predicate: (_ctx, v) => predicate(v), numRuns: { udp: 60, serial: 6 }, ...extra };
}

async function failureOf(p: Promise<unknown>): Promise<ConformanceAssertionError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof ConformanceAssertionError)) throw new Error(`expected a failure, got ${String(e)}`);
  return e;
}

describe('property cases', () => {
  it('runs the count for the transport and checks the device after every batch and at the end', async () => {
    const seen: number[] = [];
    const { ctx, alive } = fakeCtx('udp');
    const record: PropertyRecord = {};
    await runPropertyLoop(prop((v) => void seen.push(v), { aliveEvery: 25 }), ctx, record);
    expect(seen.length).toBe(60);
    expect(alive.count).toBe(3); // after runs 25 and 50, and once after the last batch
    expect(record).toEqual({ seed: 1234, numRuns: 60 });
    const serial = fakeCtx('serial');
    await runPropertyLoop(prop(() => undefined), serial.ctx, {});
    expect(serial.alive.count).toBe(1);
  });

  it('records the counterexample, seed and path, and says how to replay', async () => {
    const { ctx } = fakeCtx();
    const record: PropertyRecord = {};
    const e = await failureOf(runPropertyLoop(prop((v) => { if (v >= 500) throw defect(v); }), ctx, record));
    expect(record.seed).toBe(1234);
    expect(record.counterexample).toMatch(/^\d+$/);
    expect(Number(record.counterexample)).toBeGreaterThanOrEqual(500);
    expect(e.details.actual).toContain(`Counterexample (run `);
    expect(e.details.actual).toContain(`Replay: MGMT_REPLAY=SMP-P-001:1234:${record.path}`);
  });

  it('replays the same counterexample from the same seed, and straight away from the path', async () => {
    const failing = (v: number): void => { if (v >= 500) throw defect(v); };
    const a: PropertyRecord = {};
    const b: PropertyRecord = {};
    await failureOf(runPropertyLoop(prop(failing), fakeCtx().ctx, a));
    await failureOf(runPropertyLoop(prop(failing), fakeCtx().ctx, b));
    expect(b.counterexample).toBe(a.counterexample);
    const seen: number[] = [];
    const replay = `SMP-P-001:${a.seed}:${a.path}`;
    await failureOf(runPropertyLoop(prop((v) => { seen.push(v); failing(v); }), fakeCtx('udp', 999).ctx, {}, { replay }));
    expect(seen[0]).toBe(Number(a.counterexample));
  });

  it('a dead device after a batch fails the property with that batch\'s last input', async () => {
    const { ctx } = fakeCtx();
    let n = 0;
    (ctx.expect as { alive: () => Promise<void> }).alive = async () => {
      throw new ConformanceAssertionError({ caseId: 'SMP-P-001', spec: 's', expected: ['alive'], actual: 'no answer', escalate: true, check: 'state afterwards' });
    };
    const record: PropertyRecord = {};
    const e = await failureOf(runPropertyLoop(prop(() => void n++, { aliveEvery: 10 }), ctx, record));
    expect(n).toBe(10);
    expect(e.details.escalate).toBe(true);
    expect(record.counterexample).toBeDefined();
  });

  it('stops sending once the test is aborted (timed out), as harness trouble', async () => {
    const abort = new AbortController();
    let n = 0;
    const e = await runPropertyLoop(prop(() => { if (++n === 5) abort.abort(); }), fakeCtx('udp', 1, abort.signal).ctx, {}).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(n).toBe(5);
    expect(e?.name).toBe('CaseBrokenError');
    expect(e?.message).toContain('stopped after 5 runs');
  });

  it('resolves counts and replay strings', () => {
    expect(resolveNumRuns(7, 'serial')).toBe(7);
    expect(resolveNumRuns({ udp: 2000, serial: 200 }, 'serial')).toBe(200);
    expect(resolveNumRuns({ udp: 2000, serial: 200 }, 'memory')).toBe(2000);
    expect(resolveNumRuns({ udp: 2000, default: 50 }, 'memory')).toBe(50);
    expect(parseReplay('SMP-P-001:42:3:1', 'SMP-P-001')).toEqual({ seed: 42, path: '3:1' });
    expect(parseReplay('SMP-P-001:42', 'SMP-P-001')).toEqual({ seed: 42 });
    expect(parseReplay('SMP-Q-001:42', 'SMP-P-001')).toBeUndefined();
    expect(parseReplay('garbage', 'SMP-P-001')).toBeUndefined();
  });
});

describe('property cases and missing answers', () => {
  it('a required answer that never came fails with the input that caused it', async () => {
    const { ResponseTimeoutError } = await import('../../../src/errors.ts');
    const record: PropertyRecord = {};
    const e = await failureOf(runPropertyLoop(prop((v) => { if (v > 900) throw new ResponseTimeoutError('os.echo', 200); }), fakeCtx().ctx, record));
    expect(e.details.check).toBe('reply');
    expect(e.details.actual).toContain('no response to os.echo within 200 ms');
    expect(e.details.actual).toContain(`Counterexample (run `);
    expect(Number(record.counterexample)).toBeGreaterThan(900);
  });

  it('drives a stateful model with fc.commands and reports the failing command sequence', async () => {
    type Model = { n: number };
    type Real = { n: number };
    class Inc implements fc.AsyncCommand<Model, Real> {
      check = (): boolean => true;
      async run(m: Model, r: Real): Promise<void> {
        m.n++;
        r.n += r.n >= 3 ? 2 : 1; // the "device" miscounts from the fourth increment on
        if (r.n !== m.n) throw new ConformanceAssertionError({ caseId: 'SMP-P-002', spec: 's', expected: [`n = ${m.n}`], actual: `n = ${r.n}` });
      }
      toString = (): string => 'inc';
    }
    const decl: PropertyDeclaration<Iterable<fc.AsyncCommand<Model, Real>>> = {
      ...caseInfo({ id: 'SMP-P-002' }),
      arbitrary: fc.commands([fc.constant(new Inc())], { maxCommands: 8 }),
      predicate: (_ctx, cmds) => fc.asyncModelRun(() => ({ model: { n: 0 }, real: { n: 0 } }), cmds),
      numRuns: 50,
      shrink: true,
    };
    const record: PropertyRecord = {};
    const e = await failureOf(runPropertyLoop(decl, fakeCtx().ctx, record));
    expect(record.counterexample).toMatch(/^inc,inc,inc,inc(?!,)/);
    expect(e.details.actual).toContain('n = 5');
  });
});
