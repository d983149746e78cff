/**
 * `replay` of an LwM2M reproducer through the real CLI: the harness listens as LwM2M server, the
 * device registers, and the frames go to it. A process target whose client crashes on a CoAP
 * option with the reserved nibble 15 (test/fixtures/process-target/lwm2m-malformed-crash.mjs) dies
 * again; the built-in simulated LwM2M client survives the same frames; `--minimize` keeps only
 * the frame that kills; and the reproducer a run writes when LWM2M-MAL-NIBBLE-001 kills that
 * client replays to the same death.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RESERVED_NIBBLE, writeLwm2mCrashReproducer } from './helpers/lwm2m-crash-reproducer.ts';
import { PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'replay-lwm2m-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fixture = join(PACKAGE_ROOT, 'test/fixtures/process-target/lwm2m-malformed-crash.mjs');
const reproducer = join(work, 'crash-LWM2M-TEST-001.jsonl');
writeLwm2mCrashReproducer(reproducer);

const targets = join(work, 'crashy-targets.json');
writeFileSync(
  targets,
  JSON.stringify({
    schemaVersion: 1,
    targets: {
      crashy: {
        kind: 'process',
        process: { command: [process.execPath, fixture], env: { ENDPOINT: 'proc-crashy' } },
        lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'proc-crashy', registrationTimeoutMs: 20_000 },
        timeoutMs: 1000,
      },
    },
  }),
);

describe('replay of an LwM2M reproducer', { timeout: 300_000 }, () => {
  it('the crashing client dies again; the simulated client survives the same frames', async () => {
    const [crashy, sim] = await Promise.all([
      runCli(['replay', reproducer, '--targets', targets, '--target', 'crashy', '--timeout', '1000'], 120_000, work),
      // No targets.json in `work`: the built-in simulator, its LwM2M client.
      runCli(['replay', reproducer, '--target', 'sim', '--timeout', '1000'], 120_000, work),
    ]);
    expect(crashy.stdout, crashy.stderr).toContain('replaying 3 frame(s) of LWM2M-TEST-001 (process exited with status 3)');
    expect(crashy.stdout, crashy.stderr).toContain('the device died again: the crash reproduces');
    expect(crashy.code).toBe(1);
    expect(sim.stdout, sim.stderr).toContain('the device survived: the crash does not reproduce');
    expect(sim.code).toBe(0);
  });

  it('--minimize keeps the one frame that kills the client', async () => {
    const out = join(work, 'min.jsonl');
    const r = await runCli(['replay', reproducer, '--targets', targets, '--target', 'crashy', '--timeout', '1000', '--minimize', '--out', out], 240_000, work);
    expect(r.stdout, r.stderr).toMatch(/minimal reproducer: 1 of 3 frame\(s\) after \d+ replays/);
    expect(r.code).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { protocol?: string; hex?: string });
    expect(lines[0]?.protocol).toBe('lwm2m');
    expect(lines.slice(1).map((l) => l.hex)).toEqual([RESERVED_NIBBLE]);
  });

  it('the reproducer a run writes when LWM2M-MAL-NIBBLE-001 kills the client replays to the same death', async () => {
    const out = join(work, 'run');
    const run = await runCli(['run', '--targets', targets, '--target', 'crashy', '--grep', '/^LWM2M-MAL-NIBBLE-001$/', '--seed', '1', '--out', out], 180_000, work);
    const crash = readSummary(out)?.targets[0]?.crashes?.[0];
    expect(crash, `${run.stdout}\n${run.stderr}`).toMatchObject({ caseId: 'LWM2M-MAL-NIBBLE-001', reproducer: expect.any(String) });
    const saved = readFileSync(crash!.reproducer!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { protocol?: string; hex?: string });
    expect(saved[0]?.protocol).toBe('lwm2m');
    expect(saved.length).toBeGreaterThan(1);
    const r = await runCli(['replay', crash!.reproducer!, '--targets', targets, '--target', 'crashy', '--timeout', '1000'], 120_000, work);
    expect(r.stdout, r.stderr).toContain('the device died again: the crash reproduces');
    expect(r.code).toBe(1);
  });

  it('refuses --smp for an LwM2M reproducer, naming what it needs', async () => {
    const r = await runCli(['replay', reproducer, '--smp', 'udp://127.0.0.1:1337'], 60_000, work);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('an LwM2M reproducer needs --target NAME');
  });
});
