/**
 * The certificate in a real browser: headless Chromium (Debian package `chromium`) parses the page
 * of a device whose strings try to be markup, and must find the verdict table and no script or
 * image element; a screenshot is kept under reports/test-artifacts/ for people to look at; and a
 * certificate's case link opens that case in the single-file Allure report, from the file system.
 * Every browser process is bounded by a timeout and killed with its whole process group.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { writeAllureResultFromRecord } from '../../../src/reporting/allure-missing.ts';
import { writeCertificates } from '../../../src/reporting/certificate/certificate.ts';
import { readSummaryFile } from '../../../src/reporting/certificate/summary-file.ts';
import { CHROMIUM, runHeadlessChromium, type BrowserRun } from './headless-chromium.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = join(ROOT, 'reports', 'test-artifacts');
const BROWSER_TIMEOUT_MS = 45_000;

const browser = CHROMIUM;
const work = mkdtempSync(join(tmpdir(), 'certificate-chromium-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The shared bounded browser run, with this file's throw-away profile. */
function runBrowser(args: string[], timeoutMs = BROWSER_TIMEOUT_MS): Promise<BrowserRun> {
  return runHeadlessChromium(args, join(work, 'profile'), timeoutMs);
}

function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.skipIf(browser === undefined)('certificate in headless Chromium (Debian package chromium)', () => {
  const summary = readSummaryFile(join(ROOT, 'test/fixtures/summaries/hostile-device.json'));
  const [page] = writeCertificates(summary, work);
  const url = pathToFileURL(page!).href;

  it('parses to the verdict table, the findings and the escaped device text, with no script or image element', { timeout: 60_000 }, async () => {
    const r = await runBrowser(['--dump-dom', url]);
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    const dom = r.stdout;
    expect(dom).toContain('<table id="verdicts">');
    expect(dom).toContain('<table id="findings">');
    expect(dom).toContain('Conformance certificate: board &lt;"&amp;"&gt;');
    expect(dom).toContain('Zephyr &lt;script&gt;alert("os")&lt;/script&gt;');
    expect(dom).not.toMatch(/<script\b/i);
    expect(dom).not.toMatch(/<img\b/i);
    expect(dom).not.toMatch(/<b>/i);
    expect(dom).toMatch(/<svg [^>]*class="latency"/);
  });

  it('renders to a screenshot kept as reports/test-artifacts/certificate-hostile-device.png', { timeout: 60_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'certificate-hostile-device.png');
    rmSync(shot, { force: true });
    const r = await runBrowser(['--hide-scrollbars', '--window-size=1200,2600', `--screenshot=${shot}`, url]);
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(pngSize(readFileSync(shot))).toEqual({ width: 1200, height: 2600 });
  });

  it('a case link in the certificate opens that case on that target in the Allure report', { timeout: 480_000 }, async () => {
    const dir = join(work, 'reports');
    mkdirSync(dir, { recursive: true });
    const fixture = join(ROOT, 'test/fixtures/summaries/current.json');
    cpSync(fixture, join(dir, 'summary.json'));
    for (const t of readSummaryFile(fixture).targets) {
      for (const c of t.cases) {
        const base = { protocol: 'smp', group: 'os', command: '', requirement: '', stimulus: '', suite: 'smp/os' };
        writeAllureResultFromRecord(join(dir, 'allure-results'), { ...c, ...base }, { name: t.name, transport: t.transport });
      }
    }
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    expect(await main(['report', dir], quiet)).toBe(0);
    const certificate = readFileSync(join(dir, 'board-udp', 'certificate.html'), 'utf8');
    const href = /<a href="([^"]+)"><code>SMP-OS-ECHO-002<\/code><\/a>/.exec(certificate)?.[1];
    expect(href).toMatch(/^\.\.\/allure-report\/index\.html#\/[0-9a-f]{32}$/);
    const page = new URL(href!, pathToFileURL(join(dir, 'board-udp', 'certificate.html'))).href;
    // The Allure app is a large script that builds the page after load; --dump-dom takes the DOM
    // when the virtual-time budget runs out, which on a loaded machine can be before the app is
    // done, so the budget grows on each (bounded) attempt.
    let r = { code: null as number | null, stdout: '', stderr: '', timedOut: false };
    for (const budgetMs of [15_000, 40_000, 80_000]) {
      r = await runBrowser([`--virtual-time-budget=${budgetMs}`, '--dump-dom', page], 150_000);
      expect(r.timedOut, r.stderr).toBe(false);
      if (r.stdout.includes('SMP-OS-ECHO-002 echo of an empty string')) break;
    }
    // The case page: its full title, and the target and transport parameters of this run.
    expect(r.stdout).toContain('SMP-OS-ECHO-002 echo of an empty string returns an empty string');
    expect(r.stdout).toContain('>board<');
    expect(r.stdout).toContain('>udp<');
    expect(r.stdout).toContain('echo of "" answered with r = "x"');
  });
});
