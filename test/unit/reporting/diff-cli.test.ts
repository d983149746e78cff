/** `mgmt-conformance diff` through the CLI entry point: exit codes, JSON output, bad files. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/summaries');
const file = (name: string): string => join(fixtures, name);

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('mgmt-conformance diff', () => {
  it('exits 0 on regressions unless asked, 1 with --fail-on-regression', async () => {
    const plain = await cli(['diff', file('baseline.json'), file('current.json')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Regressions found.');
    const strict = await cli(['diff', '--fail-on-regression', file('baseline.json'), file('current.json')]);
    expect(strict.code).toBe(1);
    const same = await cli(['diff', '--fail-on-regression', file('current.json'), file('current.json')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No regression.');
  });

  it('--json prints the comparison; --timing-threshold takes 20% or 20', async () => {
    const r = await cli(['diff', '--json', '--timing-threshold', '60%', file('baseline.json'), file('current.json')]);
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout) as { targets: { target: string; timingRegressions: { name: string }[]; newFailures: { id: string }[] }[] };
    expect(diff.targets[0]!.newFailures.map((c) => c.id)).toEqual(['SMP-OS-ECHO-002']);
    // 50 % on SMP-IMG-DFU-001 is below 60 %; 125 % on smp/os/echo p95 is not.
    expect(diff.targets[0]!.timingRegressions.map((t) => t.name)).toEqual(['smp/os/echo']);
    const bare = await cli(['diff', '--json', '--timing-threshold', '60', file('baseline.json'), file('current.json')]);
    expect(bare.stdout).toBe(r.stdout);
  });

  it('a bad file exits 2 naming the file and the JSON pointer', async () => {
    const r = await cli(['diff', file('baseline.json'), file('invalid-outcome.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid-outcome.json');
    expect(r.stderr).toContain('#/targets/0/cases/2/outcome: must be one of');
    const timing = await cli(['diff', file('invalid-timing.json'), file('current.json')]);
    expect(timing.code).toBe(2);
    expect(timing.stderr).toContain('invalid-timing.json: not a valid summary.json: #/targets/0/timing/smp~1os~1echo/p50: must be >= 0');
  });

  it('a missing file, text that is not JSON, and bad usage exit 2 with a clear line', async () => {
    const missing = await cli(['diff', file('nope.json'), file('current.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read: ENOENT/);
    const notJson = await cli(['diff', join(import.meta.dirname, 'diff.test.ts'), file('current.json')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/diff\.test\.ts: not valid JSON/);
    expect((await cli(['diff', file('current.json')])).stderr).toContain('needs two files');
    expect((await cli(['diff', '--timing-threshold', 'fast', file('baseline.json'), file('current.json')])).code).toBe(2);
  });
});
