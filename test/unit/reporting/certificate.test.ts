/**
 * Certificates: grouping and verdicts, security findings derived from case outcomes, and escaping
 * of everything a device can say (HTML and Markdown), on a fixture whose device strings try to be
 * markup.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateModel, writeCertificates } from '../../../src/reporting/certificate/certificate.ts';
import { escapeHtml, escapeMarkdown } from '../../../src/reporting/certificate/escape.ts';
import { securityFindings } from '../../../src/reporting/certificate/findings.ts';
import { renderCertificateHtml } from '../../../src/reporting/certificate/html.ts';
import { renderCertificateMarkdown } from '../../../src/reporting/certificate/markdown.ts';
import { groupCases, percentile, timingOf, verdictOf } from '../../../src/reporting/certificate/model.ts';
import { readSummaryFile, targetKeys, type SummaryTarget } from '../../../src/reporting/certificate/summary-file.ts';
import { latencySvg } from '../../../src/reporting/certificate/svg-latency.ts';
import type { CaseSummary } from '../../../src/reporting/summary.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/summaries');
const hostile = readSummaryFile(join(fixtures, 'hostile-device.json'));
const hostileTarget = hostile.targets[0]!;
const current = readSummaryFile(join(fixtures, 'current.json'));
const work = mkdtempSync(join(tmpdir(), 'certificate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const c = (id: string, outcome: CaseSummary['outcome'], level: CaseSummary['level'] = 'MUST'): CaseSummary => ({ id, title: id, level, outcome, durationMs: 1, message: '', spec: 's §1' });

describe('certificate model', () => {
  it('groups cases by protocol and group with counts per level', () => {
    const groups = groupCases([c('SMP-OS-ECHO-001', 'pass'), c('SMP-OS-INFO-001', 'fail', 'SHOULD'), c('SMP-IMG-UPLOAD-001', 'unsupported'), c('LWM2M-REG-001', 'broken')]);
    expect(groups.map((g) => `${g.protocol}/${g.group}:${g.verdict}`)).toEqual(['LWM2M/REG:fail', 'SMP/IMG:not-applicable', 'SMP/OS:pass-with-deviations']);
    const os = groups[2]!;
    expect(os.levels.MUST).toEqual({ total: 1, passed: 1, failed: 0, unsupported: 0 });
    expect(os.levels.SHOULD).toEqual({ total: 1, passed: 0, failed: 1, unsupported: 0 });
    expect(os.levels.MAY.total).toBe(0);
  });

  it('a MUST failure or a run error fails the target; SHOULD failures are deviations', () => {
    expect(verdictOf([c('A-B-1', 'pass'), c('A-B-2', 'informational', 'MAY')])).toBe('pass');
    expect(verdictOf([c('A-B-1', 'pass'), c('A-B-2', 'fail', 'MAY')])).toBe('pass-with-deviations');
    expect(verdictOf([c('A-B-1', 'broken')])).toBe('fail');
    expect(verdictOf([c('A-B-1', 'pass')], 'target could not be started')).toBe('fail');
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(timingOf([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, max: 3 });
    expect(timingOf([])).toEqual({ count: 0, p50: 0, p95: 0, max: 0 });
  });

  it('gives each target a unique, path-safe folder name', () => {
    expect(targetKeys([{ name: 'sim', transport: 'udp' }, { name: 'sim', transport: 'serial' }, { name: 'a/../b', transport: 'udp' }])).toEqual(['sim-udp', 'sim-serial', 'a_.._b']);
    expect(targetKeys([{ name: '..', transport: 'udp' }])).toEqual(['_']);
  });
});

describe('latency plot', () => {
  const rows = [
    { name: 'smp/os/echo', count: 10, p50: 2, p95: 9, max: 12 },
    { name: 'a<b>&"c"', count: 3, p50: 100, p95: 900, max: 2500 },
  ];
  const svg = latencySvg(rows, 'latency per command');

  it('draws one bar per row, with median, 95th percentile and maximum in order on a log axis', () => {
    expect(svg.match(/<rect /g)).toHaveLength(2);
    const num = (re: RegExp): number[] => [...svg.matchAll(re)].map((m) => Number(m[1]));
    const barEnds = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]) + Number(m[2]));
    const whiskers = [...svg.matchAll(/<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)" y2="[\d.]+" class="p95"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const maxTicks = num(/<line x1="([\d.]+)" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" class="max"/g);
    rows.forEach((_, i) => {
      expect(whiskers[i]![0]).toBeCloseTo(barEnds[i]!, 0);
      expect(whiskers[i]![1]).toBeGreaterThan(whiskers[i]![0]!);
      expect(maxTicks[i]).toBeGreaterThan(whiskers[i]![1]!);
    });
    // Decades from 1 ms to 10 s: 5 grid lines, labelled.
    expect(svg.match(/class="grid"/g)).toHaveLength(5);
    expect(svg).toContain('>1 ms<');
    expect(svg).toContain('>10 s<');
  });

  it('escapes row names and draws nothing for no rows', () => {
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(svg).not.toContain('a<b>');
    expect(latencySvg([], 'empty')).toBe('');
  });
});

describe('security findings', () => {
  it('derives each finding from case outcomes and names its cases', () => {
    const byId = new Map(securityFindings(hostileTarget).map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(['corrupt-image-accepted', 'lwm2m-nosec', 'unauthenticated-fs', 'unauthenticated-image-upload', 'unauthenticated-shell', 'unsigned-image-stored'].sort());
    expect(byId.get('corrupt-image-accepted')!.caseIds).toEqual(['SMP-IMG-DFU-101']);
    expect(byId.get('lwm2m-nosec')!.caseIds).toEqual(['LWM2M-REG-001']);
    const shellIds = hostileTarget.cases.filter((x) => x.id.startsWith('SMP-SHELL-') && x.outcome === 'pass').map((x) => x.id);
    expect(byId.get('unauthenticated-shell')!.caseIds).toEqual(shellIds);
  });

  it('a corrupt image taken in under a SHOULD case (nonStrict) is the same finding as under a MUST case', () => {
    const cases = hostileTarget.cases.map((x) => (x.id === 'SMP-IMG-DFU-101' ? { ...x, outcome: 'pass' as const } : x));
    const withShould: SummaryTarget = { ...hostileTarget, cases: [...cases, { ...cases.find((x) => x.id === 'SMP-IMG-DFU-101')!, id: 'SMP-IMG-UPLOAD-007', outcome: 'nonStrict' as const }] };
    const found = securityFindings(withShould).find((f) => f.id === 'corrupt-image-accepted');
    expect(found?.caseIds).toEqual(['SMP-IMG-UPLOAD-007']);
  });

  it('a serial target has no over-IP findings; groups the target did not answer give none', () => {
    const serial: SummaryTarget = { ...hostileTarget, transport: 'serial', identity: {} };
    expect(securityFindings(serial).map((f) => f.id).sort()).toEqual(['corrupt-image-accepted', 'unsigned-image-stored']);
    const quiet: SummaryTarget = { ...hostileTarget, cases: hostileTarget.cases.map((x) => ({ ...x, outcome: 'unsupported' as const })) };
    expect(securityFindings(quiet)).toEqual([]);
  });
});

describe('certificate escaping', () => {
  it('escapeHtml turns markup, quotes, ampersands and control characters into text', () => {
    expect(escapeHtml('<script>alert("x")</script>')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`a & b 'c'`)).toBe('a &amp; b &#39;c&#39;');
    expect(escapeHtml('bell\u0007 esc\u001b[31m nul\u0000 c1\u0085 del\u007f')).toBe('bell\\x07 esc\\x1b[31m nul\\x00 c1\\x85 del\\x7f');
    expect(escapeHtml('tab\tnew\nline')).toBe('tab\tnew\nline');
  });

  it('escapeMarkdown keeps a cell one cell and text plain', () => {
    expect(escapeMarkdown('a | b')).toBe('a \\| b');
    expect(escapeMarkdown('`rm -rf`')).toBe('\\`rm -rf\\`');
    expect(escapeMarkdown('[x](http://e) *b* _i_ ~s~')).toBe('\\[x\\](http://e) \\*b\\* \\_i\\_ \\~s\\~');
    expect(escapeMarkdown('<b>&</b>\nnext\\')).toBe('&lt;b&gt;&amp;&lt;/b&gt; next\\\\');
  });

  const html = renderCertificateHtml(certificateModel(hostile, hostileTarget));

  it('the HTML has no element, attribute or script from the device', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]*\bon(error|load)=/i);
    expect(html).not.toContain('<b>');
    expect(html).toContain('Zephyr &lt;script&gt;alert(&quot;os&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39; \\x1b[31mred\\x00');
    expect(html).toContain('MCUboot&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;svg onload=alert(2)&gt;');
    expect(html).toContain('urn:dev:&lt;script&gt;ep&lt;/script&gt;');
    // No control character reaches the page.
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('the HTML is self-contained: nothing fetched, no script', () => {
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  const markdown = renderCertificateMarkdown(certificateModel(hostile, hostileTarget));

  it('every Markdown table row has as many cells as its header', () => {
    const lines = markdown.split('\n');
    const cells = (line: string): number => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 2;
    let header = -1;
    let rows = 0;
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith('|')) {
        header = -1;
        continue;
      }
      if (header < 0) header = cells(line);
      else expect(cells(line), `line ${i + 1}: ${line}`).toBe(header);
      rows++;
    }
    expect(rows).toBeGreaterThan(100);
  });

  it('the Markdown has no device-made code span, link, emphasis or HTML', () => {
    const unescaped = (ch: string): RegExp => new RegExp(`(^|[^\\\\])(\\\\\\\\)*\\${ch}`);
    // Only the replay command is a code span of ours; links only the ones we make.
    const withoutOurs = markdown.replace('`mgmt-conformance run --seed 1234567`', '');
    expect(withoutOurs).not.toMatch(unescaped('`'));
    expect(markdown).not.toMatch(/<[a-z/]/i);
    expect(markdown).not.toMatch(unescaped('['));
    expect(markdown).toContain('1.0.0\\|&lt;b&gt;bold&lt;/b&gt;');
    expect(markdown).toContain('echo \\`returns\\` the \\| string &lt;i&gt;it&lt;/i&gt; was sent');
    expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('certificate content', () => {
  const html = renderCertificateHtml(certificateModel(hostile, hostileTarget, { index: '../allure-report/index.html', cases: new Map([['SMP-OS-ECHO-001', '../allure-report/index.html#/abc']]) }));

  it('shows identity, verdicts, findings, timing plot, footprint, crashes, seed and Allure links', () => {
    expect(html).toContain('<span class="verdict v-fail">FAIL</span>');
    expect(html).toMatch(/<table id="verdicts">.*<td>LWM2M<\/td>/s);
    expect(html).toContain('LwM2M in NoSec mode');
    expect(html).toMatch(/<svg [^>]*aria-label="latency per command"/);
    expect(html).toContain('<td>smp/os/echo</td><td class="n">200</td><td class="n">2.10</td><td class="n">9.00</td><td class="n">12.00</td>');
    expect(html).toContain('<td>zephyr.elf</td><td class="n">201024</td><td class="n">39000</td>');
    expect(html).toContain('HardFault at 0x0800&lt;script&gt;1f2&lt;/script&gt;');
    expect(html).toContain('<code>mgmt-conformance run --seed 1234567</code>');
    expect(html).toContain('<a href="../allure-report/index.html#/abc"><code>SMP-OS-ECHO-001</code></a>');
    expect(html).toContain('seed 42');
  });

  it('writes certificate.html and .md per target into a folder per target', () => {
    const written = writeCertificates(current, work);
    expect(written.map((p) => p.slice(work.length + 1)).sort()).toEqual(['board-serial/certificate.html', 'board-serial/certificate.md', 'board-udp/certificate.html', 'board-udp/certificate.md']);
    expect(readFileSync(join(work, 'board-udp', 'certificate.md'), 'utf8')).toContain('| SMP | OS |');
  });
});
