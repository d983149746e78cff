/**
 * Two simulator targets in one `run` (`--target a --target b`): each runs in its own target-run
 * process against its own simulator, and the run ends with one summary.json holding both, one
 * Allure result set with each case once per target, a JUnit file each and progress lines naming
 * each target.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/run.ts';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { RunSummary } from '../../../src/reporting/summary.ts';

const work = mkdtempSync(join(tmpdir(), 'run-two-sims-'));
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

describe('two simulator targets in parallel', { timeout: 150_000 }, () => {
  it('completes both, with merged summary, Allure results and per-target progress', async () => {
    const targets = join(work, 'targets.json');
    const sim = { kind: 'sim', sim: { transports: ['udp'] } };
    writeFileSync(targets, JSON.stringify({ schemaVersion: 1, defaultTarget: 'alpha', targets: { alpha: sim, beta: sim } }));
    const out = join(work, 'reports');
    let stdout = '';
    const code = await runCommand(
      ['--targets', targets, '--target', 'alpha', '--target', 'beta', '--grep', '/^SMP-OS-ECHO-00[12]$/', '--seed', '5', '--out', out],
      { stdout: (t) => (stdout += t), stderr: () => undefined },
      { isTty: false },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(checkSummary(summary)).toEqual([]);
    expect(summary.targets.map((t) => `${t.name}/${t.transport} ${t.cases.map((c) => `${c.id}:${c.outcome}`).join(',')}`).sort()).toEqual([
      'alpha/udp SMP-OS-ECHO-001:pass,SMP-OS-ECHO-002:pass',
      'beta/udp SMP-OS-ECHO-001:pass,SMP-OS-ECHO-002:pass',
    ]);
    // Each target's session reached its own simulator.
    expect(summary.targets.every((t) => t.capabilities.includes('smp.os.echo'))).toBe(true);
    const allure = readdirSync(join(out, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(out, 'allure-results', f), 'utf8')) as { name: string; parameters: { name: string; value: string }[] })
      .map((r) => `${r.parameters.find((p) => p.name === 'target')?.value} ${r.name.split(' ')[0]}`)
      .sort();
    expect(allure).toEqual(['alpha SMP-OS-ECHO-001', 'alpha SMP-OS-ECHO-002', 'beta SMP-OS-ECHO-001', 'beta SMP-OS-ECHO-002']);
    expect(readdirSync(out).filter((f) => f.startsWith('junit-')).sort()).toEqual(['junit-alpha-udp.xml', 'junit-beta-udp.xml']);
    for (const key of ['alpha-udp', 'beta-udp']) expect(stdout).toMatch(new RegExp(`pass +${key}  \\[[12]/2, 0 failing\\]  SMP-OS-ECHO-00[12] `));
  });
});
