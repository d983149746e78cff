/**
 * `mgmt-conformance report [DIR]`: render the Allure HTML report from `DIR/allure-results` (the
 * `allure` package, no Java; one self-contained HTML file) and a certificate per target for each summary.json found (`DIR` and
 * its direct sub-folders), then print where they are. Certificates are written even when the
 * Allure render fails; that failure is named and the exit code is 1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { InputFileError } from '../errors.ts';
import { allureLinksFor, readAllureResultIds } from '../reporting/certificate/allure-links.ts';
import { writeCertificates } from '../reporting/certificate/certificate.ts';
import { readSummaryFile } from '../reporting/certificate/summary-file.ts';
import { type CliIo, formatFlagHelp, integerFlag, parseFlags } from './args.ts';

const FLAGS = {
  'allure-timeout': { type: 'string', valueName: 'S', description: 'stop the Allure render after this many seconds (default 180)' },
  'no-allure': { type: 'boolean', description: 'write only the certificates' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

const HELP = `Usage: mgmt-conformance report [options] [DIR]

Render the Allure HTML report from DIR/allure-results into DIR/allure-report,
and a certificate per target (<target>/certificate.html and .md, next to each
summary.json found in DIR or its sub-folders). DIR defaults to reports/.
Exit code: 0, 1 when the Allure render failed (certificates are still written),
2 when DIR holds no valid summary.json.

Options:
${formatFlagHelp(FLAGS)}
`;

/** Where the allure command line lives (the package exports only its config API). */
function allureCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
}

/** Render the Allure report (one HTML file); resolves to an error text, or undefined when it worked. */
export function renderAllure(resultsDir: string, reportDir: string, timeoutMs: number): Promise<string | undefined> {
  if (!existsSync(resultsDir)) return Promise.resolve(`no Allure results at ${resultsDir} (run 'mgmt-conformance run' first)`);
  return new Promise((done) => {
    // One self-contained index.html: it opens from the file system, no server needed.
    const args = [allureCli(), 'awesome', resultsDir, '--single-file', '--output', reportDir, '--name', 'mgmt-conformance'];
    const child = spawn(process.execPath, args, { cwd: dirname(resultsDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done(`allure could not start: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = output.trim().split('\n').slice(-3).join(' / ');
      if (signal !== null) done(`allure awesome stopped after ${Math.round(timeoutMs / 1000)} s (${signal})`);
      else done(code === 0 ? undefined : `allure awesome exited with ${code}${last ? `: ${last}` : ''}`);
    });
  });
}

/** summary.json files in `dir` and its direct sub-folders. */
function findSummaries(dir: string): string[] {
  const found = existsSync(join(dir, 'summary.json')) ? [join(dir, 'summary.json')] : [];
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, 'summary.json'))) found.push(join(dir, entry.name, 'summary.json'));
  }
  return found;
}

/** Run `report`; returns the exit code. */
export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('report', argv, FLAGS, 1);
  if (flags.help) {
    io.stdout(HELP);
    return 0;
  }
  const dir = resolve(positionals[0] ?? 'reports');
  const timeoutS = flags['allure-timeout'] !== undefined ? integerFlag('report', 'allure-timeout', flags['allure-timeout'], 1, 3600) : 180;
  const summaries = findSummaries(dir);
  if (summaries.length === 0) throw new InputFileError(dir, 'no summary.json here or in a sub-folder (run \'mgmt-conformance run\' first)');
  const parsed = summaries.map((path) => ({ path, summary: readSummaryFile(path) }));
  const reportDir = join(dir, 'allure-report');
  const allureError = flags['no-allure'] ? undefined : await renderAllure(join(dir, 'allure-results'), reportDir, timeoutS * 1000);
  const rendered = !flags['no-allure'] && allureError === undefined;
  const ids = rendered ? readAllureResultIds(join(dir, 'allure-results')) : new Map<string, Map<string, string>>();
  const lines: string[] = [];
  if (rendered) lines.push(`Allure report: ${join(reportDir, 'index.html')}`);
  for (const { path, summary } of parsed) {
    const written = writeCertificates(summary, dirname(path), (target, folder) => (rendered ? allureLinksFor(target, ids, reportDir, folder) : undefined));
    lines.push(...written.map((w) => `Certificate: ${w}`));
  }
  io.stdout(`${lines.join('\n')}\n`);
  if (allureError !== undefined) {
    io.stderr(`report: the Allure report was not rendered: ${allureError}\n`);
    return 1;
  }
  return 0;
}
