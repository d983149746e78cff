/**
 * The certificate as Markdown (for merge requests, wikis, release notes). Every string that can
 * come from the device or the summary passes through `escapeMarkdown`, so a table cell stays one
 * cell and no text turns into a link, code span or HTML.
 */
import { LEVELS } from '../summary.ts';
import type { CertificateModel } from './certificate.ts';
import { identityRows } from './certificate.ts';
import { escapeMarkdown as md } from './escape.ts';
import { type CaseGroup, crashWhat, OUTCOME_TEXT, type TimingRow, VERDICT_TEXT } from './model.ts';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function header(m: CertificateModel): string[] {
  const s = m.summary;
  const rows: string[][] = [
    ['Verdict', `**${VERDICT_TEXT[m.verdict]}**`],
    ['Target', `${md(m.target.name)} (transport ${md(m.target.transport)})`],
    ['Profile', md(s.profile ?? 'not recorded')],
    ['Run started', `${md(s.startedAt)}, ${(s.durationMs / 1000).toFixed(1)} s`],
    ['Tool', `${md(s.tool.name)} ${md(s.tool.version)} on Node ${md(s.tool.node)}`],
    ['Replay', `\`mgmt-conformance run --seed ${s.seed}\` (same targets and case selection)`],
  ];
  if (m.target.error !== undefined) rows.push(['Run error', md(m.target.error)]);
  if (m.allure) rows.push(['Allure report', `[full report](${encodeURI(m.allure.index)})`]);
  return [`# Conformance certificate: ${md(m.target.name)}`, '', table(['', ''], rows)];
}

function identity(m: CertificateModel): string[] {
  const out = ['## Target identity', ''];
  const rows: string[][] = [];
  const images: string[] = [];
  for (const r of identityRows(m.target.identity)) {
    if ('text' in r) rows.push([md(r.label), md(r.text)]);
    else images.push('', '### Images', '', table(['image', 'slot', 'version', 'hash (SHA-256)', 'flags'], r.images.map((i) => [md(i.image), md(i.slot), md(i.version), md(i.hash), md(i.flags)])));
  }
  rows.push(['Capabilities', m.target.capabilities.map(md).join(', ') || 'none recorded']);
  return [...out, table(['Field', 'Value'], rows), ...images];
}

function levelCell(g: CaseGroup, level: (typeof LEVELS)[number]): string {
  const c = g.levels[level];
  if (c.total === 0) return '–';
  return `${c.passed}/${c.total}${c.failed > 0 ? `, **${c.failed} failed**` : ''}${c.unsupported > 0 ? `, ${c.unsupported} n/a` : ''}`;
}

function verdicts(m: CertificateModel): string[] {
  const t = m.target.totals;
  const rows = m.groups.map((g) => [md(g.protocol), md(g.group), ...LEVELS.map((l) => levelCell(g, l)), VERDICT_TEXT[g.verdict]]);
  return [
    '## Verdict per clause group',
    '',
    `${m.target.cases.length} cases: ${t.pass} pass, ${t.fail} fail, ${t.nonStrict} non-strict, ${t.informational} informational, ${t.unsupported} unsupported, ${t.broken} broken.`,
    '',
    table(['Protocol', 'Group', 'MUST passed', 'SHOULD passed', 'MAY passed', 'Verdict'], rows),
  ];
}

function findings(m: CertificateModel): string[] {
  if (m.findings.length === 0) return ['## Security findings', '', 'None derived from this run.'];
  const rows = m.findings.map((f) => [f.severity.toUpperCase(), `**${md(f.title)}**: ${md(f.detail)}`, f.caseIds.map(md).join(', ')]);
  return ['## Security findings', '', table(['Severity', 'Finding', 'Shown by cases'], rows)];
}

function timingTable(title: string, first: string, rows: readonly TimingRow[]): string[] {
  if (rows.length === 0) return [];
  const body = rows.map((r) => [md(r.name), String(r.count), r.p50.toFixed(2), r.p95.toFixed(2), r.max.toFixed(2)]);
  return ['', `### ${title}`, '', table([first, 'n', 'p50 ms', 'p95 ms', 'max ms'], body)];
}

function extras(m: CertificateModel): string[] {
  const out: string[] = [];
  const timing = [...timingTable('Per command', 'Command', m.commandTiming), ...timingTable('Case duration per group', 'Group', m.caseTiming)];
  if (timing.length > 0) out.push('## Timing', ...timing, '');
  const fp = m.target.footprint ?? [];
  if (fp.length > 0) out.push('## Footprint', '', table(['Part', 'ROM bytes', 'RAM bytes'], fp.map((r) => [md(r.name), String(r.romBytes ?? '–'), String(r.ramBytes ?? '–')])), '');
  return out;
}

function cases(m: CertificateModel): string[] {
  const rows = m.groups.flatMap((g) =>
    g.cases.map((c) => {
      const link = m.allure?.cases.get(c.id);
      const id = link !== undefined ? `[${md(c.id)}](${encodeURI(link)})` : md(c.id);
      const notes = [c.message, c.seed !== undefined ? `seed ${c.seed}` : '', c.counterexample !== undefined ? `counterexample ${c.counterexample}` : ''].filter((s) => s !== '');
      return [id, c.level, OUTCOME_TEXT[c.outcome], md(c.title), md(c.spec), notes.map(md).join('; ')];
    }),
  );
  return ['## Cases', '', table(['Case', 'Level', 'Outcome', 'Checks that', 'Spec', 'Notes'], rows)];
}

/** Device crashes, put first: the most important thing a run can find. */
function crashes(m: CertificateModel): string[] {
  const rows = m.target.crashes ?? [];
  if (rows.length === 0) return [];
  return ['## Device crashes', '', table(['When', 'During case', 'What'], rows.map((c) => [`${(c.atMs / 1000).toFixed(1)} s`, md(c.caseId), md(crashWhat(c))])), ''];
}

/** The whole document. */
export function renderCertificateMarkdown(m: CertificateModel): string {
  return [...header(m), '', ...crashes(m), ...identity(m), '', ...verdicts(m), '', ...findings(m), '', ...extras(m), ...cases(m), ''].join('\n');
}
