/**
 * Case collection from the registry (a child process importing the suites with registration only)
 * gives the same records as vitest's collection, in the same order; a suite file that throws on
 * import is reported as a problem, as vitest reports it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectRegisteredCases } from '../../../src/cli/collect-cases.ts';
import { collectConformanceCases, collectConformanceCasesWithVitest, openVitest, PACKAGE_ROOT } from '../../../src/cli/run-vitest.ts';
import { caseRecordFromTest, type CaseRecord } from '../../../src/reporting/index.ts';
import { finishedFromTestCase } from '../../../src/reporting/vitest-reporters.ts';

const fixtureRoot = resolve(import.meta.dirname, '../../fixtures/conformance-project');
const work = mkdtempSync(join(tmpdir(), 'collect-cases-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DEFINE_SUITE = JSON.stringify(join(PACKAGE_ROOT, 'src/conformance/index.ts'));

/**
 * vitest's collection of `root`, its files taken in path order: vitest orders files by its own
 * run statistics, the registry by path; within a file both follow the declarations.
 */
async function vitestCasesInPathOrder(root: string): Promise<CaseRecord[]> {
  const vitest = await openVitest(root, []);
  try {
    const modules = [...(await vitest.collect()).testModules].sort((a, b) => (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
    return modules.flatMap((m) => [...m.children.allTests()].map((t) => caseRecordFromTest({ ...finishedFromTestCase(t, root), state: 'passed', errors: [] })));
  } finally {
    await vitest.close();
  }
}

/** A project with one good suite file (two cases) and one that throws while loading. */
function projectWithBrokenSuite(): string {
  const root = join(work, 'project');
  mkdirSync(join(root, 'suites/smp'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'vitest.config.ts'), "export default { test: { projects: [{ test: { name: 'conformance', include: ['suites/**/*.suite.ts'] } }] } };\n");
  const spec = "{ doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' }";
  const decl = (id: string, title: string): string =>
    `  s.case({ id: '${id}', title: '${title}', level: 'MUST', spec: ${spec}, stimulus: 'Echo.', requirement: 'An answer.', requires: ['smp.os.echo'], story: 'echo', async run() {} });\n`;
  writeFileSync(
    join(root, 'suites/smp/good.suite.ts'),
    `import { defineSuite } from ${DEFINE_SUITE};\ndefineSuite({ id: 'tmp/echo', protocol: 'SMP', feature: 'os', title: 'Echo' }, (s) => {\n${decl('TMP-ECHO-002', 'second')}${decl('TMP-ECHO-001', 'first')}});\n`,
  );
  writeFileSync(join(root, 'suites/broken.suite.ts'), "throw new Error('this suite file failed to load');\n");
  return root;
}

describe('case collection from the registry', { timeout: 120_000 }, () => {
  it('gives the same records in the same order as vitest for the package suites', async () => {
    const fromRegistry = await collectConformanceCases(PACKAGE_ROOT);
    const fromVitest = await vitestCasesInPathOrder(PACKAGE_ROOT);
    expect(fromVitest.length).toBeGreaterThan(250);
    expect(fromRegistry.problems).toEqual([]);
    expect(fromRegistry.cases).toEqual(fromVitest);
  });

  it('collects the fixture project (plain vitest tests, no registry) as vitest does', async () => {
    const collected = await collectConformanceCases(fixtureRoot);
    expect(collected.cases.map((c) => c.id)).toContain('FIX-OS-001');
    expect(collected).toEqual(await collectConformanceCasesWithVitest(fixtureRoot));
  });

  it('reports a suite file that throws on import and keeps the cases of the others', async () => {
    const root = projectWithBrokenSuite();
    const fromRegistry = await collectRegisteredCases(root);
    expect(fromRegistry.problems).toEqual(['suites/broken.suite.ts: this suite file failed to load']);
    expect(fromRegistry.cases.map((c) => c.id)).toEqual(['TMP-ECHO-002', 'TMP-ECHO-001']);
    // Only one file has cases, so vitest's file order does not matter here.
    expect(fromRegistry).toEqual(await collectConformanceCasesWithVitest(root));
  });
});
