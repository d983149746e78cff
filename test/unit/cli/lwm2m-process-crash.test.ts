/**
 * An LwM2M-only process target that dies mid-run (the simulated LwM2M client in a process that
 * prints a Zephyr fault banner and exits once): the case running when it died ends `crash`, the
 * harness restarts the process, waits for the client to register again and runs the remaining
 * cases normally; without a reset method the rest is `blocked` at once.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSummary } from '../../../src/reporting/summary-schema.ts';
import type { TargetSummary } from '../../../src/reporting/summary.ts';
import { PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'lwm2m-process-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/lwm2m-dies-once.mjs');
/** Observe cases take seconds each: the death lands inside one of them. */
const SUITES = ['--suite', 'lwm2m/observe', '--suite', 'lwm2m/dm-read'];

async function run(name: string, reset: Record<string, unknown>): Promise<{ target: TargetSummary; stdout: string }> {
  const endpoint = `proc-${name}`;
  const target = {
    kind: 'process',
    process: { command: [process.execPath, fixture], env: { DIES_ONCE_MARKER: join(work, `${name}.marker`), DIE_AFTER_MS: '4000', ENDPOINT: endpoint } },
    lwm2m: { listen: 'coap://127.0.0.1:0', endpoint, registrationTimeoutMs: 20_000 },
    ...reset,
  };
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, targets: { [name]: target } }));
  const out = join(work, `${name}-reports`);
  const cli = await runCli(['run', '--targets', file, ...SUITES, '--out', out, '--seed', '3'], 240_000);
  const summary = readSummary(out);
  if (!summary) throw new Error(`no summary.json (exit ${cli.code}): ${cli.stderr}${cli.stdout.slice(-2000)}`);
  expect(checkSummary(summary)).toEqual([]);
  return { target: summary.targets[0]!, stdout: cli.stdout };
}

describe('an LwM2M-only process target that dies mid-run', () => {
  it('restart: one crash with the console banner, the client registers again, every other case its normal verdict', async () => {
    const { target, stdout } = await run('restarted', {});
    const crashed = target.cases.filter((c) => c.outcome === 'crash');
    expect(crashed.map((c) => c.id), stdout.slice(-3000)).toHaveLength(1);
    const crash = target.crashes?.[0];
    expect(crash?.caseId).toBe(crashed[0]!.id);
    expect(crash?.console.join('\n')).toMatch(/BUS FAULT|ZEPHYR FATAL ERROR|Halting system/);
    const others = target.cases.filter((c) => c.outcome !== 'crash');
    expect(others.filter((c) => !['pass', 'informational', 'unsupported'].includes(c.outcome)).map((c) => `${c.id} ${c.outcome}: ${c.message}`)).toEqual([]);
    // Cases after the crash ran against the restarted client.
    const after = target.cases.slice(target.cases.findIndex((c) => c.outcome === 'crash') + 1);
    expect(after.some((c) => c.outcome === 'pass')).toBe(true);
  }, 300_000);

  it('no reset method: one crash, the rest blocked with the reason, in well under a second each', async () => {
    const { target, stdout } = await run('unrecoverable', { reset: { method: 'none' } });
    const crashed = target.cases.filter((c) => c.outcome === 'crash');
    expect(crashed, stdout.slice(-3000)).toHaveLength(1);
    const index = target.cases.findIndex((c) => c.outcome === 'crash');
    const rest = target.cases.slice(index + 1);
    expect(rest.length).toBeGreaterThan(0);
    for (const c of rest) {
      expect(c.outcome, c.id).toBe('blocked');
      expect(c.message).toContain(`device dead since ${crashed[0]!.id}`);
      expect(c.durationMs).toBeLessThan(1000);
    }
  }, 300_000);
});
