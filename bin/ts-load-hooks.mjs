// Module load hooks for the CLI: TypeScript sources are type-stripped by esbuild once and kept in
// node_modules/.cache/mgmt-conformance/ keyed by path, size and mtime, so a start-up with a warm
// cache reads plain JavaScript (no transpiler, no tsconfig lookup). Runs on Node's hooks thread.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cacheDir = fileURLToPath(new URL('../node_modules/.cache/mgmt-conformance/', import.meta.url));
/** Bump when the transform options change, so old entries are not reused. */
const FORMAT = 'esbuild-esm-es2022-v1';
let esbuild;

function cachePath(path, stat) {
  const key = createHash('sha1').update(`${FORMAT}\0${path}\0${stat.size}\0${stat.mtimeMs}`).digest('hex');
  return `${cacheDir}${key}.js`;
}

async function transpile(path) {
  esbuild ??= await import('esbuild');
  const source = readFileSync(path, 'utf8');
  // Inline source maps: with --enable-source-maps, stack traces name the .ts lines.
  const out = await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'inline', sourcefile: path });
  return out.code;
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const stat = statSync(path);
  const cached = cachePath(path, stat);
  let source;
  try {
    source = readFileSync(cached, 'utf8');
  } catch {
    source = await transpile(path);
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename: a parallel process never reads a half-written entry.
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, cached);
  }
  return { format: 'module', source, shortCircuit: true };
}
