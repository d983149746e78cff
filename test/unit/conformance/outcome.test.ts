import { describe, expect, it } from 'vitest';
import { CaseBrokenError, CaseUnsupportedSignal, ConformanceAssertionError, scrubAssert } from '../../../src/conformance/errors.ts';
import type { Level, Outcome } from '../../../src/conformance/meta.ts';
import { classifyEnding } from '../../../src/conformance/outcome.ts';
import { ResponseTimeoutError, TransportError } from '../../../src/errors.ts';

const defect = (escalate = false): ConformanceAssertionError =>
  new ConformanceAssertionError({ caseId: 'X-Y-001', spec: 'doc §s', expected: ['a'], actual: 'b', ...(escalate ? { escalate } : {}) });
const chai = Object.assign(new Error('expected 1 to be 2'), { name: 'AssertionError' });

type Row = [string, { level: Level; isStrict?: boolean; error?: unknown; warnings?: string[]; notes?: string[]; informational?: string }, Outcome, 'throws-failed' | 'throws-broken' | 'passes' | 'skips'];

const rows: Row[] = [
  ['clean MUST', { level: 'MUST' }, 'pass', 'passes'],
  ['clean SHOULD', { level: 'SHOULD' }, 'pass', 'passes'],
  ['clean MAY records', { level: 'MAY', notes: ['saw r ""'] }, 'informational', 'passes'],
  ['MUST defect', { level: 'MUST', error: defect() }, 'fail', 'throws-failed'],
  ['SHOULD defect', { level: 'SHOULD', error: defect() }, 'nonStrict', 'passes'],
  ['SHOULD defect, strict', { level: 'SHOULD', isStrict: true, error: defect() }, 'fail', 'throws-failed'],
  ['MAY defect', { level: 'MAY', error: defect() }, 'informational', 'passes'],
  ['MAY defect, strict', { level: 'MAY', isStrict: true, error: defect() }, 'informational', 'passes'],
  ['dead device in a MAY case', { level: 'MAY', error: defect(true) }, 'fail', 'throws-failed'],
  ['dead device in a SHOULD case', { level: 'SHOULD', error: defect(true) }, 'fail', 'throws-failed'],
  ['required answer missing', { level: 'MUST', error: new ResponseTimeoutError('os.echo', 200) }, 'fail', 'throws-failed'],
  ['required answer missing, error from another module instance', { level: 'MUST', error: Object.assign(new Error('no response to os.echo within 5 ms'), { name: 'ResponseTimeoutError', code: 'E_TIMEOUT', timeoutMs: 5 }) }, 'fail', 'throws-failed'],
  ['vitest expect failure', { level: 'MUST', error: chai }, 'fail', 'throws-failed'],
  ['warning in MUST', { level: 'MUST', warnings: ['slow'] }, 'nonStrict', 'passes'],
  ['warning in MUST, strict', { level: 'MUST', isStrict: true, warnings: ['slow'] }, 'fail', 'throws-failed'],
  ['warning in MAY, strict', { level: 'MAY', isStrict: true, warnings: ['slow'] }, 'informational', 'passes'],
  ['nothing to judge on this target, MUST', { level: 'MUST', informational: 'no budget', notes: ['median 3 ms'] }, 'informational', 'passes'],
  ['nothing to judge, strict, with a warning', { level: 'MUST', isStrict: true, informational: 'no budget', warnings: ['slow'] }, 'informational', 'passes'],
  ['nothing to judge, but a check failed', { level: 'MUST', informational: 'no budget', error: defect() }, 'fail', 'throws-failed'],
  ['capability missing', { level: 'MUST', error: new CaseUnsupportedSignal('no slot 1') }, 'unsupported', 'skips'],
  ['transport trouble', { level: 'MUST', error: new TransportError('port vanished') }, 'broken', 'throws-broken'],
  ['harness bug', { level: 'SHOULD', error: new TypeError('x is undefined') }, 'broken', 'throws-broken'],
  ['thrown non-error', { level: 'MAY', error: 'oops' }, 'broken', 'throws-broken'],
];

describe('classifyEnding', () => {
  it.each(rows)('%s → %s', (_name, e, outcome, action) => {
    const v = classifyEnding({ caseId: 'X-Y-001', spec: 'doc §s', isStrict: false, warnings: [], notes: [], error: undefined, ...e });
    expect(v.outcome).toBe(outcome);
    if (action === 'passes') expect(v.error).toBeUndefined();
    if (action === 'skips') expect(v.skipReason).toBe('no slot 1');
    if (action === 'throws-failed') expect(`${v.error?.name} ${v.error?.message}`).toMatch(/assert/i);
    if (action === 'throws-broken') {
      expect(v.error).toBeInstanceOf(CaseBrokenError);
      expect(`${v.error?.name} ${v.error?.message}`).not.toMatch(/assert/i);
    }
    if (outcome !== 'pass') expect(v.message).not.toBe('');
  });

  it('an informational ending says why and keeps the recorded figures', () => {
    const v = classifyEnding({ caseId: 'X-Y-001', spec: 'doc §s', level: 'MUST', isStrict: false, warnings: [], notes: ['median 3 ms'], error: undefined, informational: 'no budget' });
    expect(v.message).toBe('no budget; median 3 ms');
  });

  it('keeps the first line of the failure as the message', () => {
    const v = classifyEnding({ caseId: 'X-Y-001', spec: 'doc §s', level: 'MUST', isStrict: false, warnings: [], notes: [], error: defect() });
    expect(v.message).toBe('assertion failed: X-Y-001: expected a, got b');
  });

  it('scrubs "assert" in any case from harness messages', () => {
    expect(scrubAssert('Assertion in assert() ASSERT')).toBe('Checkion in check() Check');
    expect(new CaseBrokenError('assert failed').message).toBe('check failed');
  });
});
