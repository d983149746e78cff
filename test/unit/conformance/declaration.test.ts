import { afterEach, describe, expect, it } from 'vitest';
import { describedRequirement, validateCaseInfo, validatePropertyInfo, validateSuiteInfo, type CaseInfo, type PropertyDeclaration } from '../../../src/conformance/declaration.ts';
import { defineSuite } from '../../../src/conformance/define-suite.ts';
import { CaseDeclarationError } from '../../../src/conformance/errors.ts';
import { clearRegistry, registerCases, registeredCases } from '../../../src/conformance/registry.ts';
import { caseInfo } from './helpers/run-case.ts';

const suite = { id: 'smp/test', protocol: 'SMP' as const, feature: 'os', title: 'test' };

afterEach(() => clearRegistry());

describe('validateCaseInfo', () => {
  const bad: [string, Partial<CaseInfo> | Record<string, unknown>, RegExp][] = [
    ['lower-case id', { id: 'smp-os-001' }, /UPPER-KEBAB/],
    ['id without a part', { id: 'SMP' }, /UPPER-KEBAB/],
    ['empty title', { title: ' ' }, /title is empty/],
    ['unknown level', { level: 'MUSTNT' }, /level "MUSTNT"/],
    ['unpinned spec document', { spec: { doc: 'zephyr-main', section: 'x' } }, /spec.doc "zephyr-main" is not in the spec registry/],
    ['empty section', { spec: { doc: 'smp-digest', section: '' } }, /section is empty/],
    ['no stimulus', { stimulus: '' }, /stimulus is empty/],
    ['no requirement', { requirement: '' }, /requirement is empty/],
    ['no story', { story: '' }, /story is empty/],
    ['capability with upper case', { requires: ['SMP.os'] }, /capability "SMP.os"/],
    ['capability without a dot', { requires: ['echo'] }, /capability "echo"/],
    ['unknown transport', { transports: ['ble'] }, /transport "ble"/],
    ['zero timeout', { timeoutMs: 0 }, /timeoutMs/],
  ];

  it.each(bad)('refuses %s', (_name, patch, message) => {
    const c = { ...caseInfo(), ...patch } as CaseInfo;
    expect(() => validateCaseInfo(c, 'smp/test')).toThrow(CaseDeclarationError);
    expect(() => validateCaseInfo(c, 'smp/test')).toThrow(message);
  });

  it('accepts the STYLE.md example shape', () => {
    expect(() => validateCaseInfo(caseInfo({ id: 'SMP-IMG-UPLOAD-004', spec: { doc: 'zephyr-smp-g1', section: 'Image upload response' }, requires: ['smp.img.upload'] }), 'smp/img')).not.toThrow();
  });

  it('names the suite and case in the message', () => {
    expect(() => validateCaseInfo(caseInfo({ title: '' }), 'smp/os')).toThrow('suite smp/os, case "TEST-KIT-001": title is empty');
  });

  it('checks suites and property fields', () => {
    expect(() => validateSuiteInfo({ ...suite, id: 'SMP OS' })).toThrow(/lower-case/);
    expect(() => validateSuiteInfo({ ...suite, protocol: 'HTTP' as 'SMP' })).toThrow(/protocol "HTTP"/);
    const p = { ...caseInfo(), arbitrary: {}, predicate: () => undefined, numRuns: { udp: 0 } } as unknown as PropertyDeclaration<unknown>;
    expect(() => validatePropertyInfo(p, 'smp/os')).toThrow(/numRuns/);
    expect(() => validatePropertyInfo({ ...p, numRuns: 10, aliveEvery: -1 }, 'smp/os')).toThrow(/aliveEvery/);
  });
});

describe('case id uniqueness', () => {
  const entry = (id: string, suiteId = 'smp/test', title = 'a kit test case') => ({ suite: { ...suite, id: suiteId }, kind: 'case' as const, info: caseInfo({ id, title }) });

  it('refuses an id used twice in one suite', () => {
    expect(() => registerCases([entry('SMP-A-001'), entry('SMP-A-001')])).toThrow('case id SMP-A-001 is declared twice in suite smp/test');
  });

  it('refuses an id another suite already uses', () => {
    registerCases([entry('SMP-A-001', 'smp/one')]);
    expect(() => registerCases([entry('SMP-A-001', 'smp/two')])).toThrow('already used by suite smp/one');
    expect(() => registerCases([entry('SMP-A-001', 'smp/one', 'another title')])).toThrow(CaseDeclarationError);
  });

  it('lets the same suite file re-register itself (module re-evaluated) and lists cases sorted', () => {
    registerCases([entry('SMP-B-002'), entry('SMP-B-001')]);
    registerCases([entry('SMP-B-002'), entry('SMP-B-001')]);
    expect(registeredCases().map((c) => c.info.id)).toEqual(['SMP-B-001', 'SMP-B-002']);
  });

  it('defineSuite registers without declaring tests when listing, and fails a bad declaration at load', () => {
    process.env['MGMT_LIST_ONLY'] = '1';
    try {
      defineSuite(suite, (s) => {
        s.case({ ...caseInfo({ id: 'SMP-C-001' }), run: () => undefined });
        s.property({ ...caseInfo({ id: 'SMP-C-002' }), arbitrary: { generate: () => 0 } as never, predicate: () => undefined, numRuns: 5 });
      });
      expect(registeredCases().map((c) => [c.info.id, c.kind])).toEqual([['SMP-C-001', 'case'], ['SMP-C-002', 'property']]);
      expect(() => defineSuite(suite, (s) => s.case({ ...caseInfo({ id: 'SMP-C-003', level: 'OPTIONAL' as 'MAY' }), run: () => undefined }))).toThrow(/level "OPTIONAL"/);
    } finally {
      delete process.env['MGMT_LIST_ONLY'];
    }
  });
});

describe('quote and level note', () => {
  it('refuses an empty quote or level note', () => {
    const base = caseInfo({ id: 'SMP-Q-001' });
    expect(() => validateCaseInfo({ ...base, spec: { ...base.spec, quote: ' ' } }, 'smp/test')).toThrow(/spec\.quote is empty/);
    expect(() => validateCaseInfo({ ...base, level: 'SHOULD', levelNote: '' }, 'smp/test')).toThrow(/levelNote is empty/);
    expect(() => validateCaseInfo({ ...base, spec: { ...base.spec, quote: 'The Sequence Num of a response should match the one in the request.' } }, 'smp/test')).not.toThrow();
  });

  it('prints the quoted sentence and the reason for the level with the requirement', () => {
    const base = caseInfo({ id: 'SMP-Q-002' });
    expect(describedRequirement(base)).toBe(base.requirement);
    const text = describedRequirement({ ...base, level: 'SHOULD', spec: { doc: 'zephyr-smp-g1', section: 'Image upload', quote: 'offset of last successfully written byte of update.' }, levelNote: 'Zephyr behaviour, not written in the documents' });
    expect(text).toBe(`${base.requirement} Text (zephyr-smp-g1, Image upload): "offset of last successfully written byte of update." Level SHOULD: Zephyr behaviour, not written in the documents.`);
  });
});
