/** `mgmt-conformance image inspect|sign|corrupt`: exit codes, output, one-line input errors. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { imageCommand, parseImageVersion } from '../../../src/cli/image.ts';
import { verifyMcubootImage } from '../../../src/codec/image/index.ts';

const root = resolve(import.meta.dirname, '../../..');
const keys = resolve(root, 'test/fixtures/images/keys');
const capture = resolve(root, 'test/fixtures/images/signed-ec256.bin');
const dir = mkdtempSync(join(tmpdir(), 'image-cli-'));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await imageCommand(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function spawn(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [resolve(root, 'bin/mgmt-conformance.js'), 'image', ...argv], { cwd: root });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('image CLI (spawned through bin/mgmt-conformance.js)', () => {
  it('inspect of the capture image: exit 0, header, TLVs with offsets, key hash', async () => {
    const r = await spawn('inspect', capture);
    expect(r.code).toBe(0);
    expect(r.out).toContain('version          1.2.3+4');
    expect(r.out).toMatch(/@100516\s+unprot 0x0010 SHA256/);
    expect(r.out).toContain('e972c37d7dd2835c2f76fd2c07f851e9659d5c9dd5145e4549930c1cc0adb1f1');
    expect(r.out).toContain('state "hash"     c90129ec39954fca73bd032aa9e280f95b7ef419ab03aaf18c4612071c4e9483');
    expect(r.out).toContain('upload "sha"     0d99055a065b1956e4ec9062118b3ea47c3a79e0691eb87b27a05f36bdc30e54');
  });

  it('missing file: exit 2, one line naming the file', async () => {
    const r = await spawn('inspect', join(dir, 'nope.bin'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('nope.bin: cannot read image: no such file');
  });

  it('sign, corrupt, inspect: exit 1 with the defect and its offset', async () => {
    const signed = join(dir, 'spawn-signed.bin');
    expect((await spawn('sign', '--size', '3000', '--version', '1.0.0', '--key', join(keys, 'test-ed25519.pem'), '-o', signed)).code).toBe(0);
    const bad = join(dir, 'spawn-bad.bin');
    const c = await spawn('corrupt', signed, '--kind', 'bad-signature', '-o', bad);
    expect(c.code).toBe(0);
    const at = /at byte (\d+)/.exec(c.out)?.[1];
    const r = await spawn('inspect', bad, '--key', join(keys, 'test-ed25519-pub.pem'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`@${at}\\s+bad-signature`));
  });
});

describe('imageCommand', () => {
  it('sign --payload with every option writes a valid image; --json inspect', async () => {
    const payload = join(dir, 'app.bin');
    writeFileSync(payload, Buffer.alloc(777, 0x5a));
    const out = join(dir, 'full.bin');
    const r = await run('sign', '--payload', payload, '--version', '3.4.5+6', '--key', join(keys, 'test-ecdsa-p384.pem'), '--header-size', '0x200',
      '--security-counter', '9', '--pad', '--slot-size', '0x4000', '--confirm', '--align', '4', '-o', out);
    expect(r).toMatchObject({ code: 0 });
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes.length).toBe(0x4000);
    const report = verifyMcubootImage(bytes, { publicKeyPem: readFileSync(join(keys, 'test-ecdsa-p384-pub.pem'), 'utf8') });
    expect(report.defects).toEqual([]);
    expect(report.layout.header).toMatchObject({ hdrSize: 0x200, imgSize: 777, version: { major: 3, minor: 4, revision: 5, build: 6 } });
    expect(report.layout.trailing?.trailer?.isConfirmed).toBe(true);
    const j = await run('inspect', out, '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ isValid: true, header: { version: '3.4.5+6' }, hash: { status: 'match', alg: 'sha384' } });
  });

  it('every corrupt kind: corrupt exits 0 and inspect exits 1 naming the expected defect and offset', async () => {
    const base = join(dir, 'base.bin');
    const key = join(keys, 'test-ecdsa-p256.pem');
    expect((await run('sign', '--size', '2000', '--version', '1.2.3', '--key', key, '--security-counter', '1', '-o', base)).code).toBe(0);
    const list = await run('corrupt', '--list');
    const kinds = [...list.out.matchAll(/^(\S+)\s{2}/gm)].map((m) => m[1]!);
    expect(kinds).toContain('bad-magic');
    for (const kind of kinds) {
      const out = join(dir, `${kind}.bin`);
      const c = await run('corrupt', base, '--kind', kind, '-o', out, '--key', key);
      expect(c.code, `${kind}: ${c.err}`).toBe(0);
      const [, defect, at] = /expected defect: (\S+) at byte (\d+)/.exec(c.out)!;
      const r = await run('inspect', out, '--key', join(keys, 'test-ecdsa-p256-pub.pem'), '--running-version', '1.2.3');
      expect(r.code, kind).toBe(1);
      expect(r.out).toMatch(new RegExp(`@${at}\\s+${defect}`));
    }
    expect((await run('inspect', base, '--key', join(keys, 'test-ecdsa-p256-pub.pem'), '--running-version', '1.2.2')).code).toBe(0);
  });

  it('bad input exits 2 with one line: not an image, unreadable key, usage mistakes, unknown subcommand', async () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello, this is not an image at all');
    const cases: [string[], RegExp][] = [
      [['inspect', junk], /junk\.txt: not an MCUboot image/],
      [['inspect', capture, '--key', junk], /junk\.txt: unusable key/],
      [['inspect', capture, '--key', join(dir, 'missing.pem')], /missing\.pem: cannot read key file: no such file/],
      [['sign', '--size', '10', '--version', '1.2.3', '--key', join(keys, 'test-ed25519-pub.pem'), '-o', join(dir, 'x.bin')], /private key is needed/],
      [['sign', '--size', '10', '--version', 'one', '-o', join(dir, 'x.bin')], /--version expects/],
      [['sign', '--size', '10', '--version', '1.0.0'], /missing -o OUT/],
      [['corrupt', capture, '--kind', 'nope', '-o', join(dir, 'x.bin')], /--kind expects one of/],
      [['corrupt', join(dir, 'junk.txt'), '--kind', 'bad-magic', '-o', join(dir, 'x.bin')], /not a valid MCUboot image/],
      [['inspect'], /missing FILE/],
      [['frobnicate'], /unknown image subcommand 'frobnicate'/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('parses imgtool version notation', () => {
    expect(parseImageVersion('1.2.3+4')).toEqual({ major: 1, minor: 2, revision: 3, build: 4 });
    expect(parseImageVersion('1.2')).toEqual({ major: 1, minor: 2, revision: 0, build: 0 });
    expect(parseImageVersion('256.0.0')).toBeUndefined();
    expect(parseImageVersion('1.2.3.4')).toBeUndefined();
  });
});
