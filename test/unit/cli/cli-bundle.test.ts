/**
 * The prebuilt CLI bundle (scripts/build-cli.mjs, loaded by bin/mgmt-conformance.js): it prints
 * what the TypeScript sources print, and a bundle older than its sources is rebuilt, never run.
 * Each test runs a copy of the package in a temporary folder without the source-path load hook
 * (bin/ts-load-hooks.mjs), so a command there can only have run from a bundle.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runBin(bin: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: tmpdir(), timeout: 90_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A copy of what the bundle is built from, node_modules linked; no source-path load hook. */
function copyPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mgmt-cli-bundle-'));
  for (const part of ['src', 'suites', 'scripts', 'schema', 'package.json', 'tsconfig.json', 'bin/mgmt-conformance.js']) {
    cpSync(join(root, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const currentBuild = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'dist/cli/manifest.json'), 'utf8')) as { build: string }).build;

describe('CLI bundle', () => {
  let dir = '';
  let bundledBin = '';
  beforeAll(() => {
    dir = copyPackage();
    bundledBin = join(dir, 'bin/mgmt-conformance.js');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the same help, version and usage errors as the TypeScript sources', { timeout: 300_000 }, async () => {
    const cases = [
      [], ['--help'], ['--version'], ['nope'], ['run', '--help'], ['run', '--bogus'], ['list', '--help'], ['probe', '--help'],
      ['sim', '--help'], ['image', '--help'], ['image', 'upload', '--help'], ['image', 'upload', '--bogus'], ['image', 'list', '--help'],
      ['image', 'confirm', '--help'], ['reset', '--help'], ['targets', '--help'], ['footprint', '--help'], ['report', '--help'],
      ['replay', '--help'], ['merge', '--help'], ['diff', '--help'],
    ];
    // The first start builds the bundle; the rest run from it.
    expect((await runBin(bundledBin, ['--version'])).code).toBe(0);
    for (const args of cases) {
      const [bundled, source] = await Promise.all([runBin(bundledBin, args), runBin(join(root, 'bin/mgmt-conformance.js'), args, { MGMT_CONFORMANCE_FROM_SOURCE: '1' })]);
      expect({ args, ...bundled }).toEqual({ args, ...source });
    }
    expect((await runBin(bundledBin, ['run', '--help'])).stdout).toContain('Usage: mgmt-conformance run');
  });

  it('rebuilds when a source changed after the bundle was built, and runs the changed code', { timeout: 120_000 }, async () => {
    expect((await runBin(bundledBin, ['--help'])).code).toBe(0);
    const before = currentBuild(dir);
    const main = join(dir, 'src/cli/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Conformance harness for Zephyr device management', 'Edited harness description'));
    const edited = await runBin(bundledBin, ['--help']);
    expect(edited.stdout).toContain('Edited harness description');
    expect(currentBuild(dir)).not.toBe(before);
    // A file of the bundle that is deleted counts as changed too.
    const after = currentBuild(dir);
    rmSync(join(dir, 'src/cli/diff.ts'));
    const broken = await runBin(bundledBin, ['--help']);
    expect(broken.code).not.toBe(0);
    expect(currentBuild(dir)).toBe(after);
  });

  it('a suite file added after the build makes the next start rebuild, and the new build carries it', { timeout: 120_000 }, async () => {
    // The test before removed a source; put it back so the copy builds again.
    cpSync(join(root, 'src/cli/diff.ts'), join(dir, 'src/cli/diff.ts'));
    expect((await runBin(bundledBin, ['--version'])).code).toBe(0);
    const before = currentBuild(dir);
    const chunks = (build: string): string[] => readdirSync(join(dir, 'dist/cli', build)).filter((f) => f.startsWith('added.suite-') && f.endsWith('.js'));
    expect(chunks(before)).toEqual([]);
    mkdirSync(join(dir, 'suites/extra'), { recursive: true });
    writeFileSync(join(dir, 'suites/extra/added.suite.ts'), 'export const added = 1;\n');
    expect((await runBin(bundledBin, ['--version'])).code).toBe(0);
    const after = currentBuild(dir);
    expect(after).not.toBe(before);
    // The target-run process loads the bundled suites: the new file is one of them.
    expect(chunks(after)).toHaveLength(1);
  });
});
