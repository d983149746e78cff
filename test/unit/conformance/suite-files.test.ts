/**
 * Static checks over every suite file, so a typo fails the unit run before any device is needed:
 * capability names the harness knows, case ids unique across files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITY_NAMES, isLwm2mCapabilityName } from '../../../src/target/index.ts';

const root = resolve(import.meta.dirname, '../../..');

function suiteFiles(dir: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? suiteFiles(p) : p.endsWith('.suite.ts') ? [p] : [];
  });
}

const files = suiteFiles(join(root, 'suites')).map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));

describe('suite files', () => {
  it('exist (the echo demo at least)', () => {
    expect(files.map((f) => f.path)).toContain('suites/smp/os-echo.suite.ts');
  });

  it('require only capabilities the harness can discover', () => {
    const known = new Set(CAPABILITY_NAMES);
    const unknown: string[] = [];
    for (const f of files) {
      for (const m of f.text.matchAll(/requires:\s*\[([^\]]*)\]/g)) {
        for (const name of (m[1] ?? '').matchAll(/'([^']+)'|"([^"]+)"/g)) {
          const cap = name[1] ?? name[2] ?? '';
          if (!known.has(cap) && !isLwm2mCapabilityName(cap)) unknown.push(`${f.path}: ${cap}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('use every case id once across all files', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const f of files) {
      for (const m of f.text.matchAll(/\bid:\s*'([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)'/g)) {
        const id = m[1] ?? '';
        const where = seen.get(id);
        if (where !== undefined) dupes.push(`${id} in ${where} and ${f.path}`);
        seen.set(id, f.path);
      }
    }
    expect(dupes).toEqual([]);
  });
});
