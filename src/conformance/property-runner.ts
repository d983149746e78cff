/**
 * Property-based cases: fast-check drives the predicate against the device with a recorded seed,
 * checks the device is alive after every batch, and reports the counterexample with what it takes
 * to replay it exactly (`MGMT_SEED` for the run, `MGMT_REPLAY=<id>:<seed>:<path>` for one case).
 * @see docs/architecture.md "Property-based cases"
 */
import * as fc from 'fast-check';
import type { CaseContext, NumRuns, PropertyDeclaration } from './declaration.ts';
import { CaseBrokenError, ConformanceAssertionError, isAssertionFailure, isResponseTimeout } from './errors.ts';
import type { ConformanceMeta } from './meta.ts';

/** Runs for a transport kind. */
export function resolveNumRuns(numRuns: NumRuns, transport: string): number {
  if (typeof numRuns === 'number') return numRuns;
  const byKind = transport === 'udp' ? numRuns.udp : transport === 'serial' ? numRuns.serial : undefined;
  return byKind ?? numRuns.default ?? numRuns.udp ?? numRuns.serial ?? 100;
}

/** Runs between two alive checks when the case does not say. */
export function defaultAliveEvery(transport: string): number {
  return transport === 'serial' ? 20 : 100;
}

/** A replay request for one case: `MGMT_REPLAY=SMP-X-001:12345` or `SMP-X-001:12345:3:1:0`. */
export function parseReplay(text: string | undefined, caseId: string): { seed: number; path?: string } | undefined {
  if (!text) return undefined;
  const m = /^([A-Z0-9-]+):(-?\d+)(?::([0-9:]+))?$/.exec(text.trim());
  if (!m || m[1] !== caseId) return undefined;
  return m[3] ? { seed: Number(m[2]), path: m[3] } : { seed: Number(m[2]) };
}

/** What a property run records into the case metadata. */
export type PropertyRecord = Pick<ConformanceMeta, 'seed' | 'numRuns' | 'path' | 'counterexample'>;

function withReplay(e: ConformanceAssertionError, caseId: string, seed: number, path: string, example: string, run: number): ConformanceAssertionError {
  const d = e.details;
  return new ConformanceAssertionError({
    ...d,
    actual: `${d.actual}\nCounterexample (run ${run}): ${example}\nReplay: MGMT_REPLAY=${caseId}:${seed}:${path}`,
  });
}

/** Run a property case's loop; fills `record` before it throws or returns. */
export async function runPropertyLoop<T>(decl: PropertyDeclaration<T>, ctx: CaseContext, record: PropertyRecord, env: { replay?: string } = {}): Promise<void> {
  const replay = parseReplay(env.replay, decl.id);
  const seed = replay?.seed ?? ctx.seed;
  const numRuns = resolveNumRuns(decl.numRuns, ctx.transport);
  const aliveEvery = decl.aliveEvery ?? defaultAliveEvery(ctx.transport);
  record.seed = seed;
  record.numRuns = numRuns;
  const arbitrary = typeof decl.arbitrary === 'function' ? decl.arbitrary(ctx) : decl.arbitrary;
  let runs = 0;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    // After a test timeout vitest moves on; stop sending so the next case has the device alone.
    if (ctx.signal.aborted) throw new CaseBrokenError(`stopped after ${runs} runs: the test timed out or the run was cancelled`);
    runs++;
    await decl.predicate(ctx, value);
    if (runs % aliveEvery === 0) await ctx.expect.alive();
  });
  const options: fc.Parameters<[T]> = { seed, numRuns, endOnFailure: decl.shrink !== true };
  if (replay?.path !== undefined) options.path = replay.path;
  const details = await fc.check(property, options);
  if (!details.failed) {
    if (runs % aliveEvery !== 0) await ctx.expect.alive();
    return;
  }
  if (details.counterexample === null) throw new Error(`fast-check stopped without a counterexample (${details.numSkips} skips, interrupted: ${details.interrupted})`);
  const example = fc.stringify(details.counterexample[0]);
  record.counterexample = example;
  record.path = details.counterexamplePath;
  let e = details.errorInstance;
  if (isResponseTimeout(e)) {
    // A required answer that never came: a device defect, stated with the input that caused it.
    e = new ConformanceAssertionError({ caseId: decl.id, spec: `${decl.spec.doc} §${decl.spec.section}`, check: 'reply', expected: ['an answer'], actual: e.message });
  }
  if (isAssertionFailure(e)) throw withReplay(e, decl.id, seed, details.counterexamplePath, example, details.numRuns);
  throw e instanceof Error ? e : new Error(String(e));
}
