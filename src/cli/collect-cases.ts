/**
 * Collect the conformance cases from the case registry instead of vitest: a short-lived child
 * process imports the suite files with registration only and sends back the `CaseRecord`s, so
 * `list` and `run` start without vitest's node API and keep none of the suites' modules.
 * @see docs/architecture.md "Session and run model"
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
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

/**
 * The cases declared with `defineSuite` in `root`/suites/**\/*.suite.ts, in collection order,
 * as records equal to what vitest's collection gives. A suite file that throws on import is a
 * problem; a child that dies without answering is one too.
 */
export async function collectRegisteredCases(root: string): Promise<CollectedCases> {
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
