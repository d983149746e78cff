/**
 * How a target-run process is started and what its vitest keeps: from the sources the child runs
 * the TypeScript entry through tsx; the CLI bundle carries its own plain-JavaScript entry of the
 * child; a case's Allure runtime messages leave its task meta once the reporters wrote it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCase } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { childArgv, TARGET_V8_FLAGS } from '../../../src/cli/run-parallel.ts';
import { PACKAGE_ROOT, releaseAllureMessages } from '../../../src/cli/run-vitest.ts';

const finished = (meta: Record<string, unknown>): TestCase => ({ task: { meta } }) as unknown as TestCase;

describe('target-run process entry', () => {
  it('from the sources: the V8 memory settings, the TypeScript entry through the tsx loader, then the job file', () => {
    const argv = childArgv('/tmp/job.json');
    expect(argv.slice(0, TARGET_V8_FLAGS.length)).toEqual(['--optimize-for-size', '--heap-growing-percent=20']);
    const rest = argv.slice(TARGET_V8_FLAGS.length);
    expect(rest[0]).toBe('--import');
    expect(rest[1]).toMatch(/tsx/);
    expect(rest.slice(2)).toEqual([join(PACKAGE_ROOT, 'src/cli/run-child.ts'), '/tmp/job.json']);
  });

  it('the CLI bundle holds a run-child.js entry beside main.js', { timeout: 120_000 }, () => {
    // The first start after a source change rebuilds the bundle.
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'bin/mgmt-conformance.js'), '--version']);
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist/cli/manifest.json'), 'utf8')) as { build: string };
    const entry = join(PACKAGE_ROOT, 'dist/cli', manifest.build, 'run-child.js');
    expect(existsSync(entry)).toBe(true);
    expect(readFileSync(entry, 'utf8')).toContain('runChildJob');
  });
});

describe('releaseAllureMessages', () => {
  it('drops the messages of a case the Allure reporter wrote, and keeps the rest of its meta', () => {
    const meta: Record<string, unknown> = { conformanceAllure: true, allureRuntimeMessages: [{ type: 'attachment_content' }], conformance: { id: 'X-1' } };
    releaseAllureMessages.onTestCaseResult!(finished(meta));
    expect(meta).toEqual({ conformanceAllure: true, conformance: { id: 'X-1' } });
  });

  it('keeps the messages of a test the Allure reporter did not decorate', () => {
    const meta: Record<string, unknown> = { allureRuntimeMessages: [{ type: 'attachment_content' }] };
    releaseAllureMessages.onTestCaseResult!(finished(meta));
    expect(meta['allureRuntimeMessages']).toHaveLength(1);
  });
});
