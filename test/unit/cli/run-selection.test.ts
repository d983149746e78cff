import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../../src/cli/run-options.ts';
import { caseProtocol, casesForProtocols, matchesFilter, selectCases, suiteFilesOf, suiteFoldersFor, testNamePatternFor } from '../../../src/cli/run-selection.ts';

const cases = [
  { id: 'SMP-OS-ECHO-001', title: 'echo returns the same string', suite: 'smp/os', level: 'MUST' as const },
  { id: 'SMP-OS-ECHO-002', title: 'echo without d is refused', suite: 'smp/os', level: 'SHOULD' as const },
  { id: 'SMP-IMG-UPLOAD-004', title: 'off mismatch -> server replies expected off', suite: 'smp/img', level: 'MUST' as const },
  { id: 'SMP-IMGX-001', title: 'a MAY', suite: 'smp/imgx', level: 'MAY' as const },
];

describe('case selection', () => {
  it('greps id or title, case-insensitively, or by /regex/', () => {
    expect(selectCases(cases, { grep: 'echo-002' }).map((c) => c.id)).toEqual(['SMP-OS-ECHO-002']);
    expect(selectCases(cases, { grep: 'MISMATCH' }).map((c) => c.id)).toEqual(['SMP-IMG-UPLOAD-004']);
    expect(selectCases(cases, { grep: '/^SMP-OS-ECHO-00[12]$/' })).toHaveLength(2);
  });

  it('matches a suite id or a prefix of it, not a longer name', () => {
    expect(selectCases(cases, { suites: ['smp/img'] }).map((c) => c.id)).toEqual(['SMP-IMG-UPLOAD-004']);
    expect(selectCases(cases, { suites: ['smp'] })).toHaveLength(4);
    expect(selectCases(cases, { suites: ['smp/img', 'smp/imgx'] })).toHaveLength(2);
  });

  it('keeps levels at or above the one asked for', () => {
    expect(selectCases(cases, { level: 'MUST' })).toHaveLength(2);
    expect(selectCases(cases, { level: 'SHOULD' })).toHaveLength(3);
    expect(selectCases(cases, { level: 'MAY' })).toHaveLength(4);
    expect(matchesFilter(cases[1]!, { level: 'MUST', suites: ['smp/os'] })).toBe(false);
  });

  it('builds a test-name pattern that matches exactly the chosen ids', () => {
    const re = testNamePatternFor(['SMP-OS-ECHO-001', 'SMP-IMG-UPLOAD-004']);
    expect(re.test('smp/os > SMP-OS-ECHO-001 echo returns the same string')).toBe(true);
    expect(re.test('SMP-IMG-UPLOAD-004 off mismatch')).toBe(true);
    expect(re.test('SMP-OS-ECHO-0011 other')).toBe(false);
    expect(re.test('XSMP-OS-ECHO-001 other')).toBe(false);
    expect(re.test('SMP-OS-ECHO-002 echo without d')).toBe(false);
  });
});

describe('run options', () => {
  it('has the documented defaults', () => {
    const o = parseRunOptions([], () => 77);
    expect(o).toMatchObject({ targets: [], targetsFile: 'targets.json', isTargetsFileExplicit: false, out: 'reports', isStrict: false, seed: 77, faults: [], isJson: false, runTimeoutMs: 900_000 });
  });

  it('collects repeatable flags and parses values', () => {
    const o = parseRunOptions(['--target', 'a', '--target', 'b', '--fault', 'x', '--seed', '5', '--level', 'should', '--strict', '--transport', 'serial'], () => 0);
    expect(o).toMatchObject({ targets: ['a', 'b'], faults: ['x'], seed: 5, level: 'SHOULD', isStrict: true, transport: 'serial' });
  });

  it('refuses --smp together with --target, and --lwm2m with either', () => {
    expect(() => parseRunOptions(['--smp', 'udp://h:1', '--target', 'a'], () => 0)).toThrow(/one of --smp, --lwm2m or --target, not --smp and --target/);
    expect(() => parseRunOptions(['--lwm2m', 'coap://h:5683', '--target', 'a'], () => 0)).toThrow(/not --lwm2m and --target/);
    expect(parseRunOptions(['--lwm2m', 'coap://127.0.0.1:5683', '--endpoint', 'ep'], () => 0)).toMatchObject({ lwm2m: 'coap://127.0.0.1:5683', endpoint: 'ep' });
  });
});

describe('cases by protocol', () => {
  const c = (id: string, suite: string, protocol: string) => ({ id, suite, protocol });
  const cases = [c('SMP-OS-ECHO-001', 'smp/os', 'SMP'), c('LWM2M-REG-001', 'lwm2m/registration', 'LwM2M'), c('LWM2M-COAP-DEDUP-001', 'lwm2m/coap', 'CoAP')];

  it('an SMP run gets only SMP cases, an LwM2M run the LwM2M and CoAP ones, a run of both every case', () => {
    expect(casesForProtocols(cases, ['smp']).map((x) => x.id)).toEqual(['SMP-OS-ECHO-001']);
    expect(casesForProtocols(cases, ['lwm2m']).map((x) => x.id)).toEqual(['LWM2M-REG-001', 'LWM2M-COAP-DEDUP-001']);
    expect(casesForProtocols(cases, ['smp', 'lwm2m'])).toHaveLength(3);
    expect(caseProtocol({ suite: 'lwm2m/x', protocol: '' })).toBe('lwm2m');
    expect(suiteFoldersFor(['lwm2m'])).toEqual(['suites/lwm2m/']);
    expect(suiteFoldersFor(['smp'])).toEqual(['suites/smp/', 'suites/footprint/']);
  });
});

describe('suite files of the selected cases', () => {
  it('names each declaring file once, sorted', () => {
    const files = suiteFilesOf([{ file: 'suites/smp/os.suite.ts' }, { file: 'suites/footprint/footprint.suite.ts' }, { file: 'suites/smp/os.suite.ts' }]);
    expect(files).toEqual(['suites/footprint/footprint.suite.ts', 'suites/smp/os.suite.ts']);
    expect(suiteFilesOf([])).toEqual([]);
  });

  it('gives no file list when a case does not name its file (the run then loads whole folders)', () => {
    expect(suiteFilesOf([{ file: 'suites/smp/os.suite.ts' }, {}])).toBeUndefined();
    expect(suiteFilesOf([{ file: '' }])).toBeUndefined();
  });
});
