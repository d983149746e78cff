/**
 * How the self-test groups fault profiles into CLI runs. Each profile keeps its own simulator
 * target (one fault per device, so every failure is the profile's own); what is shared is the CLI
 * process: one start-up, one case collection and one report pass serve every target of a run.
 * The `--suite` filter applies to the whole run, so each target runs the union of the suites of
 * its run. A profile that breaks only what its `caughtBy` names (no `mayAlsoFail`) can take extra
 * suites: they mostly pass in a fraction of a second each, and every one of them is a further
 * proof that the profile breaks nothing else. A profile with knock-on failures (`mayAlsoFail`)
 * keeps to its own suites: its cases wait out timeouts, and more of them would only cost time.
 */

/** A profile as the planner sees it (a subset of the simulator's `FaultProfile`). */
export interface PlannedProfile {
  name: string;
  caughtBy: readonly string[];
  mayAlsoFail?: readonly string[];
}

/** Profiles that run in one CLI invocation, every target on the same suites. */
export interface ProfileBatch<P extends PlannedProfile> {
  profiles: P[];
  suites: string[];
}

/** Estimated costs that decide whether two batches share a CLI run. */
export interface PlanCosts {
  /** A CLI run's own cost: start-up, case collection, reports. */
  runMs: number;
  /** One case on one target. */
  caseMs: number;
  /** Most targets in one run (the CLI runs two at a time: a long run would hold up the end). */
  maxTargets: number;
}

/** Measured on 2 cores (CPU time): a CLI run costs about 4 s beyond its targets; a passing case about 50 ms. */
export const DEFAULT_PLAN_COSTS: PlanCosts = { runMs: 4000, caseMs: 50, maxTargets: 10 };

const hasKnockOn = (p: PlannedProfile): boolean => (p.mayAlsoFail ?? []).length > 0;

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * What merging `a` and `b` saves (ms, may be negative); undefined when they may not merge: a
 * profile with knock-on failures would get suites it does not run now, or the run grows too big.
 */
function mergeSaving<P extends PlannedProfile>(a: ProfileBatch<P>, b: ProfileBatch<P>, casesIn: (suites: readonly string[]) => number, costs: PlanCosts): number | undefined {
  if (a.profiles.length + b.profiles.length > costs.maxTargets) return undefined;
  const suites = union(a.suites, b.suites);
  const grows = (x: ProfileBatch<P>): boolean => suites.length > x.suites.length;
  if ((grows(a) && a.profiles.some(hasKnockOn)) || (grows(b) && b.profiles.some(hasKnockOn))) return undefined;
  const total = casesIn(suites);
  const extra = a.profiles.length * (total - casesIn(a.suites)) + b.profiles.length * (total - casesIn(b.suites));
  return costs.runMs - extra * costs.caseMs;
}

/**
 * Merge batches (of one transport and target kind) into CLI runs while a merge saves more run
 * cost than its extra cases cost, best saving first.
 */
export function mergeBatches<P extends PlannedProfile>(batches: readonly ProfileBatch<P>[], casesIn: (suites: readonly string[]) => number, costs: PlanCosts = DEFAULT_PLAN_COSTS): ProfileBatch<P>[] {
  const runs = batches.map((b) => ({ profiles: [...b.profiles], suites: [...b.suites] }));
  for (;;) {
    let best: { i: number; j: number; saving: number } | undefined;
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const saving = mergeSaving(runs[i]!, runs[j]!, casesIn, costs);
        if (saving !== undefined && saving > 0 && (best === undefined || saving > best.saving)) best = { i, j, saving };
      }
    }
    if (best === undefined) return runs;
    const [a, b] = [runs[best.i]!, runs[best.j]!];
    runs[best.i] = { profiles: [...a.profiles, ...b.profiles], suites: union(a.suites, b.suites) };
    runs.splice(best.j, 1);
  }
}

/** Estimated length of a run (its targets times their cases), to start the longest runs first. */
export function runWeight<P extends PlannedProfile>(run: ProfileBatch<P>, casesIn: (suites: readonly string[]) => number): number {
  return run.profiles.length * (1 + casesIn(run.suites) / 10);
}
