import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errGroupProblem } from '../../../src/conformance/verifiers/smp-err-group.ts';
import { createVerifiers, type CaseRecorder, type VerifierLink } from '../../../src/conformance/verifiers/expect.ts';
import { replyOf } from './helpers/capture.ts';
import { assertionFailure } from './helpers/assertion-failure.ts';

const noLink: VerifierLink = {
  smp: () => {
    throw new Error('no link in these tests');
  },
  hasEcho: false,
  hasParams: false,
  responseMs: 100,
  silenceMs: 50,
  awaitReady: () => Promise.reject(new Error('no link in these tests')),
};

/** Stat show (group 2, id 0) with a v2 header, and Zephyr v4.0's answer {"err": {"group": 63, "rc": 3}}. */
const STAT_SHOW = '0800000100020500a0';
const ERR_63_3 = '0900001200020500a163657272a26567726f7570183f62726303';
const INVALID_GROUP = { v2: { group: 2, rc: 2 } } as const;
const ERR_2_2 = '0900001100020500a163657272a26567726f75700262726302';

describe('err.group verdict', () => {
  it('names the rule, quotes the reply and names the upstream fix for Zephyr v4.0 stat errors', () => {
    const text = errGroupProblem(2, { group: 63, rc: 3 });
    expect(text).toContain('{"err": {"group": 63, "rc": 3}}');
    expect(text).toContain('docs/spec/smp.md §3');
    expect(text).toContain('zephyr PR #104682');
    expect(errGroupProblem(2, { group: 2, rc: 2 })).toBeUndefined();
    expect(errGroupProblem(1, { group: 63, rc: 3 })).not.toContain('#104682');
  });

  it('gives every case the same verdict: mgmtErr fails it even when a case lists it as acceptable', () => {
    const verdicts = ['SMP-STAT-SHOW-003', 'SMP-PROP-VALID-001'].map((caseId) => {
      const rec: CaseRecorder = { warnings: [], notes: [] };
      const v = createVerifiers({ caseId, spec: 'smp-digest §3.3', smpVersions: { v1: true, v2: true } }, noLink, rec);
      const e = assertionFailure(() => v.mgmtErr(replyOf(STAT_SHOW, ERR_63_3), [{ v2: { group: 2, rc: 2 } }, { v2: { group: 63, rc: 3 } }]));
      return e.details.actual;
    });
    expect(verdicts[0]).toBe(errGroupProblem(2, { group: 63, rc: 3 }));
    expect(verdicts[1]).toBe(verdicts[0]);
  });

  it('passes the reply the rule asks for', () => {
    const v = createVerifiers({ caseId: 'SMP-STAT-SHOW-003', spec: 's', smpVersions: { v1: true, v2: true } }, noLink, { warnings: [], notes: [] });
    expect(v.mgmtErr(replyOf(STAT_SHOW, ERR_2_2), { v2: { group: 2, rc: 2 } }).index).toBe(0);
  });
});

describe('one judgement for err.group at every call site', () => {
  const root = resolve(import.meta.dirname, '../../..');
  const read = (path: string): string => readFileSync(join(root, path), 'utf8');

  it('has the shared verifier and the property suite state the problem with errGroupProblem, unchanged', () => {
    const verifier = read('src/conformance/verifiers/smp-verifiers.ts');
    expect(verifier).toMatch(/errGroupProblem\(reply\.requestHeader\.group, reply\.body\)/);
    expect(verifier).toMatch(/actual: groupProblem/);
    const property = read('suites/smp/properties.suite.ts');
    expect(property).toMatch(/errGroupProblem\(group, body\)/);
    expect(property).toMatch(/p\.push\(groupProblem\)/);
  });

  it('has the stat suite judge its unknown-group reply through mgmtErr (the shared verifier)', () => {
    const stat = read('suites/smp/stat.suite.ts');
    const show003 = stat.slice(stat.indexOf("id: 'SMP-STAT-SHOW-003'"), stat.indexOf('s.case', stat.indexOf("id: 'SMP-STAT-SHOW-003'")));
    expect(show003).toMatch(/expect\.mgmtErr\(/);
    expect(show003).not.toMatch(/warn\(|informational\(/);
  });

  it('leaves no suite comparing err.group with a group of its own choosing as a verdict', () => {
    const dir = join(root, 'suites/smp');
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...read(`suites/smp/${f}`).matchAll(/\.group\s*(?:!==|===)\s*(?:63|MgmtGroup\.ZEPHYR_BASIC)\b/g)].map(() => f));
    expect(offenders).toEqual([]);
  });

  it('gives the stat case and the property case the same words for Zephyr v4.0\'s stat error', () => {
    const rec: CaseRecorder = { warnings: [], notes: [] };
    const v = createVerifiers({ caseId: 'SMP-STAT-SHOW-003', spec: 's', smpVersions: { v1: true, v2: true } }, noLink, rec);
    const caseText = assertionFailure(() => v.mgmtErr(replyOf(STAT_SHOW, ERR_63_3), INVALID_GROUP)).details.actual;
    // The property suite pushes errGroupProblem(group, body) as it is; the same call gives the same text.
    expect(caseText).toBe(errGroupProblem(2, { group: 63, rc: 3 }));
    expect(caseText).toContain('mcumgr_group_t group of the group-based error code');
    expect(caseText).toContain('zephyr PR #104682');
  });
});
