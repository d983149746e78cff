/**
 * Quoted requirement sentences: every `spec.quote` a suite gives for the SMP digest is found
 * verbatim in docs/spec/smp.md, so a case's level rests on text a reader can find.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const digest = readFileSync(join(root, 'docs/spec/smp.md'), 'utf8');
const SPEC_WITH_QUOTE = /spec:\s*\{\s*doc:\s*'([a-z0-9-]+)',\s*section:\s*'(?:[^'\\]|\\.)*',\s*quote:\s*'((?:[^'\\]|\\.)*)'/g;

function quotes(): { file: string; doc: string; quote: string }[] {
  const dir = join(root, 'suites/smp');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.suite.ts'))
    .flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(SPEC_WITH_QUOTE)].map((m) => ({ file, doc: m[1]!, quote: m[2]!.replace(/\\(.)/g, '$1') })));
}

describe('spec quotes', () => {
  it('finds every quoted sentence of the SMP digest verbatim in docs/spec/smp.md', () => {
    const all = quotes();
    expect(all.length).toBeGreaterThan(0);
    for (const q of all.filter((x) => x.doc === 'smp-digest')) expect(digest, `${q.file}: "${q.quote}"`).toContain(q.quote);
  });

  it('would notice a sentence the digest does not have', () => {
    expect(digest).not.toContain('no usable slot → the device MUST answer rc 0');
  });
});
