/**
 * Every conformance case is proved able to fail: a simulator fault profile names it in `caughtBy`
 * (test/selftest/fault-profiles.test.ts then shows it failing through the real CLI), or a test
 * file runs it against a device or fixture that makes it fail (`PROVED_BY_TEST`). A new case
 * without either fails here, so the house rule "a case is only done when a fault makes it fail"
 * cannot lapse unseen. Cheap: one `list --json`, no suite runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from '../../src/simulator/faults.ts';
import { LWM2M_FAULT_PROFILES } from '../../src/simulator/lwm2m-client/faults.ts';
import { PACKAGE_ROOT, runCli } from './cli-runner.ts';

/**
 * Cases no simulator profile reaches, with the test file that runs them to a fail. Footprint
 * cases judge build reports and budgets, not device behaviour; the timing cases judge budgets,
 * which a tight budget breaks more cleanly than a slowed device; SMP-CAP-DECLARED-001 judges
 * the target's declared capabilities against the device.
 */
const PROVED_BY_TEST: Readonly<Record<string, string>> = {
  // Over-budget size reports (ROM total, a subsystem, growth against the baseline build).
  'FOOT-TOTAL-001': 'test/unit/conformance/footprint-suite.test.ts',
  'FOOT-SUBSYS-001': 'test/unit/conformance/footprint-suite.test.ts',
  'FOOT-GROWTH-001': 'test/unit/conformance/footprint-suite.test.ts',
  // The simulator's threads against a 0.5 % stack budget.
  'FOOT-STACK-001': 'test/unit/conformance/footprint-suite.test.ts',
  // The simulator's memory pools (profile os-mpstat-pools) against an 80 % pool budget one pool misses.
  'FOOT-POOL-001': 'test/unit/conformance/footprint-suite.test.ts',
  // The simulator against 50 ms echo and reset budgets it cannot meet.
  'SMP-TIME-CMD-001': 'test/unit/conformance/timing-budgets.test.ts',
  'SMP-TIME-RESET-001': 'test/unit/conformance/timing-budgets.test.ts',
  // A target declaring smp.os.mpstat, which the default simulator lacks.
  'SMP-CAP-DECLARED-001': 'test/unit/conformance/suite-run.test.ts',
};

/**
 * Cases nothing proves yet, each with the reason. The test fails when one of them becomes
 * covered (remove it here) and when a case not listed here is uncovered: the list only shrinks.
 * Empty now: every judged case is proved.
 */
const NOT_YET_PROVED: Readonly<Record<string, string>> = {};

interface ListedCase {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
}

let listed: ListedCase[] = [];

beforeAll(async () => {
  const run = await runCli(['list', '--json'], 120_000);
  listed = JSON.parse(run.stdout) as ListedCase[];
}, 130_000);

const caught = new Set([...FAULT_PROFILES, ...LWM2M_FAULT_PROFILES].flatMap((p) => p.caughtBy));

describe('every conformance case can be made to fail', () => {
  it('lists the cases', () => {
    expect(listed.length).toBeGreaterThan(300);
  });

  it('names each MUST or SHOULD case in a fault profile, a proving test or the short list of known gaps', () => {
    // A MAY case records behaviour and never fails (src/conformance/outcome.ts: a failed MAY check is informational).
    const judged = listed.filter((c) => c.level !== 'MAY');
    const uncovered = judged.filter((c) => !caught.has(c.id) && PROVED_BY_TEST[c.id] === undefined && NOT_YET_PROVED[c.id] === undefined).map((c) => c.id);
    expect(uncovered, 'cases no fault profile catches and no test proves').toEqual([]);
  });

  it('keeps the known gaps real: each is still a listed, uncovered case', () => {
    const ids = new Set(listed.map((c) => c.id));
    const stale = Object.keys(NOT_YET_PROVED).filter((id) => !ids.has(id) || caught.has(id) || PROVED_BY_TEST[id] !== undefined);
    expect(stale, 'known gaps that are covered or gone: remove them from NOT_YET_PROVED').toEqual([]);
  });

  it('names only existing proving test files that mention their case', () => {
    const ids = new Set(listed.map((c) => c.id));
    const wrong = Object.entries(PROVED_BY_TEST).filter(([id, file]) => {
      const path = join(PACKAGE_ROOT, file);
      return !ids.has(id) || !existsSync(path) || !readFileSync(path, 'utf8').includes(id);
    });
    expect(wrong, 'PROVED_BY_TEST entries with an unknown case, a missing file, or a file that never names the case').toEqual([]);
  });

  it('names only listed cases in caughtBy', () => {
    const ids = new Set(listed.map((c) => c.id));
    expect([...caught].filter((id) => !ids.has(id))).toEqual([]);
  });
});
