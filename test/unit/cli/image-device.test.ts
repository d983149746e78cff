/**
 * The device-side image commands and `reset` as real processes
 * (`node bin/mgmt-conformance.js image upload --smp udp://… FILE`) against the simulator.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeImageHash, parseMcubootImage } from '../../../src/codec/image/index.ts';
import { toHex } from '../../../src/core/bytes.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';
import { testImage } from '../client/image-upload-fixtures.ts';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin/mgmt-conformance.js');

/** Run the CLI without blocking this process (the simulator lives here); never rejects. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 30_000, env: { ...process.env, CI: 'true', ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function imageHash(image: Uint8Array): string {
  const parsed = parseMcubootImage(image);
  if (!parsed.ok) throw new Error('test image does not parse');
  return toHex(computeImageHash(parsed.value));
}

describe('image device commands (real process, simulator over UDP)', () => {
  let sim: RunningSimulator;
  let smp: string;
  const dir = mkdtempSync(join(tmpdir(), 'image-device-'));
  const image = testImage(12_000, { major: 1, minor: 2, revision: 0, build: 0 });
  const file = join(dir, 'app.signed.bin');
  writeFileSync(file, image);

  beforeAll(async () => {
    sim = await startSimulator({ udp: { port: 0 }, serial: false });
    smp = `udp://127.0.0.1:${sim.udp!.port}`;
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('list shows the running image in slot 0', async () => {
    const r = await cli(['image', 'list', '--smp', smp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^image 0 slot 0 {2}version 1\.0\.0 .*bootable confirmed active .*hash [0-9a-f]{64}$/m);
  });

  it('upload writes the file, prints throughput and match, and list --json shows its SHA-256 TLV in slot 1', async () => {
    const r = await cli(['image', 'upload', '--smp', smp, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^uploaded ${file} \\(${image.length} bytes\\) to udp://127\\.0\\.0\\.1:\\d+ in [\\d.]+ s: [\\d.]+ KiB/s, \\d+ chunks of up to \\d+ bytes, window 1, 0 retransmits, 0 resumes, match true`));
    // CI=true: plain progress lines on stderr, ending at 100 %.
    expect(r.stderr).toMatch(/upload 100% \(12\d+\/12\d+ bytes/);
    const listed = await cli(['image', 'list', '--smp', smp, '--json']);
    const slots = (JSON.parse(listed.stdout) as { images: { slot: number; hash: string; version: string }[] }).images;
    expect(slots.find((s) => s.slot === 1)).toMatchObject({ hash: imageHash(image), version: '1.2.0' });
  });

  it('upload --json reports the engine result', async () => {
    const r = await cli(['image', 'upload', '--smp', smp, file, '--json', '--window', '1', '--chunk', '512']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { bytes: number; match: boolean; chunkDataBytes: number };
    // The slot already holds this image: the device answers the first chunk with off = len, match true.
    expect(result).toMatchObject({ bytes: image.length, match: true, chunkDataBytes: 512 });
  });

  it('test marks the uploaded image pending; confirm without HASH is then refused (err 28)', async () => {
    const hash = imageHash(image);
    const tested = await cli(['image', 'test', '--smp', smp, hash]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(new RegExp(`slot 1 .*pending.*hash ${hash}`));
    const again = await cli(['image', 'confirm', '--smp', smp]);
    // The running image is confirmed already, but a test is pending: Zephyr refuses with err 28.
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/device refused: group 1 rc 28/);
  });

  it('erase of a slot holding a pending image is refused (err 9), exit 1', async () => {
    const r = await cli(['image', 'erase', '--smp', smp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/group 1 rc 9/);
  });

  it('reset is accepted, and the pending test image runs afterwards', async () => {
    const r = await cli(['reset', '--smp', smp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reset accepted by udp:\/\/127\.0\.0\.1:\d+/);
    await new Promise((done) => setTimeout(done, 600));
    const listed = await cli(['image', 'list', '--smp', smp, '--json']);
    const slots = (JSON.parse(listed.stdout) as { images: { slot: number; hash: string }[] }).images;
    expect(slots.find((s) => s.slot === 0)?.hash).toBe(imageHash(image));
    // Confirm the test image (no HASH: the running one), so slot 1 is free again.
    const confirmed = await cli(['image', 'confirm', '--smp', smp]);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/slot 0 .*confirmed active/);
  });

  it('upload --upgrade of an older image is refused with err 27, exit 1', async () => {
    const older = join(dir, 'older.bin');
    writeFileSync(older, testImage(2_000, { major: 0, minor: 1, revision: 0, build: 0 }));
    const r = await cli(['image', 'upload', '--smp', smp, older, '--upgrade']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: group 1 rc 27/);
  });
});

describe('image device commands with --target', () => {
  it('image list --target sim starts the built-in simulator and lists its running image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-device-target-'));
    const targets = join(dir, 'targets.json');
    writeFileSync(targets, JSON.stringify({ schemaVersion: 1, defaultTarget: 'sim', targets: { sim: { kind: 'sim', sim: { transports: ['udp'] } } } }));
    const r = await cli(['image', 'list', '--target', 'sim', '--targets', targets, '--json']);
    expect(r.code).toBe(0);
    const slots = (JSON.parse(r.stdout) as { images: { slot: number; version: string; flags: string[] }[] }).images;
    expect(slots).toEqual([expect.objectContaining({ slot: 0, version: '1.0.0', flags: ['bootable', 'confirmed', 'active'] })]);
  });

  it('an unknown target is a one-line configuration error, exit 2', async () => {
    const r = await cli(['reset', '--target', 'no-such-target']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-such-target/);
  });
});

describe('image device commands: setup problems exit 2 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-device-bad-'));

  it('missing file', async () => {
    const r = await cli(['image', 'upload', '--smp', 'udp://127.0.0.1:9', join(dir, 'nope.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\.bin: cannot read image: no such file/);
  });

  it('a file that is not an MCUboot image', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, new Uint8Array(300).fill(0x42));
    const r = await cli(['image', 'upload', '--smp', 'udp://127.0.0.1:9', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/junk\.bin: not an MCUboot image/);
  });

  it('an unreachable device', async () => {
    const file = join(dir, 'ok.bin');
    writeFileSync(file, testImage(1_000));
    for (const args of [['image', 'upload', '--smp', 'udp://127.0.0.1:9', file], ['image', 'list', '--smp', 'udp://127.0.0.1:9'], ['reset', '--smp', 'udp://127.0.0.1:9']]) {
      const r = await cli([...args, '--timeout', '300']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/no answer from udp:\/\/127\.0\.0\.1:9 within 300 ms/);
    }
  });

  it('a malformed HASH and a bad --window are usage errors', async () => {
    const hash = await cli(['image', 'test', '--smp', 'udp://127.0.0.1:9', 'abc']);
    expect(hash.code).toBe(2);
    expect(hash.stderr).toMatch(/HASH must be 64 hex digits/);
    const window = await cli(['image', 'upload', '--smp', 'udp://127.0.0.1:9', 'x.bin', '--window', '0']);
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/--window expects an integer 1\.\.64/);
  });
});
