/**
 * `run --shard I/N` and `merge` on the fixture project: two shards (vitest's own sharding, blob
 * reports) merged give the unsharded run's case set, verdicts, JUnit test cases and Allure
 * results.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../../../src/cli/merge.ts';
import { runCommand, type RunDependencies } from '../../../src/cli/run.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';

const root = resolve(import.meta.dirname, '../../fixtures/conformance-project');
const work = mkdtempSync(join(tmpdir(), 'run-shard-'));
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

const deps: Partial<RunDependencies> = {
  root,
  knownFaults: [],
  randomSeed: () => 4242,
  isTty: false,
  prepare: async (plan) => ({ smp: plan.target.smp ?? 'udp://127.0.0.1:9', stop: async () => undefined }),
};
const quiet = { stdout: () => undefined, stderr: () => undefined };

function verdicts(out: string): string[] {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(checkSummary(summary)).toEqual([]);
  return summary.targets.flatMap((t) => t.cases.map((c) => `${t.name}/${t.transport} ${c.id} ${c.outcome}`)).sort();
}

function junitCases(out: string): string[] {
  const xml = readFileSync(join(out, 'junit-smp.xml'), 'utf8');
  return [...xml.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]!).sort();
}

function allureCases(out: string): string[] {
  const dir = join(out, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string; status: string; labels: { name: string }[] };
      return `${r.name} ${r.status} ${r.labels.some((l) => l.name === 'epic')}`;
    })
    .sort();
}

describe('sharded run and merge', { timeout: 150_000 }, () => {
  it('two shards merged equal the unsharded run', async () => {
    const args = ['--smp', 'udp://127.0.0.1:9', '--seed', '7'];
    const whole = join(work, 'whole');
    const shards = [join(work, 'shard1'), join(work, 'shard2')];
    expect(await runCommand([...args, '--out', whole], quiet, deps)).toBe(0);
    expect(await runCommand([...args, '--shard', '1/2', '--out', shards[0]!], quiet, deps)).toBe(0);
    expect(await runCommand([...args, '--shard', '2/2', '--out', shards[1]!], quiet, deps)).toBe(0);
    // Each shard ran a part, none all of it.
    const parts = shards.map(verdicts);
    expect(parts.every((p) => p.length > 0 && p.length < verdicts(whole).length)).toBe(true);
    const merged = join(work, 'merged');
    let stdout = '';
    expect(await mergeCommand(['--out', merged, ...shards], { stdout: (t) => (stdout += t), stderr: () => undefined }, root)).toBe(0);
    expect(stdout).toContain(`Merged 2 shard(s) into ${merged}`);
    expect(verdicts(merged)).toEqual(verdicts(whole));
    expect(junitCases(merged)).toEqual(junitCases(whole));
    expect(allureCases(merged)).toEqual(allureCases(whole));
    const summary = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.shard).toBeUndefined();
    expect(summary.targets[0]!.identity).toMatchObject({ bootloader: 'MCUboot' });
  });

  it('merges shards run in different checkouts (absolute paths in the blobs differ)', async () => {
    // A second checkout of the project at another path, as on another CI machine.
    const elsewhere = join(work, 'elsewhere', 'conformance-project');
    mkdirSync(join(work, 'elsewhere'), { recursive: true });
    cpSync(root, elsewhere, { recursive: true, filter: (from) => !from.includes('node_modules') });
    symlinkSync(resolve(import.meta.dirname, '../../../node_modules'), join(elsewhere, 'node_modules'));
    writeFileSync(join(elsewhere, 'package.json'), '{ "type": "module" }\n');
    const args = ['--smp', 'udp://127.0.0.1:9', '--seed', '7'];
    const shards = [join(work, 'far1'), join(work, 'far2')];
    expect(await runCommand([...args, '--shard', '1/2', '--out', shards[0]!], quiet, { ...deps, root: elsewhere })).toBe(0);
    expect(await runCommand([...args, '--shard', '2/2', '--out', shards[1]!], quiet, deps)).toBe(0);
    expect(readFileSync(join(shards[0]!, 'blobs', 'smp', 'shard-1-of-2.blob'), 'utf8')).toContain(elsewhere);
    const merged = join(work, 'far-merged');
    expect(await mergeCommand(['--out', merged, ...shards], quiet, root)).toBe(0);
    const whole = join(work, 'whole-again');
    expect(await runCommand([...args, '--out', whole], quiet, deps)).toBe(0);
    expect(verdicts(merged)).toEqual(verdicts(whole));
    expect(junitCases(merged)).toEqual(junitCases(whole));
    expect(allureCases(merged)).toEqual(allureCases(whole));
    // Nothing in the merged reports points into the other checkout.
    const dir = join(merged, 'allure-results');
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(elsewhere);
  });

  it('refuses folders that are not shards, and shards of different seeds', async () => {
    await expect(mergeCommand(['--out', join(work, 'm2'), join(work, 'whole')], quiet, root)).rejects.toThrow(/blobs: missing: not the report folder of a `run --shard I\/N`/);
    await expect(mergeCommand([], quiet, root)).rejects.toThrow(/needs the report folders/);
  });
});
