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

  it('one target type: only src/config describes a target and reads MGMT_TARGET', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(root, file);
      const text = readFileSync(file, 'utf8');
      // A target description: an interface or object type declaring the target's own fields.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const block of code.matchAll(/(?:interface\s+(\w+)[^{]*|type\s+(\w+)\s*=\s*)\{([^}]*)\}/g)) {
        const body = block[3] ?? '';
        const isTarget = /\bcapabilities\??:/.test(body) && /\btimeoutMs\??:/.test(body) && /\bkind\??:/.test(body);
        if (isTarget && rel !== join('src', 'config', 'targets.ts')) violations.push(`${rel}: ${block[1] ?? block[2] ?? '?'} describes a target again (use TargetConfig / RunTarget from src/config)`);
      }
      // The kind union is written once.
      if (/'sim'\s*\|\s*'udp'\s*\|\s*'serial'\s*\|\s*'process'/.test(text) && rel !== join('src', 'config', 'targets.ts')) violations.push(`${rel}: repeats the target kinds`);
      // Only src/config reads or writes the worker's target variable.
      if (/\[\s*['"]MGMT_TARGET['"]\s*\]/.test(text) && !rel.startsWith(join('src', 'config'))) violations.push(`${rel}: reads MGMT_TARGET itself (use runTargetFromEnv)`);
      // The session provider slot has one definition.
      if (/Symbol\.for\(\s*['"]mgmt-conformance\.session-provider['"]/.test(text) && rel !== join('src', 'config', 'run-target.ts')) violations.push(`${rel}: defines the session provider symbol again (use SESSION_PROVIDER_KEY)`);
    }
    expect(violations).toEqual([]);
  });

  it('suites carry no copy of client logic: no upload loop, no chunk sizing, no own SHA-256', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(root, 'suites'))) {
      const rel = relative(root, file);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // A loop whose next lines send upload chunks is an upload engine: use uploadImageSteps.
        if (/\b(?:for|while)\s*\(/.test(line) && lines.slice(i, i + 8).some((l) => /imgCommands\.upload\b/.test(l))) violations.push(`${rel}:${i + 1}: upload loop`);
        // Chunk sizing from the link and buffer belongs to src/client/chunk-size.ts (via uploadChunkBytes).
        if (/\bmaxChunkData\b|\bmaxRequestBytes\b|FIELD_OVERHEAD|UDP_LIMIT/.test(line)) violations.push(`${rel}:${i + 1}: chunk sizing`);
        if (/createHash\(\s*['"]sha256['"]\s*\)/.test(line) && /img-/.test(rel)) violations.push(`${rel}:${i + 1}: own SHA-256 (use sha256 from the case kit)`);
      });
    }
    expect(violations).toEqual([]);
  });
});

