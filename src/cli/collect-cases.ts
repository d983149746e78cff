/**
 * Collect the conformance cases from the case registry instead of vitest: a short-lived child
 * process imports the suite files with registration only and sends back the `CaseRecord`s, so
 * `list` and `run` start without vitest's node API and keep none of the suites' modules.
 * @see docs/architecture.md "Session and run model"
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CaseRecord } from '../reporting/index.ts';

/** The package folder (bin/ and src/ live here). */
const PACKAGE_DIR = resolve(import.meta.dirname, '../..');
const CHILD_ENTRY = resolve(PACKAGE_DIR, 'src/cli/collect-cases-child.ts');
const LOAD_HOOKS = pathToFileURL(resolve(PACKAGE_DIR, 'bin/ts-load-hooks.mjs')).href;
/** Registers the CLI's TypeScript load hooks in the child (bin/ts-load-hooks.mjs). */
const REGISTER_HOOKS = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(LOAD_HOOKS)});`)}`;
const STDERR_KEEP = 4000;
/** Collected cases of earlier runs, one file per project root, each with the stamp of the sources it was collected from. */
const CACHE_DIR = resolve(PACKAGE_DIR, 'node_modules/.cache/mgmt-conformance-cases');

/** Collected cases and the suite files that failed to load (`<file>: <message>`). */
export interface CollectedCases {
  cases: CaseRecord[];
  problems: string[];
}

/** Every `*.suite.ts` under `dir`, sorted by path (vitest's collection order). */
export function suiteFilesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return suiteFilesUnder(p);
    return e.isFile() && e.name.endsWith('.suite.ts') ? [p] : [];
  });
}

function isCollected(value: unknown): value is CollectedCases {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v['cases']) && Array.isArray(v['problems']);
}

/** Every file under `dir` with its size and mtime, in path order, into `hash`. */
function stampFiles(dir: string, hash: ReturnType<typeof createHash>): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) stampFiles(p, hash);
    else if (e.isFile()) {
      const st = statSync(p);
      hash.update(`${p}\0${st.mtimeMs}\0${st.size}\n`);
    }
  }
}

/**
 * What a collection depends on: the suites of `root`, the package sources they import (the case
 * kit, the codecs), the installed dependencies and the Node version. Any edit changes the stamp.
 */
export function sourceStamp(root: string): string {
  const hash = createHash('sha256');
  hash.update(`${process.version}\n${resolve(root)}\n`);
  for (const dir of [join(root, 'suites'), join(PACKAGE_DIR, 'src')]) stampFiles(dir, hash);
  const lock = statSync(join(PACKAGE_DIR, 'package-lock.json'), { throwIfNoEntry: false });
  hash.update(`lock\0${lock?.mtimeMs ?? 0}\0${lock?.size ?? 0}`);
  return hash.digest('hex');
}

/** Where the collected cases of `root` are kept between runs. */
export function casesCacheFile(root: string): string {
  return join(CACHE_DIR, `${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 24)}.json`);
}

function cachedCases(file: string, stamp: string): CaseRecord[] | undefined {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { stamp?: unknown; cases?: unknown };
    return kept.stamp === stamp && Array.isArray(kept.cases) ? (kept.cases as CaseRecord[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Keep a clean collection for the next run (written whole, then renamed: parallel runs read it too); best effort. */
function keepCases(file: string, stamp: string, cases: readonly CaseRecord[]): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ stamp, cases }));
    renameSync(tmp, file);
  } catch {
    // A read-only install collects afresh every time.
  }
}

/**
 * The cases declared with `defineSuite` in `root`/suites/**\/*.suite.ts, in collection order,
 * as records equal to what vitest's collection gives. A suite file that throws on import is a
 * problem; a child that dies without answering is one too. A collection without problems is kept
 * (node_modules/.cache) and served again while no source it depends on changed (`sourceStamp`):
 * every `run` and `list` starts with it, and importing every suite costs about a second of CPU.
 */
export async function collectRegisteredCases(root: string, options: { cache?: boolean } = {}): Promise<CollectedCases> {
  const useCache = options.cache ?? true;
  const stamp = useCache ? sourceStamp(root) : '';
  const cached = useCache ? cachedCases(casesCacheFile(root), stamp) : undefined;
  if (cached !== undefined) return { cases: cached, problems: [] };
  const collected = await collectInChild(root);
  if (useCache && collected.problems.length === 0) keepCases(casesCacheFile(root), stamp, collected.cases);
  return collected;
}

async function collectInChild(root: string): Promise<CollectedCases> {
  const files = suiteFilesUnder(join(root, 'suites'));
  const child = spawn(process.execPath, ['--import', REGISTER_HOOKS, CHILD_ENTRY, root, ...files], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_KEEP) stderr += chunk.toString('utf8');
  });
  let answer: CollectedCases | undefined;
  child.on('message', (m: unknown) => {
    if (isCollected(m)) answer = m;
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((r) => {
    child.on('error', (error) => r({ code: null, signal: null, error }));
    child.on('close', (code, signal) => r({ code, signal }));
  });
  if (answer !== undefined) return answer;
  const how = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return { cases: [], problems: [`collecting the cases failed (${how}): ${stderr.trim().slice(0, STDERR_KEEP)}`] };
}
