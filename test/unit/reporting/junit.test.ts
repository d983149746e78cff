import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitFileName, junitTestName, renderJUnit } from '../../../src/reporting/junit.ts';
import { onePerOutcome, record } from './fixtures.ts';
import { findAll, parseXml, type XmlElement } from './xml-check.ts';

const target = { name: 'sim', transport: 'udp', startedAt: '2026-11-28T09:00:00.000Z' };

function props(tc: XmlElement): Record<string, string> {
  return Object.fromEntries(findAll(tc, 'property').map((p) => [p.attributes.name ?? '', p.attributes.value ?? '']));
}

describe('JUnit writer', () => {
  it('writes well-formed XML naming each test "[ID] title"', () => {
    const doc = parseXml(renderJUnit({ ...target, cases: onePerOutcome() }));
    expect(doc.name).toBe('testsuites');
    const cases = findAll(doc, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(onePerOutcome().map((c) => `[${c.id}] ${c.title}`));
  });

  it('carries spec, level, requirement and target as properties of each test', () => {
    const doc = parseXml(renderJUnit({ ...target, cases: [record({ seed: 99 })] }));
    const [tc] = findAll(doc, 'testcase');
    expect(props(tc!)).toMatchObject({
      spec: 'zephyr-smp-g0 §Echo',
      level: 'MUST',
      requirement: 'The reply carries r equal to d.',
      target: 'sim',
      transport: 'udp',
      seed: '99',
    });
    expect(tc!.attributes.classname).toBe('smp/os');
    expect(tc!.attributes.time).toBe('0.013');
  });

  it('maps fail to <failure>, broken to <error>, unsupported to <skipped>, and counts them', () => {
    const doc = parseXml(renderJUnit({ ...target, cases: onePerOutcome() }));
    const suite = findAll(doc, 'testsuite')[0]!;
    expect(suite.attributes).toMatchObject({ tests: '6', failures: '1', errors: '1', skipped: '1' });
    const byOutcome = Object.fromEntries(findAll(doc, 'testcase').map((tc) => [props(tc).outcome, tc.children.map((c) => c.name)]));
    expect(byOutcome.fail).toContain('failure');
    expect(byOutcome.broken).toContain('error');
    expect(byOutcome.unsupported).toContain('skipped');
    expect(byOutcome.nonStrict).toContain('system-out');
    expect(byOutcome.pass).toEqual(['properties']);
    const failure = findAll(doc, 'failure')[0]!;
    expect(failure.attributes.message).toBe(`fail because <"&'>`);
  });

  it('lists the warnings a case recorded in <system-err>', () => {
    const doc = parseXml(renderJUnit({ ...target, cases: [record({ outcome: 'nonStrict', message: 'rc 3 not 8', warnings: ['prefer rc 8', 'a <b>'] })] }));
    const tc = findAll(doc, 'testcase')[0]!;
    expect(findAll(tc, 'system-out')[0]?.text).toBe('nonStrict: rc 3 not 8');
    expect(findAll(tc, 'system-err')[0]?.text).toBe('warning: prefer rc 8\nwarning: a <b>');
  });

  it('puts the first line of a message in the attribute and all of it in the body', () => {
    const message = 'assertion failed: SMP-X-001\nExpected one of: rc 3\nActual: rc 0';
    const doc = parseXml(renderJUnit({ ...target, cases: [record({ outcome: 'fail', message })] }));
    const failure = findAll(doc, 'failure')[0]!;
    expect(failure.attributes.message).toBe('assertion failed: SMP-X-001');
    expect(failure.text).toBe(message);
  });

  it('adds a broken target case when the target run itself failed', () => {
    const doc = parseXml(renderJUnit({ ...target, cases: [], error: 'no reply within 5000 ms' }));
    expect(findAll(doc, 'testsuite')[0]!.attributes.errors).toBe('1');
    expect(findAll(doc, 'error')[0]!.attributes.message).toBe('no reply within 5000 ms');
  });

  it('stays well-formed whatever text a device puts in a message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 40 }), (message, title) => {
        const xml = renderJUnit({ ...target, cases: [record({ outcome: 'fail', message, title })] });
        const doc = parseXml(xml);
        expect(findAll(doc, 'testcase')).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes the five XML specials and replaces control characters', () => {
    expect(escapeXml(`a<b>&"'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;&apos;\uFFFD');
    expect(junitTestName({ id: 'X-1', title: 't' })).toBe('[X-1] t');
    expect(junitFileName('my board', 'serial')).toBe('junit-my_board-serial.xml');
  });
});
