/**
 * The certificate of a real run against a device whose self-description is markup: the
 * simulator with fault `os-info-script` puts `<script>`, `<img onerror>`, Markdown links and
 * table pipes into its os info, bootloader name and shell output. The run goes through the real
 * CLI; the certificate written from its summary.json must show every device string as text:
 * no element, attribute or link of the device's making in the HTML, no raw HTML or active
 * Markdown in the .md, and, in headless Chromium, a DOM without script or image elements. A
 * screenshot is kept as reports/test-artifacts/certificate-os-info-script.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCertificates } from '../../../src/reporting/certificate/certificate.ts';
import { escapeHtml, escapeMarkdown } from '../../../src/reporting/certificate/escape.ts';
import { readSummaryFile } from '../../../src/reporting/certificate/summary-file.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';
import { MARKUP_STRINGS } from '../../../src/simulator/hostile-faults.ts';
import { type CliRun, PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';
import { CHROMIUM, runHeadlessChromium } from './headless-chromium.ts';

const ARTIFACTS = join(PACKAGE_ROOT, 'reports', 'test-artifacts');
const CASES = '/^SMP-OS-(INFO-00[1-3]|BOOTINFO-00[1-2])$|^SMP-SHELL-EXEC-00[1-2]$/';
/** Elements the certificate itself is made of; anything else in the page came from somewhere else. */
const OWN_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'section', 'footer', 'h1', 'h2', 'h3', 'p', 'a', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'span', 'div', 'details', 'summary', 'small', 'strong', 'em', 'svg', 'g', 'path', 'line', 'rect', 'circle', 'text', 'polyline', 'title', 'dl', 'dt', 'dd', 'nav', 'br', 'caption', 'figure', 'figcaption', 'abbr', 'sup', 'pre']);

const work = mkdtempSync(join(tmpdir(), 'certificate-hostile-run-'));
let run: CliRun | undefined;
let summary: RunSummary | undefined;
let html = '';
let markdown = '';
let htmlPath = '';

/** Device strings with a character that means something to HTML. */
const ACTIVE_IN_HTML = Object.values(MARKUP_STRINGS).filter((v) => /[<>&"']/.test(v));

beforeAll(async () => {
  const out = join(work, 'run');
  run = await runCli(['run', '--target', 'sim', '--transport', 'udp', '--fault', 'os-info-script', '--grep', CASES, '--out', out, '--seed', '1'], 400_000);
  summary = readSummary(out);
  if (summary === undefined) return;
  const written = writeCertificates(readSummaryFile(join(out, 'summary.json')), join(work, 'certificates'));
  htmlPath = written.find((p) => p.endsWith('.html')) ?? '';
  html = readFileSync(htmlPath, 'utf8');
  markdown = readFileSync(written.find((p) => p.endsWith('.md')) ?? '', 'utf8');
}, 420_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('certificate of a run against a device whose strings are markup (fault os-info-script)', () => {
  it('the run carried the device strings into summary.json', () => {
    expect(summary, run?.stderr).toBeDefined();
    const identity = summary!.targets[0]!.identity as Record<string, unknown>;
    expect(identity['osInfo']).toContain(MARKUP_STRINGS.kernel);
    expect(identity['osInfo']).toContain(MARKUP_STRINGS.node);
    expect(identity['bootloader']).toBe(MARKUP_STRINGS.bootloader);
  });

  it('HTML: every device string shows escaped, none raw', () => {
    expect(html).toContain(escapeHtml(String((summary!.targets[0]!.identity as Record<string, unknown>)['osInfo'])));
    expect(html).toContain(escapeHtml(MARKUP_STRINGS.bootloader));
    for (const v of ACTIVE_IN_HTML) expect(html, v).not.toContain(v);
  });

  it('HTML: the only elements are the certificate\'s own, with no script, event handler or javascript: link', () => {
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
    expect(tags.filter((t) => !OWN_ELEMENTS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<script\b/i);
    // Inside a tag (between `<name` and `>`), never in text: attributes of the page's own making only.
    expect(html).not.toMatch(/<[a-zA-Z][^>]*\son\w+\s*=/);
    expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
  });

  it('Markdown: no raw HTML, links, code spans or cell breaks from the device', () => {
    expect(markdown).toContain(escapeMarkdown(MARKUP_STRINGS.bootloader));
    for (const v of Object.values(MARKUP_STRINGS)) expect(markdown, v).not.toContain(v);
    expect(markdown).not.toMatch(/<script|<img/i);
    // A link needs an unescaped `](`; the device's `\[link\](javascript:…)` stays text.
    expect(markdown).not.toMatch(/(?<!\\)\]\(javascript:/i);
  });

  describe.skipIf(CHROMIUM === undefined)('in headless Chromium (Debian package chromium)', () => {
    it('parses to a DOM with no script or image element and the device text as text', { timeout: 90_000 }, async () => {
      const r = await runHeadlessChromium(['--dump-dom', pathToFileURL(htmlPath).href], join(work, 'profile'));
      expect(r.timedOut, r.stderr).toBe(false);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('<table id="verdicts">');
      expect(r.stdout).not.toMatch(/<script\b/i);
      expect(r.stdout).not.toMatch(/<img\b/i);
      expect(r.stdout).not.toMatch(/<b>/i);
      expect(r.stdout).toContain(escapeHtml(MARKUP_STRINGS.kernel));
    });

    it('renders to a screenshot kept as reports/test-artifacts/certificate-os-info-script.png', { timeout: 90_000 }, async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'certificate-os-info-script.png');
      rmSync(shot, { force: true });
      const r = await runHeadlessChromium(['--hide-scrollbars', '--window-size=1200,1800', `--screenshot=${shot}`, pathToFileURL(htmlPath).href], join(work, 'profile'));
      expect(r.timedOut, r.stderr).toBe(false);
      expect(r.code, r.stderr).toBe(0);
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 1800]);
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    });
  });
});
