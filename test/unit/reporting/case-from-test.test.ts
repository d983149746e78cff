import { describe, expect, it } from 'vitest';
import { caseRecordFromTest, classifyError, type FinishedTest } from '../../../src/reporting/case-from-test.ts';

function finished(overrides: Partial<FinishedTest> = {}, conformance: Record<string, unknown> = {}): FinishedTest {
  return {
    name: 'SMP-OS-ECHO-001 echo returns the same string',
    meta: {
      conformance: {
        id: 'SMP-OS-ECHO-001',
        title: 'echo returns the same string',
        level: 'MUST',
        spec: { doc: 'zephyr-smp-g0', section: 'Echo', url: 'https://x.invalid/#echo' },
        suite: 'smp/os',
        protocol: 'SMP',
        feature: 'os',
        story: 'echo',
        requirement: 'r equals d',
        stimulus: 'echo hello',
        outcome: 'pass',
        message: '',
        durationMs: 4.5,
        ...conformance,
      },
    },
    state: 'passed',
    errors: [],
    durationMs: 9,
    file: 'suites/smp/os-echo.suite.ts',
    ...overrides,
  };
}

describe('case records from finished tests', () => {
  it('copies the kit metadata and formats the spec reference', () => {
    const r = caseRecordFromTest(finished());
    expect(r).toMatchObject({
      id: 'SMP-OS-ECHO-001',
      level: 'MUST',
      outcome: 'pass',
      durationMs: 4.5,
      spec: 'zephyr-smp-g0 §Echo',
      specUrl: 'https://x.invalid/#echo',
      protocol: 'SMP',
      group: 'os',
      command: 'echo',
      suite: 'smp/os',
      file: 'suites/smp/os-echo.suite.ts',
    });
  });

  it.each([
    ['passed', 'pass', 'pass'],
    ['passed', 'nonStrict', 'nonStrict'],
    ['passed', 'informational', 'informational'],
    ['passed', 'fail', 'pass'],
    ['skipped', 'unsupported', 'unsupported'],
    ['failed', 'fail', 'fail'],
    ['failed', 'broken', 'broken'],
    ['pending', 'pass', 'broken'],
  ] as const)('vitest %s with kit outcome %s → %s', (state, metaOutcome, expected) => {
    const errors = state === 'failed' ? [{ name: 'Error', message: 'x' }] : [];
    expect(caseRecordFromTest(finished({ state, errors }, { outcome: metaOutcome })).outcome).toBe(expected);
  });

  it('classifies a failure without kit outcome by its error, like Allure', () => {
    expect(classifyError({ name: 'ConformanceAssertionError', message: 'Expected one of' })).toBe('fail');
    expect(classifyError({ name: 'Error', message: 'expected 1 to be 2', stack: 'at node_modules/@vitest/expect/dist/index.js' })).toBe('fail');
    expect(classifyError({ name: 'TransportError', message: 'port closed' })).toBe('broken');
    expect(classifyError(undefined)).toBe('broken');
    const r = caseRecordFromTest(finished({ state: 'failed', errors: [{ name: 'AssertionError', message: 'boom' }] }, { outcome: 'pass' }));
    expect(r).toMatchObject({ outcome: 'fail', message: 'boom' });
  });

  it('uses the skip note as the message of an unsupported case', () => {
    const r = caseRecordFromTest(finished({ state: 'skipped', note: 'needs smp.img.upload' }, { outcome: 'unsupported' }));
    expect(r).toMatchObject({ outcome: 'unsupported', message: 'needs smp.img.upload' });
  });

  it('keeps the warnings the kit recorded, and none when there are none', () => {
    expect(caseRecordFromTest(finished({}, { warnings: ['prefer rc 8', 3, ''] })).warnings).toEqual(['prefer rc 8']);
    expect(caseRecordFromTest(finished({}, { warnings: [] }))).not.toHaveProperty('warnings');
  });

  it('keeps seed and counterexample of property cases', () => {
    const r = caseRecordFromTest(finished({}, { seed: 1234, counterexample: '[0]', outcome: 'pass' }));
    expect(r.seed).toBe(1234);
    expect(r.counterexample).toBe('[0]');
  });

  it('falls back to the test name when a test has no kit metadata', () => {
    const r = caseRecordFromTest(finished({ meta: {}, name: 'SMP-X-001 something holds', durationMs: 3 }));
    expect(r).toMatchObject({ id: 'SMP-X-001', title: 'something holds', level: 'MUST', durationMs: 3, suite: 'suites/smp/os-echo.suite.ts' });
    const odd = caseRecordFromTest(finished({ meta: { conformance: { level: 'OFTEN', spec: 5, seed: 'x' } } }));
    expect(odd.level).toBe('MUST');
    expect(odd.spec).toBe('');
    expect(odd).not.toHaveProperty('seed');
  });
});
