import { describe, expect, it } from 'vitest';
import { ConformanceAssertionError } from '../../../src/conformance/errors.ts';
import { errGroupProblem } from '../../../src/conformance/verifiers/smp-err-group.ts';
import { createVerifiers, type CaseRecorder, type VerifierLink } from '../../../src/conformance/verifiers/expect.ts';
import { replyOf } from './helpers/capture.ts';

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
const ERR_2_2 = '0900001100020500a163657272a26567726f75700262726302';

function thrown(f: () => unknown): ConformanceAssertionError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConformanceAssertionError) return e;
    throw e;
  }
  throw new Error('expected a ConformanceAssertionError');
}

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
      const e = thrown(() => v.mgmtErr(replyOf(STAT_SHOW, ERR_63_3), [{ v2: { group: 2, rc: 2 } }, { v2: { group: 63, rc: 3 } }]));
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
