/**
 * The certificate as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
 * Every string that can come from the device or the summary passes through `escapeHtml`.
 */
import { LEVELS } from '../summary.ts';
import type { CertificateModel } from './certificate.ts';
import { identityRows } from './certificate.ts';
import { escapeHtml as e } from './escape.ts';
import type { SecurityFinding } from './findings.ts';
import { type CaseGroup, crashWhat, OUTCOME_TEXT, type TimingRow, VERDICT_TEXT } from './model.ts';
import { latencySvg } from './svg-latency.ts';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:0;background:#f4f5f7}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #e3e6ea;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.verdict{display:inline-block;padding:6px 14px;border-radius:4px;font-weight:700;font-size:18px;color:#fff}
.v-pass{background:#1f883d}.v-pass-with-deviations{background:#b7791f}.v-fail{background:#cf222e}
.o-fail,.o-broken{color:#cf222e;font-weight:600}.o-unsupported{color:#6e7781}.o-nonStrict,.o-informational{color:#9a6700}
.sev{font-weight:700;text-transform:uppercase;font-size:12px}.sev-high{color:#cf222e}.sev-medium{color:#9a6700}.sev-info{color:#57606a}
.meta td:first-child{width:220px;color:#57606a}details{margin:4px 0}summary{cursor:pointer;font-weight:600}
svg.latency .grid{stroke:#e3e6ea}svg.latency .axis,svg.latency .label{font:11px system-ui,sans-serif;fill:#1d2330}
svg.latency .p50{fill:#4a7bd0}svg.latency .p95{stroke:#4a7bd0;stroke-width:2}svg.latency .max{stroke:#cf222e;stroke-width:2}
.legend{color:#57606a;font-size:12px}.v-text-pass{color:#1f883d}.v-text-pass-with-deviations{color:#9a6700;font-weight:600}.v-text-fail{color:#cf222e;font-weight:700}.v-text-not-applicable{color:#6e7781}.v-not-applicable{background:#6e7781}footer{margin-top:32px;color:#57606a;font-size:12px}
`;

function row(cells: readonly string[], tag = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function num(n: number): string {
  return `<td class="n">${n}</td>`;
}

function header(m: CertificateModel): string {
  const s = m.summary;
  const meta: [string, string][] = [
    ['Target', `${e(m.target.name)} (transport ${e(m.target.transport)})`],
    ['Profile', e(s.profile ?? 'not recorded')],
    ['Run started', `${e(s.startedAt)}, ${(s.durationMs / 1000).toFixed(1)} s`],
    ['Tool', `${e(s.tool.name)} ${e(s.tool.version)} on Node ${e(s.tool.node)}`],
    ['Replay', `<code>mgmt-conformance run --seed ${s.seed}</code> (same targets and case selection)`],
  ];
  if (m.target.error !== undefined) meta.push(['Run error', `<span class="o-broken">${e(m.target.error)}</span>`]);
  if (m.allure) meta.push(['Allure report', `<a href="${e(m.allure.index)}">open the full report with request/response evidence</a>`]);
  return [
    `<h1>Conformance certificate: ${e(m.target.name)}</h1>`,
    `<p><span class="verdict v-${m.verdict}">${VERDICT_TEXT[m.verdict]}</span></p>`,
    `<table class="meta">${meta.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</table>`,
  ].join('\n');
}

function identity(m: CertificateModel): string {
  const rows = identityRows(m.target.identity).map((r) => {
    if ('text' in r) return `<tr><td>${e(r.label)}</td><td class="mono">${e(r.text)}</td></tr>`;
    const images = r.images.map((i) => row([e(i.image), e(i.slot), e(i.version), `<code>${e(i.hash)}</code>`, e(i.flags)])).join('');
    return `<tr><td>${e(r.label)}</td><td><table>${row(['image', 'slot', 'version', 'hash (SHA-256)', 'flags'], 'th')}${images}</table></td></tr>`;
  });
  const caps = m.target.capabilities.map((c) => `<code>${e(c)}</code>`).join(' ');
  rows.push(`<tr><td>Capabilities</td><td>${caps || 'none recorded'}</td></tr>`);
  if (Object.keys(m.target.identity).length === 0) rows.unshift('<tr><td colspan="2">The device gave no identity (unreachable or not asked).</td></tr>');
  return `<h2>Target identity</h2>\n<table class="meta">${rows.join('\n')}</table>`;
}

function levelCells(g: Pick<CaseGroup, 'levels'>): string {
  return LEVELS.map((l) => {
    const c = g.levels[l];
    if (c.total === 0) return '<td class="n">–</td>';
    const failed = c.failed > 0 ? ` <span class="o-fail">${c.failed} failed</span>` : '';
    const unsupported = c.unsupported > 0 ? ` <span class="o-unsupported">${c.unsupported} n/a</span>` : '';
    return `<td class="n">${c.passed}/${c.total}${failed}${unsupported}</td>`;
  }).join('');
}

function verdictTable(m: CertificateModel): string {
  const t = m.target.totals;
  const totals = `<p>${m.target.cases.length} cases: ${t.pass} pass, ${t.fail} fail, ${t.nonStrict} non-strict, ${t.informational} informational, ${t.unsupported} unsupported, ${t.broken} broken.</p>`;
  const head = row(['Protocol', 'Group', 'MUST passed', 'SHOULD passed', 'MAY passed', 'Verdict'], 'th');
  const rows = m.groups.map((g) => `<tr><td>${e(g.protocol)}</td><td><a href="#g-${e(g.protocol)}-${e(g.group)}">${e(g.group)}</a></td>${levelCells(g)}<td class="v-text-${g.verdict}">${VERDICT_TEXT[g.verdict]}</td></tr>`);
  return `<h2>Verdict per clause group</h2>\n${totals}\n<table id="verdicts">${head}${rows.join('\n')}</table>\n<p class="legend">passed/total per requirement level; "n/a": unsupported by the target (not counted as passed).</p>`;
}

function finding(f: SecurityFinding): string {
  const ids = f.caseIds.map((id) => `<code>${e(id)}</code>`).join(' ');
  return `<tr><td><span class="sev sev-${f.severity}">${f.severity}</span></td><td><strong>${e(f.title)}</strong><br>${e(f.detail)}</td><td>${ids}</td></tr>`;
}

function findings(m: CertificateModel): string {
  if (m.findings.length === 0) return '<h2>Security findings</h2>\n<p>None derived from this run.</p>';
  return `<h2>Security findings</h2>\n<table id="findings">${row(['Severity', 'Finding', 'Shown by cases'], 'th')}${m.findings.map(finding).join('\n')}</table>`;
}

function timingTable(rows: readonly TimingRow[], first: string): string {
  const body = rows.map((r) => `<tr><td>${e(r.name)}</td>${num(r.count)}${[r.p50, r.p95, r.max].map((v) => `<td class="n">${v.toFixed(2)}</td>`).join('')}</tr>`);
  return `<table>${row([first, 'n', 'p50 ms', 'p95 ms', 'max ms'], 'th')}${body.join('\n')}</table>`;
}

function timing(m: CertificateModel): string {
  const out = ['<h2>Timing</h2>', '<p class="legend">Plot: bar to the median, line to the 95th percentile, red tick at the maximum (logarithmic axis).</p>'];
  if (m.commandTiming.length > 0) out.push('<h3>Per command</h3>', latencySvg(m.commandTiming, 'latency per command'), timingTable(m.commandTiming, 'Command'));
  if (m.caseTiming.length > 0) out.push('<h3>Case duration per group</h3>', latencySvg(m.caseTiming, 'case duration per group'), timingTable(m.caseTiming, 'Group'));
  return out.length > 2 ? out.join('\n') : '';
}

function footprint(m: CertificateModel): string {
  const rows = m.target.footprint ?? [];
  if (rows.length === 0) return '';
  const body = rows.map((r) => `<tr><td>${e(r.name)}</td><td class="n">${r.romBytes ?? '–'}</td><td class="n">${r.ramBytes ?? '–'}</td></tr>`);
  return `<h2>Footprint</h2>\n<table>${row(['Part', 'ROM bytes', 'RAM bytes'], 'th')}${body.join('\n')}</table>`;
}

function crashes(m: CertificateModel): string {
  const rows = m.target.crashes ?? [];
  if (rows.length === 0) return '';
  const body = rows.map((c) => row([`${(c.atMs / 1000).toFixed(1)} s`, `<code>${e(c.caseId)}</code>`, e(crashWhat(c))]));
  return `<h2>Device crashes</h2>\n<table>${row(['When', 'During case', 'What'], 'th')}${body.join('\n')}</table>`;
}

function caseRow(m: CertificateModel, c: CaseGroup['cases'][number]): string {
  const link = m.allure?.cases.get(c.id);
  const id = link !== undefined ? `<a href="${e(link)}"><code>${e(c.id)}</code></a>` : `<code>${e(c.id)}</code>`;
  const extra = [c.message, c.seed !== undefined ? `seed ${c.seed}` : '', c.counterexample !== undefined ? `counterexample ${c.counterexample}` : ''].filter((s) => s !== '');
  return row([id, c.level, `<span class="o-${c.outcome}">${OUTCOME_TEXT[c.outcome]}</span>`, e(c.title), e(c.spec), extra.map(e).join('<br>')]);
}

function caseDetails(m: CertificateModel): string {
  const head = row(['Case', 'Level', 'Outcome', 'Checks that', 'Spec', 'Notes'], 'th');
  const sections = m.groups.map((g) => {
    const open = g.verdict === 'fail' || g.verdict === 'pass-with-deviations' ? ' open' : '';
    return `<details id="g-${e(g.protocol)}-${e(g.group)}"${open}><summary>${e(g.protocol)} ${e(g.group)}: ${g.cases.length} cases, ${VERDICT_TEXT[g.verdict]}</summary><table>${head}${g.cases.map((c) => caseRow(m, c)).join('\n')}</table></details>`;
  });
  return `<h2>Cases</h2>\n${sections.join('\n')}`;
}

/** The whole page. */
export function renderCertificateHtml(m: CertificateModel): string {
  const body = [header(m), crashes(m), identity(m), verdictTable(m), findings(m), timing(m), footprint(m), caseDetails(m)].filter((s) => s !== '');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Conformance certificate: ${e(m.target.name)}</title>
<style>${STYLE}</style></head>
<body><main>
${body.join('\n')}
<footer>Generated by ${e(m.summary.tool.name)} ${e(m.summary.tool.version)} from summary.json (schema ${m.summary.schemaVersion}). Outcomes: fail = device defect, broken = no verdict (harness or link trouble), unsupported = the target lacks the feature.</footer>
</main></body></html>
`;
}
