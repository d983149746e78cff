/** Shared helpers for the image codec tests: fixture paths, test keys, unwrapping results. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Result } from '../../../../src/core/result.ts';
import type { ImageKeyKind } from '../../../../src/codec/image/keys.ts';

export const fixtures = resolve(import.meta.dirname, '../../../fixtures');
export const imagesDir = resolve(fixtures, 'images');
export const keysDir = resolve(imagesDir, 'keys');

export const KEY_KINDS: readonly ImageKeyKind[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048', 'rsa-3072'];

export function privateKey(kind: ImageKeyKind | 'other-ecdsa-p256'): string {
  return readFileSync(resolve(keysDir, `test-${kind}.pem`), 'utf8');
}

export function publicKey(kind: ImageKeyKind | 'other-ecdsa-p256'): string {
  return readFileSync(resolve(keysDir, `test-${kind}-pub.pem`), 'utf8');
}

export function captureImage(): Uint8Array {
  return new Uint8Array(readFileSync(resolve(imagesDir, 'signed-ec256.bin')));
}

export interface ImageVector {
  name: string;
  fields: Record<string, unknown>;
  hex: string;
  source: string;
}

export function imageVectors(): ImageVector[] {
  return readFileSync(resolve(fixtures, 'vectors/mcuboot-images.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ImageVector);
}

export function unwrap<T, E>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(`unexpected failure: ${JSON.stringify(r.error)}`);
  return r.value;
}

export const VERSION_1234 = { major: 1, minor: 2, revision: 3, build: 4 } as const;
