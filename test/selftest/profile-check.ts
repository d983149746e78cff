/**
 * The self-test's verdict on one fault profile: every `caughtBy` case must fail on some transport,
 * and nothing outside `caughtBy` and the profile's `mayAlsoFail` patterns may fail or break.
 */
import type { CaseSummary, Level, RunSummary } from '../../src/reporting/summary.ts';

/** What the check needs from a profile (a subset of the simulator's `FaultProfile`). */
export interface ProfileUnderTest {
  name: string;
  caughtBy: readonly string[];
  mayAlsoFail?: readonly string[];
}

/** Problems found; empty when the profile is caught cleanly. */
export interface ProfileVerdict {
  missed: string[];
  falseAlarms: string[];
  targetErrors: string[];
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** A case counts as catching the fault when it fails (a SHOULD case also when it is non-strict). */
export function isCaught(c: Pick<CaseSummary, 'outcome'> & { level: Level }): boolean {
  return c.outcome === 'fail' || (c.level === 'SHOULD' && c.outcome === 'nonStrict');
}

/** Judge the target runs made with the profile on. */
export function judgeProfile(profile: ProfileUnderTest, runs: readonly RunSummary[]): ProfileVerdict {
  const allowed = (profile.mayAlsoFail ?? []).map(wildcard);
  const caught = new Set<string>();
  const falseAlarms: string[] = [];
  const targetErrors: string[] = [];
  for (const t of runs.flatMap((r) => r.targets)) {
    if (t.error !== undefined) targetErrors.push(`${t.name}/${t.transport}: ${t.error}`);
    for (const c of t.cases) {
      if (profile.caughtBy.includes(c.id)) {
        if (isCaught(c)) caught.add(c.id);
      } else if ((c.outcome === 'fail' || c.outcome === 'broken') && !allowed.some((re) => re.test(c.id))) {
        falseAlarms.push(`${c.id} ${c.outcome} on ${t.transport}: ${c.message.split('\n')[0] ?? ''}`);
      }
    }
  }
  const missed = profile.caughtBy.filter((id) => !caught.has(id));
  return { missed, falseAlarms, targetErrors };
}

/**
 * `caughtBy` cases a run did not see fail: worth a run over the other transport, since a fault
 * may live in one link only (serial framing, CRC) or its cases may run over one link only.
 */
export function uncaughtCatchers(profile: ProfileUnderTest, run: RunSummary | undefined): string[] {
  return run ? judgeProfile(profile, [run]).missed : [...profile.caughtBy];
}
