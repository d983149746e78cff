/**
 * The LwM2M side of the CLI as real processes over loopback: `run` against the simulated clients
 * (1.0 and 1.1) and against a client started on its own (`sim --lwm2m` + `run --lwm2m`), a device
 * that never registers (every LwM2M case broken, reports written, exit 1), `probe --lwm2m`, and
 * usage errors (exit 2, one line).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, readSummary, runCli } from '../../selftest/cli-runner.ts';

const work = mkdtempSync(join(tmpdir(), 'lwm2m-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A loopback UDP port that was free a moment ago. */
async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `sim --lwm2m` as its own process; resolves once it printed its first line. */
async function simulatedClient(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/mgmt-conformance.js'), 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      if (text.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code}: ${text}`)));
  });
  return { child, output: () => text };
}

async function stopped(child: ChildProcess): Promise<number | null> {
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exit;
}

describe('LwM2M through the CLI (real processes, loopback)', () => {
  // Every LwM2M case passing on these two targets is the self-test's fault-free run
  // (test/selftest/fault-profiles.test.ts); here the registration and malformed-CoAP suites
  // (LwM2M and CoAP cases) show the default targets and what they report.
  it('run with no target runs the LwM2M suites against the simulated client in 1.0 and 1.1 (only LwM2M cases in those runs)', async () => {
    const cwd = join(work, 'fresh');
    mkdirSync(cwd);
    const r = await runCli(['run', '--suite', 'lwm2m/registration', '--suite', 'lwm2m/malformed', '--seed', '3'], 150_000, cwd);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const summary = readSummary(join(cwd, 'reports'))!;
    expect(summary.targets.map((t) => `${t.name}/${t.transport}`)).toEqual(['sim/lwm2m-1.0', 'sim/lwm2m-1.1']);
    for (const t of summary.targets) {
      expect(t.cases.every((c) => c.id.startsWith('LWM2M-')), t.cases.map((c) => c.id).join(' ')).toBe(true);
      expect(t.cases.find((c) => c.id === 'LWM2M-REG-001')?.outcome).toBe('pass');
      expect(t.cases.find((c) => c.id === 'LWM2M-MAL-VER-001')?.outcome).toBe('pass');
      expect(t.capabilities).toContain('lwm2m');
      expect(t.identity).toHaveProperty('lwm2m');
    }
    expect(summary.targets[1]!.capabilities).toContain('lwm2m.v1.1');
    expect(summary.targets[0]!.capabilities).not.toContain('lwm2m.v1.1');
    expect(existsSync(join(cwd, 'reports', 'junit-sim-lwm2m-1.1.xml'))).toBe(true);
  }, 200_000);

  // This run and the next mostly wait (for a registration that never comes, for a client's
  // registration retries): they run side by side.
  it.concurrent('a device that never registers: every LwM2M case broken with the reason, reports written, exit 1, fast', async () => {
    const file = join(work, 'never.json');
    const target = { kind: 'process', process: { command: [process.execPath, '-e', 'setTimeout(() => {}, 600000)'] }, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'silent-dev', registrationTimeoutMs: 2000 } };
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: 'never', targets: { never: target } }));
    const out = join(work, 'never-out');
    const r = await runCli(['run', '--targets', file, '--suite', 'lwm2m', '--out', out, '--json'], 120_000);
    expect(r.code, r.stderr).toBe(1);
    const t = readSummary(out)!.targets[0]!;
    expect(t.cases.length).toBeGreaterThan(0);
    expect(t.totals.broken).toBe(t.cases.length);
    expect(new Set(t.cases.map((c) => c.message))).toEqual(new Set(['no registration from silent-dev within 2 s']));
    expect(existsSync(join(out, 'junit-never.xml'))).toBe(true);
  }, 150_000);

  it.concurrent('run --lwm2m --endpoint: the LwM2M suites against a client started on its own (sim --lwm2m)', async () => {
    const port = await freePort();
    const client = await simulatedClient(['--lwm2m', `coap://127.0.0.1:${port}`, '--endpoint', 'cli-dev', '--lwm2m-version', '1.0']);
    expect(client.output()).toMatch(/^LwM2M client cli-dev \(LwM2M 1\.0; faults: none\) on 127\.0\.0\.1:\d+, registering with coap:\/\/127\.0\.0\.1:\d+/);
    const out = join(work, 'adhoc');
    const r = await runCli(['run', '--lwm2m', `coap://127.0.0.1:${port}`, '--endpoint', 'cli-dev', '--grep', 'LWM2M-REG-001', '--out', out, '--json'], 150_000);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const t = readSummary(out)!.targets[0]!;
    expect(`${t.name}/${t.transport}`).toBe('lwm2m/coap');
    expect(t.cases.map((c) => `${c.id} ${c.outcome}`)).toEqual(['LWM2M-REG-001 pass']);
    expect(await stopped(client.child)).toBe(0);
    expect(client.output()).toMatch(/registered at \/rd\//);
  }, 200_000);

  it('probe --lwm2m waits for a registration and prints what the client is', async () => {
    const port = await freePort();
    const probing = runCli(['probe', '--lwm2m', `coap://127.0.0.1:${port}`, '--endpoint', 'probe-dev', '--timeout-ms', '30000', '--json'], 60_000);
    const client = await simulatedClient(['--lwm2m', `coap://127.0.0.1:${port}`, '--endpoint', 'probe-dev']);
    const r = await probing;
    await stopped(client.child);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as { endpoint: string; lwm2mVersion: string; lifetimeS: number; objects: { id: number }[]; announcedFormats: number[]; device: { code: string; resources: { name: string; value: unknown }[] } };
    expect(p).toMatchObject({ endpoint: 'probe-dev', lwm2mVersion: '1.1', lifetimeS: 30, announcedFormats: [112] });
    expect(p.objects.map((o) => o.id)).toContain(3);
    expect(p.device.code).toBe('2.05');
    expect(p.device.resources.find((x) => x.name === 'Manufacturer')?.value).toBe('Zephyr');
  }, 90_000);

  it('probe --lwm2m with nobody registering ends with one line and exit 2', async () => {
    const r = await runCli(['probe', '--lwm2m', 'coap://127.0.0.1:0', '--timeout-ms', '1000'], 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^mgmt-conformance probe: no registration from any client within 1 s at coap:\/\/127\.0\.0\.1:\d+: is the client pointed at this address\?$/);
  }, 60_000);

  it('bad LwM2M flags exit 2 with one line naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['sim', '--lwm2m', 'http://127.0.0.1:5683'], /server must be coap:\/\/HOST:PORT/],
      [['sim', '--lwm2m', 'coap://127.0.0.1:5683', '--udp', '0'], /--udp is an SMP simulator flag/],
      [['sim', '--endpoint', 'x'], /--endpoint goes with --lwm2m/],
      [['sim', '--lwm2m', 'coap://127.0.0.1:5683', '--lwm2m-version', '1.2'], /--lwm2m-version expects 1\.0 or 1\.1/],
      [['sim', '--lwm2m', 'coap://127.0.0.1:5683', '--fault', 'hang'], /unknown LwM2M fault 'hang'/],
      [['probe', '--lwm2m', 'coap://127.0.0.1'], /has no port/],
      [['probe', '--lwm2m', 'coap://127.0.0.1:0', '--smp', 'udp://127.0.0.1:1337'], /--smp does not go with --lwm2m/],
      [['probe', '--endpoint', 'x'], /--endpoint goes with --lwm2m/],
      [['run', '--lwm2m', 'coap://127.0.0.1:0'], /--lwm2m needs --endpoint NAME/],
      [['run', '--lwm2m', 'coap://127.0.0.1:0', '--smp', 'udp://127.0.0.1:1'], /give one of --smp, --lwm2m or --target/],
      [['run', '--endpoint', 'x'], /--endpoint goes with --lwm2m/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, 30_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const list = await runCli(['sim', '--list-faults'], 30_000);
    expect(list.stdout).toMatch(/LwM2M client faults/);
    expect(list.stdout).toMatch(/lwm2m-read-answers-changed/);
  }, 180_000);
});
