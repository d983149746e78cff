/**
 * Layering rules from DESIGN.md: dependencies point down only. Each source file's relative
 * imports are resolved to a top folder under src/ and checked against the allowed table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/** Which top folders each layer may import (besides itself). */
const allowed: Record<string, readonly string[]> = {
  cli: ['conformance', 'reporting', 'config', 'target', 'client', 'simulator', 'transport', 'codec', 'core', 'errors.ts'],
  conformance: ['client', 'codec', 'config', 'reporting', 'core', 'errors.ts'],
  reporting: ['core', 'errors.ts'],
  config: ['core', 'errors.ts'],
  target: ['client', 'transport', 'config', 'simulator', 'codec', 'core', 'errors.ts'],
  client: ['codec', 'transport', 'core', 'errors.ts'],
  simulator: ['codec', 'transport', 'core', 'errors.ts'],
  transport: ['codec', 'core', 'errors.ts'],
  codec: ['core', 'errors.ts'],
  core: ['errors.ts'],
  'errors.ts': [],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function topFolder(file: string): string {
  return relative(src, file).split(sep)[0] ?? '';
}

function relativeImports(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2])!);
  return specs;
}

describe('architecture', () => {
  const files = sourceFiles(src);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('every import points down the layer table', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = topFolder(file);
      const permitted = allowed[layer];
      if (!permitted) {
        violations.push(`${relative(root, file)}: folder src/${layer} is not in the layer table`);
        continue;
      }
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src + sep)) continue;
        const to = topFolder(target);
        if (to !== layer && !permitted.includes(to)) {
          violations.push(`${relative(root, file)} imports ${spec} (src/${to} is not allowed from src/${layer})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('suites import only src/conformance and src/codec', () => {
    const suites = join(root, 'suites');
    const violations: string[] = [];
    let files: string[] = [];
    try {
      files = sourceFiles(suites);
    } catch {
      files = [];
    }
    for (const file of files) {
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src + sep)) continue;
        const to = topFolder(target);
        if (to !== 'conformance' && to !== 'codec') violations.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
