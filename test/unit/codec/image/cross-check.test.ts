/**
 * Cross-check with an independent implementation: Python's `cryptography` (what imgtool uses)
 * recomputes the image hash and key hash and verifies the signature of images we build, so a
 * shared misunderstanding between our signer and our verifier cannot cancel out.
 * Skipped, with the reason, where python3 with `cryptography` is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signMcubootImage } from '../../../../src/codec/image/index.ts';
import { imagesDir, KEY_KINDS, keysDir, privateKey, unwrap, VERSION_1234 } from './helpers.ts';

const hasPython = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasPython)('independent check with python3 cryptography (skipped: python3 with cryptography not installed)', () => {
  it('hash, key hash and signature of every key type (and pure Ed25519) check out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-xcheck-'));
    const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff);
    const items = [...KEY_KINDS.map((k) => ({ k, isPure: false })), { k: 'ed25519' as const, isPure: true }].map(({ k, isPure }) => {
      const file = join(dir, `${k}${isPure ? '-pure' : ''}.bin`);
      writeFileSync(file, unwrap(signMcubootImage({ payload, version: VERSION_1234, key: privateKey(k), securityCounter: 7, headerSize: 0x200, isPure })));
      return { file, pub: join(keysDir, `test-${k}-pub.pem`) };
    });
    const out = execFileSync('python3', [resolve(imagesDir, 'cross-check.py')], { input: JSON.stringify(items), encoding: 'utf8' });
    const results = JSON.parse(out) as Record<string, unknown>[];
    expect(results).toHaveLength(items.length);
    for (const r of results) expect(r).toMatchObject({ hashOk: true, keyHashOk: true, signatureOk: true });
  });

  it('a flipped signature byte is rejected by the independent verifier too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-xcheck-'));
    const bytes = unwrap(signMcubootImage({ payload: new Uint8Array(100), version: VERSION_1234, key: privateKey('ecdsa-p256') }));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    const file = join(dir, 'bad.bin');
    writeFileSync(file, bytes);
    const out = execFileSync('python3', [resolve(imagesDir, 'cross-check.py')], { input: JSON.stringify([{ file, pub: join(keysDir, 'test-ecdsa-p256-pub.pem') }]), encoding: 'utf8' });
    expect((JSON.parse(out) as { error?: string }[])[0]?.error).toMatch(/InvalidSignature/);
  });
});
