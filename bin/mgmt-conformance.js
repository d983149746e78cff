#!/usr/bin/env node
// Entry point. Runs the prebuilt CLI bundle (dist/cli/, built by `npm install` through the
// `prepare` script: scripts/build-cli.mjs) when it is current: every source it was built from
// still has the size and mtime its manifest records. Otherwise it rebuilds the bundle first, and
// when that fails (a source that does not compile, a read-only install), runs the TypeScript
// sources through the type-stripping load hook (bin/ts-load-hooks.mjs) instead, which reports the
// problem as the sources have it. MGMT_CONFORMANCE_FROM_SOURCE=1 always takes the source path.
// The bundle has linked source maps; Node reads them with `--enable-source-maps`.
import { readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
/** The package folder as a path ending in a separator (plain strings: ~300 stat calls per start). */
const ROOT_DIR = fileURLToPath(ROOT);
/** The shape of bundle this entry point loads (scripts/build-cli.mjs writes it into the manifest). */
const BUNDLE_FORMAT = 'esm-split-v2';

/** URL of the current bundle's entry, or undefined when there is none or a source changed since. */
function currentBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/cli/manifest.json', ROOT), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== BUNDLE_FORMAT) return undefined;
  for (const [path, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
    const stat = statSync(ROOT_DIR + path, { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs !== mtimeMs || stat.size !== size) return undefined;
  }
  return new URL(`dist/cli/${manifest.build}/main.js`, ROOT).href;
}

async function rebuiltBundle() {
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    return await buildCli();
  } catch {
    return undefined;
  }
}

async function loadMain() {
  if (process.env.MGMT_CONFORMANCE_FROM_SOURCE !== '1') {
    const bundle = currentBundle() ?? (await rebuiltBundle());
    if (bundle !== undefined) return (await import(bundle)).main;
  }
  register('./ts-load-hooks.mjs', import.meta.url);
  return (await import('../src/cli/main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
