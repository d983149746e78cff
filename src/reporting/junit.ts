/**
 * JUnit XML, one file per target. Written from the case records rather than by vitest's built-in
 * `junit` reporter, because that one knows only vitest's passed/failed/skipped: the harness's
 * outcome classes need their own mapping (a broken case is an <error>, not a <failure>; a
 * non-strict pass keeps its warning), and a target whose run died still gets a file naming why.
 * Outcome mapping: fail → <failure>, broken → <error>, unsupported → <skipped>; non-strict and
 * informational pass, with their message in <system-out>; a flaky case (failed, then passed on a
 * retry) passes with `flaky`/`attempts` properties and a <system-out> note.
 */
import type { CaseRecord } from './case-record.ts';
import { oneLine } from './console-summary.ts';

/** One target's cases, as the JUnit writer needs them. */
export interface JUnitTarget {
  name: string;
  transport: string;
  /** ISO 8601 start time of the target run. */
  startedAt: string;
  cases: readonly CaseRecord[];
  /** A target-level problem (could not start, global timeout), reported as an extra error case. */
  error?: string;
}

// XML 1.0 allows only these characters; device text can contain anything.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape text for an XML attribute or element body, dropping characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit test name of a case: `[ID] title`. */
export function junitTestName(c: Pick<CaseRecord, 'id' | 'title'>): string {
  return `[${c.id}] ${c.title}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function property(name: string, value: string): string {
  return `<property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

function warningsOut(c: CaseRecord): string {
  return c.warnings?.length ? `<system-err>${escapeXml(c.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>` : '';
}

function caseBody(c: CaseRecord): string {
  return `${verdictBody(c)}${warningsOut(c)}`;
}

/** A crash's message with its evidence: the frames sent since the last answer and the console's last lines. */
function crashText(c: CaseRecord): string {
  const crash = c.crash;
  if (!crash) return c.message;
  const frames = crash.lastFrames.map((f, i) => `  frame ${i + 1}: ${f.hex}`);
  const console = crash.console.map((l) => `  ${l}`);
  const reproducer = crash.reproducer !== null ? [`reproducer: ${crash.reproducer}`] : [];
  return [c.message, `frames sent since the last good answer (${crash.lastFrames.length}):`, ...frames, ...(console.length > 0 ? ['console:', ...console] : []), ...reproducer].join('\n');
}

function verdictBody(c: CaseRecord): string {
  // Attribute values lose their line breaks in XML parsers: the attribute gets the first line,
  // the element body the whole message (Expected / Actual / the offending frame).
  const head = escapeXml(oneLine(c.message, 500));
  const msg = escapeXml(c.message);
  switch (c.outcome) {
    case 'fail':
      return `<failure message="${head}" type="fail">${msg}</failure>`;
    case 'broken':
      return `<error message="${head}" type="broken">${msg}</error>`;
    case 'crash':
      return `<error message="${head}" type="crash">${escapeXml(crashText(c))}</error>`;
    case 'unsupported':
    case 'blocked':
      return `<skipped message="${head}"/>`;
    case 'nonStrict':
    case 'informational':
      return msg ? `<system-out>${escapeXml(`${c.outcome}: ${c.message}`)}</system-out>` : '';
    case 'pass':
      return c.flaky === true ? `<system-out>${escapeXml(`flaky: passed on attempt ${c.attempts ?? 2} after failing`)}</system-out>` : '';
  }
}

function testcase(c: CaseRecord, target: JUnitTarget): string {
  const props = [
    property('spec', c.spec),
    property('level', c.level),
    property('requirement', c.requirement),
    property('target', target.name),
    property('transport', target.transport),
    property('outcome', c.outcome),
  ];
  if (c.seed !== undefined) props.push(property('seed', String(c.seed)));
  if (c.counterexample !== undefined) props.push(property('counterexample', c.counterexample));
  if (c.flaky === true) props.push(property('flaky', 'true'));
  if (c.attempts !== undefined && c.attempts > 1) props.push(property('attempts', String(c.attempts)));
  const classname = escapeXml(c.suite || c.protocol);
  return [
    `    <testcase name="${escapeXml(junitTestName(c))}" classname="${classname}" time="${seconds(c.durationMs)}">`,
    `      <properties>${props.join('')}</properties>`,
    ...(caseBody(c) ? [`      ${caseBody(c)}`] : []),
    '    </testcase>',
  ].join('\n');
}

function counts(cases: readonly CaseRecord[]): { tests: number; failures: number; errors: number; skipped: number; ms: number } {
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let ms = 0;
  for (const c of cases) {
    if (c.outcome === 'fail') failures++;
    if (c.outcome === 'broken' || c.outcome === 'crash') errors++;
    if (c.outcome === 'unsupported' || c.outcome === 'blocked') skipped++;
    ms += c.durationMs;
  }
  return { tests: cases.length, failures, errors, skipped, ms };
}

function targetErrorCase(target: JUnitTarget): string {
  const msg = escapeXml(target.error ?? '');
  return [
    `    <testcase name="[TARGET] ${escapeXml(target.name)} run" classname="target" time="0.000">`,
    `      <error message="${msg}" type="broken">${msg}</error>`,
    '    </testcase>',
  ].join('\n');
}

/** Render one target's JUnit XML document. */
export function renderJUnit(target: JUnitTarget): string {
  const n = counts(target.cases);
  const extraError = target.error !== undefined ? 1 : 0;
  const suiteName = escapeXml(`${target.name} (${target.transport})`);
  const head =
    `  <testsuite name="${suiteName}" tests="${n.tests + extraError}" failures="${n.failures}" ` +
    `errors="${n.errors + extraError}" skipped="${n.skipped}" time="${seconds(n.ms)}" timestamp="${escapeXml(target.startedAt)}">`;
  const body = target.cases.map((c) => testcase(c, target));
  if (target.error !== undefined) body.push(targetErrorCase(target));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mgmt-conformance" tests="${n.tests + extraError}" failures="${n.failures}" errors="${n.errors + extraError}" skipped="${n.skipped}" time="${seconds(n.ms)}">`,
    head,
    `    <properties>${property('target', target.name)}${property('transport', target.transport)}</properties>`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** File name of a target's JUnit report: `junit-<target>.xml`, with unsafe characters replaced. */
export function junitFileName(targetName: string, transport?: string): string {
  const base = transport ? `${targetName}-${transport}` : targetName;
  return `junit-${base.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`;
}
