/**
 * `mgmt-conformance report`: a real single-file Allure render (the `allure` package, no Java) of results
 * written in Allure's format, certificates linking into it, and the failure paths (no results:
 * certificates still written, exit 1; no summary: exit 2).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { writeAllureResultFromRecord } from '../../../src/reporting/allure-missing.ts';
import type { CaseRecord } from '../../../src/reporting/case-record.ts';
import { readSummaryFile } from '../../../src/reporting/certificate/summary-file.ts';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/summaries/current.json');
const work = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A reports folder holding the fixture summary and, if asked, Allure results for its cases. */
function reportsDir(name: string, withResults: boolean): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE, join(dir, 'summary.json'));
  if (withResults) {
    for (const t of readSummaryFile(FIXTURE).targets) {
      for (const c of t.cases) {
        const [, group = ''] = c.id.split('-');
        const record: CaseRecord = { ...c, protocol: 'smp', group: group.toLowerCase(), command: '', requirement: '', stimulus: '', suite: `smp/${group.toLowerCase()}` };
        writeAllureResultFromRecord(join(dir, 'allure-results'), record, { name: t.name, transport: t.transport });
      }
    }
  }
  return dir;
}

describe('mgmt-conformance report', () => {
  it('renders the Allure report and certificates whose case links open that case', { timeout: 240_000 }, async () => {
    const dir = reportsDir('full', true);
    const r = await cli(['report', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Allure report: ${join(dir, 'allure-report', 'index.html')}`);
    expect(r.stdout).toContain(`Certificate: ${join(dir, 'board-udp', 'certificate.html')}`);
    expect(r.stdout).toContain(`Certificate: ${join(dir, 'board-serial', 'certificate.md')}`);
    const html = readFileSync(join(dir, 'board-udp', 'certificate.html'), 'utf8');
    const link = /<a href="\.\.\/allure-report\/index\.html#\/([0-9a-f]+)"><code>SMP-OS-ECHO-002<\/code><\/a>/.exec(html);
    expect(link, 'case link into the Allure report').not.toBeNull();
    // The linked result is that case on that target: the id of the result file written for it.
    const files = readdirSync(join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    const written = files.map((f) => JSON.parse(readFileSync(join(dir, 'allure-results', f), 'utf8')) as { uuid: string; name: string; parameters: { name: string; value: string }[] });
    const echoUdp = written.find((w) => w.name.startsWith('SMP-OS-ECHO-002 ') && w.parameters.some((p) => p.name === 'transport' && p.value === 'udp'))!;
    expect(link![1]).toBe(createHash('md5').update(echoUdp.uuid).digest('hex'));
    // …and the rendered report holds a result under that id with that name, in its one HTML file.
    const byId = (JSON.parse(readFileSync(join(dir, 'allure-report', 'test-results.json'), 'utf8')) as { byId: Record<string, { name: string }> }).byId;
    expect(byId[link![1]!]?.name).toBe(echoUdp.name);
    expect(readFileSync(join(dir, 'allure-report', 'index.html'), 'utf8')).toContain(`data/test-results/${link![1]}.json`);
  });

  it('without Allure results: certificates still written, the reason named, exit 1', async () => {
    const dir = reportsDir('no-results', false);
    const r = await cli(['report', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the Allure report was not rendered: no Allure results at ${join(dir, 'allure-results')}`);
    expect(existsSync(join(dir, 'board-udp', 'certificate.html'))).toBe(true);
    expect(readFileSync(join(dir, 'board-udp', 'certificate.html'), 'utf8')).not.toContain('allure-report');
  });

  it('--no-allure writes only the certificates; a folder without summary.json exits 2', async () => {
    const dir = reportsDir('certificates-only', false);
    expect((await cli(['report', '--no-allure', dir])).code).toBe(0);
    expect(existsSync(join(dir, 'board-serial', 'certificate.md'))).toBe(true);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const r = await cli(['report', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty}: no summary.json here or in a sub-folder`);
  });
});
