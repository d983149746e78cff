/** Case records and summaries for the reporter tests. */
import type { CaseRecord } from '../../../src/reporting/case-record.ts';
import type { OutcomeClass } from '../../../src/reporting/summary.ts';

/** A record with sensible defaults; `overrides` wins. */
export function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 'SMP-OS-ECHO-001',
    title: 'echo returns the same string',
    level: 'MUST',
    outcome: 'pass',
    durationMs: 12.5,
    message: '',
    spec: 'zephyr-smp-g0 §Echo',
    protocol: 'smp',
    group: 'os',
    command: 'echo',
    requirement: 'The reply carries r equal to d.',
    stimulus: 'Send echo with d = "hello".',
    suite: 'smp/os',
    ...overrides,
  };
}

/** One record per outcome class, with distinct ids. */
export function onePerOutcome(): CaseRecord[] {
  const outcomes: OutcomeClass[] = ['pass', 'fail', 'nonStrict', 'informational', 'unsupported', 'broken'];
  return outcomes.map((outcome, i) =>
    record({ id: `SMP-TEST-${String(i + 1).padStart(3, '0')}`, outcome, message: outcome === 'pass' ? '' : `${outcome} because <"&'>` }),
  );
}
