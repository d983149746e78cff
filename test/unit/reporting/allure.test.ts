import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAllureResultFromRecord } from '../../../src/reporting/allure-missing.ts';
import { annotatedHex, evidenceMessages, exchanges, MAX_STEPS, readEvidence } from '../../../src/reporting/allure-evidence.ts';
import { allureMetadataFor } from '../../../src/reporting/allure-labels.ts';
import { record } from './fixtures.ts';

const target = { name: 'sim', transport: 'serial' };

describe('Allure labels', () => {
  it('maps protocol, group, command, level and outcome to labels', () => {
    const m = allureMetadataFor(record({ protocol: 'SMP', level: 'SHOULD', outcome: 'nonStrict', specUrl: 'https://s.invalid/#x' }), target);
    expect(m.labels).toEqual(
      expect.arrayContaining([
        { name: 'epic', value: 'SMP' },
        { name: 'feature', value: 'os' },
        { name: 'story', value: 'echo' },
        { name: 'severity', value: 'normal' },
        { name: 'ALLURE_ID', value: 'SMP-OS-ECHO-001' },
        { name: 'tag', value: 'non-strict' },
      ]),
    );
    expect(m.testCaseId).toBe('SMP-OS-ECHO-001');
    expect(m.links).toEqual([{ url: 'https://s.invalid/#x', name: 'zephyr-smp-g0 §Echo', type: 'spec' }]);
    expect(m.parameters).toEqual([
      { name: 'target', value: 'sim' },
      { name: 'transport', value: 'serial' },
    ]);
  });

  it.each([
    ['MUST', 'critical'],
    ['SHOULD', 'normal'],
    ['MAY', 'minor'],
  ] as const)('severity of %s is %s', (level, severity) => {
    expect(allureMetadataFor(record({ level }), target).labels).toContainEqual({ name: 'severity', value: severity });
  });

  it('leaves out the story when a case spans several commands, and the link when there is no URL', () => {
    const m = allureMetadataFor(record({ command: '' }), target);
    expect(m.labels.some((l) => l.name === 'story')).toBe(false);
    expect(m.links).toEqual([]);
  });
});

describe('Allure evidence', () => {
  const evidence = readEvidence([
    { direction: 'out', atNs: '1000000', hex: '0a00000500000100aabb' },
    { direction: 'in', atNs: '2500000', hex: '0b00000500000100', decoded: { rc: 0 } },
    { direction: 'event', atNs: '2600000', hex: '', note: 'console' },
    { direction: 'out', atNs: '4000000', hex: '0200', note: 'raw' },
    { direction: 'sideways', atNs: '1', hex: '' },
    'junk',
  ]);

  it('reads only well-formed entries', () => {
    expect(evidence.map((e) => e.direction)).toEqual(['out', 'in', 'event', 'out']);
  });

  it('groups frames into exchanges that start at each request', () => {
    expect(exchanges(evidence).map((g) => g.length)).toEqual([3, 1]);
  });

  it('annotates hex with offsets, direction, header | body and decoded form', () => {
    const text = annotatedHex(evidence, 7);
    expect(text).toContain('[+0.000 ms] >>> out  0a 00 00 05 00 00 01 00 | aa bb');
    expect(text).toContain('[+1.500 ms] <<< in  0b 00 00 05 00 00 01 00\n    {"rc":0}');
    expect(text).toContain('--- event (console)');
    expect(text).toContain('(7 more entries left out of the evidence)');
  });

  it('emits balanced steps and two trace attachments placed at the case start', () => {
    const messages = evidenceMessages(evidence, 1_000_000, 0);
    expect(messages.filter((m) => m.type === 'step_start')).toHaveLength(2);
    expect(messages.filter((m) => m.type === 'step_stop')).toHaveLength(2);
    const first = messages[0];
    expect(first?.type === 'step_start' && first.data.start).toBe(1_000_000);
    const names = messages.flatMap((m) => (m.type === 'attachment_content' ? [m.data.name] : []));
    expect(names).toEqual(['frames', 'frames', 'trace (annotated hex)', 'trace (json)']);
    const json = messages.find((m) => m.type === 'attachment_content' && m.data.name === 'trace (json)');
    const decoded = JSON.parse(Buffer.from(json?.type === 'attachment_content' ? json.data.content : '', 'base64').toString());
    expect(decoded.evidence).toHaveLength(4);
    expect(evidenceMessages([], 0)).toEqual([]);
  });

  it('names a step after the decoded request header when there is one', () => {
    const decoded = { header: { op: 2, group: 0, id: 0, seq: 21, groupName: 'os' } };
    const messages = evidenceMessages(readEvidence([{ direction: 'out', atNs: '0', hex: '0a00', decoded }, { direction: 'in', atNs: '5', hex: '0b00' }]), 0);
    const start = messages[0];
    expect(start?.type === 'step_start' && start.data.name).toBe('#1 os write id 0 seq 21 (2 bytes) → 1 frame(s) back');
    const raw = evidenceMessages(readEvidence([{ direction: 'out', atNs: '0', hex: 'ff', note: 'raw' }]), 0)[0];
    expect(raw?.type === 'step_start' && raw.data.name).toBe('#1 send (1 bytes, raw) → 0 frame(s) back');
  });

  it('caps the number of steps for long property runs', () => {
    const many = Array.from({ length: MAX_STEPS + 50 }, (_, i) => ({ direction: 'out' as const, atNs: String(i * 1000), hex: '00' }));
    const messages = evidenceMessages(many, 0);
    expect(messages.filter((m) => m.type === 'step_start')).toHaveLength(MAX_STEPS);
  });
});

describe('Allure results written from records', () => {
  it.each([
    ['pass', 'passed'],
    ['nonStrict', 'passed'],
    ['fail', 'failed'],
    ['broken', 'broken'],
    ['unsupported', 'skipped'],
  ] as const)('a %s record becomes a %s result with the conformance labels', (outcome, status) => {
    const dir = mkdtempSync(join(tmpdir(), 'allure-record-'));
    try {
      const path = writeAllureResultFromRecord(dir, record({ outcome, message: 'not run: killed' }), target, 1000);
      const result = JSON.parse(readFileSync(path, 'utf8'));
      expect(result).toMatchObject({ status, name: 'SMP-OS-ECHO-001 echo returns the same string', testCaseId: 'SMP-OS-ECHO-001', start: 1000, stage: 'finished' });
      expect(result.labels).toContainEqual({ name: 'ALLURE_ID', value: 'SMP-OS-ECHO-001' });
      expect(result.parameters).toContainEqual({ name: 'target', value: 'sim' });
      expect(path.endsWith(`${result.uuid}-result.json`)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
