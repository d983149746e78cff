/**
 * Child process of `collectRegisteredCases` (./collect-cases.ts): imports the suite files named on
 * the command line with registration only (`MGMT_LIST_ONLY=1`, no vitest), turns each declared
 * case into the `CaseRecord` vitest's collection would give, and sends `{ cases, problems }` to the
 * parent over IPC. The suites' modules live and die with this process.
 * Usage: node --import <hooks> collect-cases-child.ts <root> <suite file>...
 */
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initialMeta } from '../conformance/case-runner.ts';
import { registeredCasesInDeclarationOrder, type RegisteredCase } from '../conformance/registry.ts';
import { specUrl } from '../conformance/spec-registry.ts';
import { caseRecordFromTest, type CaseRecord } from '../reporting/index.ts';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The record vitest's collection gives a declared case (its meta crosses vitest's worker boundary as JSON). */
function recordOf(c: RegisteredCase, file: string): CaseRecord {
  const meta = JSON.parse(JSON.stringify({ conformance: initialMeta(c.info, c.suite, c.kind, specUrl(c.info.spec.doc, c.info.spec.section) ?? '') })) as unknown;
  return caseRecordFromTest({ name: `${c.info.id} ${c.info.title}`, meta, state: 'passed', errors: [], durationMs: 0, file });
}

async function collect(root: string, files: readonly string[]): Promise<{ cases: CaseRecord[]; problems: string[] }> {
  const cases: CaseRecord[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const rel = relative(root, file);
    try {
      await import(pathToFileURL(file).href);
    } catch (e) {
      problems.push(`${rel}: ${errorText(e)}`);
    }
    // A file that throws part-way still registered the suites before the throw, as vitest collects them.
    for (const c of registeredCasesInDeclarationOrder()) {
      if (seen.has(c.info.id)) continue;
      seen.add(c.info.id);
      cases.push(recordOf(c, rel));
    }
  }
  return { cases, problems };
}

const [root, ...files] = process.argv.slice(2);
process.env['MGMT_LIST_ONLY'] = '1';
const result = root === undefined ? { cases: [], problems: ['collect-cases-child: no root given'] } : await collect(root, files);
process.send?.(result, () => process.exit(0));
