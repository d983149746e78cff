/**
 * Levels follow the protocol text: every MUST case of every suite carries the sentence of a
 * protocol document that states its requirement (`spec.quote`), a case below MUST that says why
 * (`levelNote`) is really below MUST, quotes of the repository's digests are found in them
 * verbatim, and docs/level-changes.md names each case at the level it has.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredCase } from '../../../src/conformance/registry.ts';

const root = resolve(import.meta.dirname, '../../..');
const DIGESTS: Readonly<Record<string, string>> = { 'smp-digest': 'docs/spec/smp.md', 'lwm2m-digest': 'docs/spec/lwm2m.md' };
/**
 * Cases that judge what a target declares for itself in targets.json — its budgets (response
 * times, ROM/RAM, stack and pool use) and its capability list — hold the device to the target's
 * own requirement, not to a protocol sentence; without a declaration they only record. Every
 * other case is protocol conformance and held to the text.
 */
const BUDGET_SUITES: ReadonlySet<string> = new Set(['smp/timing', 'footprint/build', 'footprint/runtime']);
const DECLARATION_CASES: ReadonlySet<string> = new Set(['SMP-CAP-DECLARED-001']);

function suiteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? suiteFiles(p) : p.endsWith('.suite.ts') ? [p] : [];
  });
}

let cases: RegisteredCase[] = [];

beforeAll(async () => {
  process.env['MGMT_LIST_ONLY'] = '1';
  try {
    const { registeredCases } = await import('../../../src/conformance/registry.ts');
    for (const file of suiteFiles(join(root, 'suites'))) await import(pathToFileURL(file).href);
    cases = registeredCases();
  } finally {
    delete process.env['MGMT_LIST_ONLY'];
  }
}, 120_000);

/** Rows `| CASE-ID | OLD → NEW | why |` of docs/level-changes.md. */
function documentedChanges(): { id: string; from: string; to: string }[] {
  const text = readFileSync(join(root, 'docs/level-changes.md'), 'utf8');
  return [...text.matchAll(/^\|\s*`?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)`?\s*\|\s*(MUST|SHOULD|MAY)\s*→\s*(MUST|SHOULD|MAY)\s*\|/gm)].map((m) => ({ id: m[1]!, from: m[2]!, to: m[3]! }));
}

describe('case levels and the protocol text', () => {
  it('loads the SMP and LwM2M suites and knows every budget suite it exempts', () => {
    expect(cases.filter((c) => c.suite.protocol === 'SMP').length).toBeGreaterThan(200);
    expect(cases.filter((c) => c.suite.protocol !== 'SMP').length).toBeGreaterThan(50);
    const suites = new Set(cases.map((c) => c.suite.id));
    expect([...BUDGET_SUITES].filter((id) => !suites.has(id))).toEqual([]);
    expect([...DECLARATION_CASES].filter((id) => !cases.some((c) => c.info.id === id))).toEqual([]);
  });

  it('gives every MUST case the sentence of the protocol text it rests on', () => {
    const bare = cases.filter((c) => c.info.level === 'MUST' && !BUDGET_SUITES.has(c.suite.id) && !DECLARATION_CASES.has(c.info.id) && !(typeof c.info.spec.quote === 'string' && c.info.spec.quote.trim().length > 0));
    expect(bare.map((c) => `${c.info.id} (${c.suite.id})`)).toEqual([]);
  });

  it('uses a level note only below MUST', () => {
    expect(cases.filter((c) => c.info.levelNote !== undefined && c.info.level === 'MUST').map((c) => c.info.id)).toEqual([]);
  });

  it('finds every quote of a repository digest verbatim in that digest', () => {
    const missing: string[] = [];
    for (const c of cases) {
      const path = DIGESTS[c.info.spec.doc];
      if (path === undefined || c.info.spec.quote === undefined) continue;
      if (!readFileSync(join(root, path), 'utf8').includes(c.info.spec.quote)) missing.push(`${c.info.id}: "${c.info.spec.quote}"`);
    }
    expect(missing).toEqual([]);
  });

  it('lists each level change in docs/level-changes.md, and each listed case has the level given there', () => {
    const changes = documentedChanges();
    expect(changes.length).toBeGreaterThan(0);
    const byId = new Map(cases.map((c) => [c.info.id, c]));
    const wrong = changes.filter((ch) => byId.get(ch.id)?.info.level !== ch.to).map((ch) => `${ch.id}: documented ${ch.to}, declared ${byId.get(ch.id)?.info.level ?? 'no such case'}`);
    expect(wrong).toEqual([]);
    const listed = new Set(changes.map((ch) => ch.id));
    expect(cases.filter((c) => c.info.levelNote !== undefined && !listed.has(c.info.id)).map((c) => c.info.id)).toEqual([]);
  });
});
