/**
 * The CLI as a real process (`node bin/mgmt-conformance.js`): exit codes, one-line errors that
 * name the field, and `probe` against a real UDP SMP responder.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MgmtGroup } from '../../../src/codec/smp/constants.ts';
import { responseFor, startResponder, type Responder, type ResponderPlan } from '../client/fixtures.ts';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin/mgmt-conformance.js');

/** Run the CLI; never rejects (the exit code is part of the result). */
export function cli(args: string[], cwd = root, timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** A small device: os info, bootloader, params and image state answer; no enumeration group. */
const devicePlan: ResponderPlan = (req, body) => {
  const reply = (b: unknown) => [{ bytes: responseFor(req, b), delayMs: 0 }];
  const query = typeof body === 'object' && body !== null && 'query' in body ? body.query : undefined;
  if (req.group === MgmtGroup.OS && req.id === 7) return reply({ output: 'Zephyr test-node 4.0.0 native_sim' });
  if (req.group === MgmtGroup.OS && req.id === 8) return reply(query === 'mode' ? { mode: 1 } : { bootloader: 'MCUboot' });
  if (req.group === MgmtGroup.OS && req.id === 6) return reply({ buf_size: 2048, buf_count: 2 });
  if (req.group === MgmtGroup.IMAGE && req.id === 0) {
    return reply({ images: [{ slot: 0, version: '1.0.0', hash: new Uint8Array(32).fill(0xab), bootable: true, confirmed: true, active: true }] });
  }
  if (req.group === MgmtGroup.SETTINGS) return reply({ err: { group: 3, rc: 3 } });
  return reply({ rc: 8 });
};

describe('mgmt-conformance CLI (real process)', () => {
  let device: Responder;
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  beforeAll(async () => {
    device = await startResponder(devicePlan);
  });
  afterAll(async () => {
    await device.stop();
  });

  it('--version prints the package version; help lists the commands', async () => {
    const v = await cli(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['run', 'list', 'probe', 'sim', 'image', 'reset']) expect(h.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('unknown command: exit 2, one line', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mgmt-conformance: unknown command 'frobnicate' (commands: run, list, probe, sim, image, reset, targets, footprint, report, replay, merge, diff; see --help)\n");
  });

  it('probe over UDP prints what the device says (no enumeration group: one probe per group)', async () => {
    const r = await cli(['probe', '--smp', `udp://127.0.0.1:${device.port}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^smp {9}v2 \(a v2 request was answered with version bits 01\)$/m);
    expect(r.stdout).toMatch(/^os info {5}Zephyr test-node 4\.0\.0 native_sim$/m);
    expect(r.stdout).toMatch(/^buffers {5}2 × 2048 bytes$/m);
    expect(r.stdout).toMatch(/image 0 slot 0 {2}1\.0\.0 +bootable confirmed active {2}hash abababab/);
    expect(r.stdout).toMatch(/^ {4}2 stat +absent {2}\(stat list: rc 8 \(MGMT_ERR_ENOTSUP\)\)$/m);
    expect(r.stdout).toMatch(/^ {4}3 settings +present {2}\(settings read of an unused key: group 3 rc 3/m);
  });

  it('probe --json gives the same facts as data', async () => {
    const r = await cli(['probe', '--smp', `udp://127.0.0.1:${device.port}`, '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as { smpVersion: string; bootloaderMode: unknown; groups: { source: string } };
    expect(p.smpVersion).toBe('v2');
    expect(p.bootloaderMode).toEqual({ ok: true, value: 1 });
    expect(p.groups.source).toBe('probe');
  });

  it('probe of a silent endpoint: exit 2 with a clear message', async () => {
    const silent = await startResponder(() => []);
    try {
      const r = await cli(['probe', '--smp', `udp://127.0.0.1:${silent.port}`, '--timeout', '300']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`mgmt-conformance probe: no answer from udp://127.0.0.1:${silent.port} within 300 ms (is the device running?)\n`);
    } finally {
      await silent.stop();
    }
  });

  it.each([
    [['probe', '--smp', 'tcp://127.0.0.1:1337'], "mgmt-conformance probe: --smp 'tcp://127.0.0.1:1337': unknown scheme 'tcp' (expected udp:// or serial://)"],
    [['probe', '--smp', 'udp://127.0.0.1'], /^mgmt-conformance probe: --smp 'udp:\/\/127\.0\.0\.1': .*port/],
    [['probe', '--smp', 'serial:///dev/does-not-exist-42'], /^mgmt-conformance probe: .*\/dev\/does-not-exist-42.*no such file/],
    [['probe', '--smp', 'udp://127.0.0.1:1', '--timeout', 'soon'], "mgmt-conformance probe: --timeout expects an integer 1..600000, got 'soon'"],
    [['probe', '--bogus'], 'mgmt-conformance probe: unknown option --bogus (see mgmt-conformance probe --help)'],
  ])('%j: exit 2, one line', async (args, expected) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr.trimEnd()).toMatch(typeof expected === 'string' ? new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) : expected);
  });

  it('bad targets.json: exit 2 naming the file and field', async () => {
    const file = join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: 'b', targets: { b: { kind: 'udp', smp: 'udp://127.0.0.1:1337', timeoutMs: 'fast' } } }));
    const r = await cli(['probe', '--targets', file, '--target', 'b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mgmt-conformance probe: ${file}#/targets/b/timeoutMs: expected a positive number, got "fast"\n`);
    writeFileSync(file, '{\n  "schemaVersion": 1,\n}');
    const j = await cli(['probe', '--targets', file]);
    expect(j.code).toBe(2);
    expect(j.stderr).toBe(`mgmt-conformance probe: ${file}: not valid JSON: Unexpected token } at line 3 column 1\n`);
  });

  it('a target from targets.json with a bad connection string, and a missing target', async () => {
    const file = join(dir, 'conn.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: 'b', targets: { b: { kind: 'udp', smp: 'udp://127.0.0.1:99999' } } }));
    const r = await cli(['probe', '--targets', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^mgmt-conformance probe: ${file}#/targets/b/smp: .*99999.*\\n$`));
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: 'b', targets: { b: { kind: 'udp', smp: 'udp://127.0.0.1:9' } } }));
    const m = await cli(['probe', '--targets', file, '--target', 'nope']);
    expect(m.stderr).toBe(`mgmt-conformance probe: ${file}#/targets: no target named 'nope' (known: b)\n`);
    expect(m.code).toBe(2);
  });

  it('sim runs standalone; probe reaches it over UDP and over the pseudo-terminal; SIGTERM stops it', async () => {
    const child = spawn(process.execPath, [bin, 'sim', '--udp', '0', '--serial'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      for (let i = 0; i < 100 && !out.includes('press Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 100));
      const udp = /^ {2}(udp:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
      const serial = /^ {2}(serial:\/\/\/dev\/\S+\?baud=115200)$/m.exec(out)?.[1];
      expect(udp).toBeDefined();
      expect(serial).toBeDefined();
      for (const conn of [udp!, serial!]) {
        const r = await cli(['probe', '--smp', conn, '--json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const p = JSON.parse(r.stdout) as { endpoint: string; smpVersion: string; groups: { source: string; list: { group: number }[] } };
        expect(p).toMatchObject({ endpoint: conn, smpVersion: 'v2', groups: { source: 'enum' } });
        expect(p.groups.list.map((g) => g.group)).toContain(MgmtGroup.IMAGE);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/simulator stopped \(SIGTERM\)/);
  });

  it('probe with no target starts the built-in simulator from targets.json', async () => {
    const r = await cli(['probe']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^groups {6}from the enumeration group$/m);
  });

  it('probe of a serial-only sim target from a targets file reports an SMP v1-only device over the pty', async () => {
    const file = join(dir, 'old.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, defaultTarget: 'old', targets: { old: { kind: 'sim', sim: { errorForm: 'v1', transports: ['serial'] } } } }));
    const r = await cli(['probe', '--targets', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^device {6}serial:\/\/\/dev\/\S+\?baud=115200 /m);
    expect(r.stdout).toMatch(/^smp {9}v1 \(a v2 request was answered with version bits 00: the device ignores them/m);
  });

  it('sim with an unknown fault: exit 2 listing the known ones', async () => {
    const r = await cli(['sim', '--fault', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mgmt-conformance sim: unknown fault 'nope' \(known: wrong-seq, .*slow-replies.*\)\n$/);
  });
});
