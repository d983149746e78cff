#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts) and the target-run process's entry (src/cli/run-child.ts), with
// the suites that process runs (src/cli/suite-loaders.ts), into plain JavaScript under dist/cli/,
// split per command: each command's dynamic import() becomes its
// own chunk, so a command loads only what it uses, and the two entries share their chunks.
// Packages from node_modules stay external, but for a few plain-JavaScript ones
// (BUNDLED_PACKAGES). Run by `npm install`/`npm ci` (the `prepare` script) and by
// bin/mgmt-conformance.js whenever a source listed in the manifest changed since the last build.
//
// Layout: dist/cli/<build>/main.js (+ chunks) and dist/cli/manifest.json naming the current build
// and every input with its mtime and size. Each build writes a fresh folder and then swaps the
// manifest by rename, so processes building at the same time, or still loading chunks of an
// older build, never see a half-written one.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'dist', 'cli');
export const MANIFEST = join(OUT_DIR, 'manifest.json');
/** Bump when the output's shape changes, so bin/ does not use a build of another shape. */
export const BUNDLE_FORMAT = 'esm-split-v2';
/** Besides the bundled sources: what else decides the output. */
const EXTRA_INPUTS = ['scripts/build-cli.mjs', 'tsconfig.json'];
/**
 * Plain-JavaScript packages bundled in (with their own dependencies): loading them from
 * node_modules file by file costs more at start-up than the rest of a command. Every other package
 * stays external: native modules (serialport, node-pty, cbor-x's optional extension), packages
 * that load their own files or workers (vitest, esbuild, tsx, allure), and fast-check, whose
 * values suites share with the harness.
 */
const BUNDLED_PACKAGES = new Set(['ajv', 'yaml', 'hdr-histogram-js']);
/** Builds other than the current one are removed once this old (a running CLI may still load their chunks). */
const OLD_BUILD_MS = 60 * 60 * 1000;

const toPosix = (p) => p.split(sep).join('/');

/**
 * `import.meta.url`, `.dirname` and `.filename` keep meaning the source file, not the chunk it is
 * bundled into: paths built from them (package root, schema, child entries) stay right. Each is
 * rewritten to a hoisted function appended at the end, so line numbers stay as in the source.
 */
function sourceLocationPlugin(buildDir) {
  return {
    name: 'source-location',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.')) return { contents: source, loader: 'ts' };
        const fromChunk = toPosix(relative(buildDir, args.path));
        const code = source
          .replace(/\bimport\.meta\.url\b/g, '__sourceUrl()')
          .replace(/\bimport\.meta\.dirname\b/g, '__sourceDirname()')
          .replace(/\bimport\.meta\.filename\b/g, '__sourceFilename()');
        if (/\bimport\.meta\b/.test(code)) throw new Error(`${args.path}: import.meta is used in a way the bundle cannot keep`);
        const tail = [
          '',
          `import { fileURLToPath as __sourceFileURLToPath } from 'node:url';`,
          `import { dirname as __sourcePathDirname } from 'node:path';`,
          `function __sourceUrl(): string { return new URL(${JSON.stringify(fromChunk)}, import.meta.url).href; }`,
          'function __sourceFilename(): string { return __sourceFileURLToPath(__sourceUrl()); }',
          'function __sourceDirname(): string { return __sourcePathDirname(__sourceFilename()); }',
        ].join('\n');
        return { contents: `${code}\n${tail}\n`, loader: 'ts' };
      });
    },
  };
}

/** Every `*.suite.ts` under suites/, root-relative with forward slashes, sorted. */
function suiteFiles() {
  return readdirSync(join(ROOT, 'suites'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.suite.ts'))
    .map((e) => toPosix(relative(ROOT, join(e.parentPath ?? e.path, e.name))))
    .sort();
}

/**
 * src/cli/suite-loaders.ts in the bundle: loaders that import the suite files bundled into this
 * build (each its own chunk), so the suites share the bundle's case kit and the target-run process
 * needs no TypeScript loader. The source version imports a file by its path (under tsx).
 */
function suiteLoadersPlugin() {
  const source = join(ROOT, 'src', 'cli', 'suite-loaders.ts');
  return {
    name: 'suite-loaders',
    setup(build) {
      build.onLoad({ filter: /suite-loaders\.ts$/ }, (args) => {
        if (resolve(args.path) !== source) return undefined;
        const loaders = suiteFiles().map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(join(ROOT, f))}),`);
        const contents = [
          "import { relative, resolve, sep } from 'node:path';",
          "import { PACKAGE_ROOT } from './run-vitest.ts';",
          'const LOADERS: Record<string, () => Promise<unknown>> = {',
          ...loaders,
          '};',
          'export function suiteLoader(root: string, file: string): (() => Promise<unknown>) | undefined {',
          '  if (resolve(root) !== PACKAGE_ROOT) return undefined;',
          '  return LOADERS[relative(PACKAGE_ROOT, resolve(root, file)).split(sep).join("/")];',
          '}',
        ].join('\n');
        return { contents, loader: 'ts', resolveDir: dirname(source) };
      });
    },
  };
}

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Bare imports from the sources stay external unless listed in BUNDLED_PACKAGES. */
const externalPackagesPlugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      return BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * mtime and size of every file under each of `dirs` (recursively) and of `extra`, by root-relative
 * path; with `withDirs`, of the folders too (a folder's mtime moves when a file is added to it).
 */
function stampFiles(dirs, extra, withDirs = []) {
  const stamps = new Map();
  const stamp = (path) => {
    const s = statSync(join(ROOT, path));
    stamps.set(path, [s.mtimeMs, s.size]);
  };
  for (const dir of dirs) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      const path = toPosix(relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)));
      if (entry.isFile() || (entry.isDirectory() && withDirs.includes(dir))) stamp(path);
    }
  }
  withDirs.forEach(stamp);
  extra.forEach(stamp);
  return stamps;
}

function removeOldBuilds(current) {
  for (const entry of readdirSync(OUT_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === current) continue;
    const path = join(OUT_DIR, entry.name);
    try {
      if (Date.now() - statSync(path).mtimeMs > OLD_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

/**
 * Build the bundle and make it current; resolves to the file URL of its entry (`main.js`).
 * Throws when the sources do not build.
 */
export async function buildCli() {
  const esbuild = await import('esbuild');
  const name = `b${Date.now().toString(36)}-${process.pid}`;
  const buildDir = join(OUT_DIR, name);
  mkdirSync(buildDir, { recursive: true });
  // Stamps taken before esbuild reads the sources: one edited during the build makes the next
  // start rebuild; one created during it is stamped [0, 0] (never matches).
  const stamps = stampFiles(['src', 'suites'], EXTRA_INPUTS, ['suites']);
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      // run-child: the target-run processes `run` starts load it from the same build
      // (src/cli/run-parallel.ts), with no TypeScript loader in the process.
      // lwm2m-client: the simulated LwM2M client processes of such a run (src/target/lwm2m/client-process.ts).
      entryPoints: { main: 'src/cli/main.ts', 'run-child': 'src/cli/run-child.ts', 'lwm2m-client': 'src/simulator/lwm2m-client/main.ts' },
      // The build's name, so code in the bundle finds the build's other entries.
      define: { MGMT_CLI_BUILD: JSON.stringify(name) },
      outdir: buildDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Bundled CommonJS packages call require() for Node's own modules.
      banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
      // Class and function names stay as written (error names, constructor names in messages).
      keepNames: true,
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      plugins: [externalPackagesPlugin, suiteLoadersPlugin(), sourceLocationPlugin(buildDir)],
    });
    // The suite folders too: a suite file added to one makes the next start rebuild (the bundle lists its suites).
    const folders = [...stamps.keys()].filter((p) => p === 'suites' || (p.startsWith('suites/') && statSync(join(ROOT, p)).isDirectory()));
    const inputs = [...new Set([...Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/')), ...EXTRA_INPUTS, ...folders])].sort();
    const manifest = { format: BUNDLE_FORMAT, build: name, inputs: Object.fromEntries(inputs.map((p) => [p, stamps.get(p) ?? [0, 0]])) };
    const tmp = `${MANIFEST}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(manifest)}\n`);
    renameSync(tmp, MANIFEST);
  } catch (e) {
    rmSync(buildDir, { recursive: true, force: true });
    throw e;
  }
  removeOldBuilds(name);
  return pathToFileURL(join(buildDir, 'main.js')).href;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const entry = await buildCli();
    process.stdout.write(`mgmt-conformance: CLI bundle built (${relative(ROOT, fileURLToPath(entry))})\n`);
  } catch (e) {
    process.stderr.write(`mgmt-conformance: CLI bundle not built: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
