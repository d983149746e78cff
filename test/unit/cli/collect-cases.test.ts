/**
 * Case collection from the registry (a child process importing the suites with registration only)
 * gives the same records as vitest's collection, in the same order; a suite file that throws on
 * import is reported as a problem, as vitest reports it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { casesCacheFile, collectRegisteredCases } from '../../../src/cli/collect-cases.ts';
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

const SPEC = "{ doc: 'zephyr-smp-g0', section: 'Echo command', quote: 'Echo command responses by sending back string that it has received.' }";
const decl = (id: string, title: string): string =>
  `  s.case({ id: '${id}', title: '${title}', level: 'MUST', spec: ${SPEC}, stimulus: 'Echo.', requirement: 'An answer.', requires: ['smp.os.echo'], story: 'echo', async run() {} });\n`;

/** A project with one good suite file (two cases) and one that throws while loading. */
function projectWithBrokenSuite(): string {
  const root = join(work, 'project');
  mkdirSync(join(root, 'suites/smp'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'vitest.config.ts'), "export default { test: { projects: [{ test: { name: 'conformance', include: ['suites/**/*.suite.ts'] } }] } };\n");
  writeFileSync(
    join(root, 'suites/smp/good.suite.ts'),
    `import { defineSuite } from ${DEFINE_SUITE};\ndefineSuite({ id: 'tmp/echo', protocol: 'SMP', feature: 'os', title: 'Echo' }, (s) => {\n${decl('TMP-ECHO-002', 'second')}${decl('TMP-ECHO-001', 'first')}});\n`,
  );
  writeFileSync(join(root, 'suites/broken.suite.ts'), "throw new Error('this suite file failed to load');\n");
  return root;
}

describe('case collection from the registry', { timeout: 120_000 }, () => {
  it('gives the same records in the same order as vitest for the package suites, collected afresh and from the cache', async () => {
    const fresh = await collectRegisteredCases(PACKAGE_ROOT, { cache: false });
    const fromVitest = await vitestCasesInPathOrder(PACKAGE_ROOT);
    expect(fromVitest.length).toBeGreaterThan(250);
    expect(fresh.problems).toEqual([]);
    expect(fresh.cases).toEqual(fromVitest);
    // What `run` and `list` get: the kept collection, or a fresh one that is then kept.
    expect(await collectConformanceCases(PACKAGE_ROOT)).toEqual(fresh);
  });

  it('collects the fixture project (plain vitest tests, no registry) as vitest does', async () => {
    const collected = await collectConformanceCases(fixtureRoot);
    expect(collected.cases.map((c) => c.id)).toContain('FIX-OS-001');
    expect(collected).toEqual(await collectConformanceCasesWithVitest(fixtureRoot));
  });

  it('keeps a collection until a source changes, and never keeps one with problems', async () => {
    const root = join(work, 'cached');
    mkdirSync(join(root, 'suites/smp'), { recursive: true });
    const file = join(root, 'suites/smp/echo.suite.ts');
    const suite = (ids: string[]): string =>
      `import { defineSuite } from ${DEFINE_SUITE};\ndefineSuite({ id: 'tmp/echo', protocol: 'SMP', feature: 'os', title: 'Echo' }, (s) => {\n${ids.map((id) => decl(id, 'echo')).join('')}});\n`;
    writeFileSync(file, suite(['TMP-CACHE-001']));
    const first = await collectRegisteredCases(root);
    expect(first.cases.map((c) => c.id)).toEqual(['TMP-CACHE-001']);
    expect(existsSync(casesCacheFile(root))).toBe(true);
    // A kept answer is served as long as the stamp holds: overwrite it to see it come back.
    const kept = JSON.parse(readFileSync(casesCacheFile(root), 'utf8')) as { stamp: string; cases: CaseRecord[] };
    writeFileSync(casesCacheFile(root), JSON.stringify({ stamp: kept.stamp, cases: kept.cases.map((c) => ({ ...c, title: 'from the cache' })) }));
    expect((await collectRegisteredCases(root)).cases.map((c) => c.title)).toEqual(['from the cache']);
    // An edit to a suite file (new size and mtime) collects afresh.
    writeFileSync(file, suite(['TMP-CACHE-001', 'TMP-CACHE-002']));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await collectRegisteredCases(root)).cases.map((c) => c.id)).toEqual(['TMP-CACHE-001', 'TMP-CACHE-002']);
    // A suite file that fails to load: reported every time, never kept.
    writeFileSync(join(root, 'suites/broken.suite.ts'), "throw new Error('this suite file failed to load');\n");
    expect((await collectRegisteredCases(root)).problems).toEqual(['suites/broken.suite.ts: this suite file failed to load']);
    expect((await collectRegisteredCases(root)).problems).toEqual(['suites/broken.suite.ts: this suite file failed to load']);
    rmSync(casesCacheFile(root), { force: true });
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
