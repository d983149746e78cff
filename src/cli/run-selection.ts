/**
 * Case selection for `run` and `list`: filter the collected cases by id/title, suite and level,
 * then turn the chosen ids into a vitest test-name pattern.
 */
import type { TargetProtocol } from '../config/index.ts';
import type { CaseRecord } from '../reporting/case-record.ts';
import type { CaseFilter } from './run-options.ts';

const LEVEL_RANK = { MUST: 0, SHOULD: 1, MAY: 2 } as const;

function grepMatches(grep: string, c: Pick<CaseRecord, 'id' | 'title'>): boolean {
  if (/^\/.*\/$/s.test(grep)) {
    const re = new RegExp(grep.slice(1, -1), 'i');
    return re.test(c.id) || re.test(c.title) || re.test(`${c.id} ${c.title}`);
  }
  const needle = grep.toLowerCase();
  return c.id.toLowerCase().includes(needle) || c.title.toLowerCase().includes(needle);
}

function suiteMatches(suite: string, caseSuite: string): boolean {
  return caseSuite === suite || caseSuite.startsWith(`${suite}/`);
}

/** True when the case passes every filter given. */
export function matchesFilter(c: Pick<CaseRecord, 'id' | 'title' | 'suite' | 'level'>, filter: CaseFilter): boolean {
  if (filter.grep !== undefined && !grepMatches(filter.grep, c)) return false;
  if (filter.suites !== undefined && !filter.suites.some((s) => suiteMatches(s, c.suite))) return false;
  if (filter.level !== undefined && LEVEL_RANK[c.level] > LEVEL_RANK[filter.level]) return false;
  return true;
}

/** The cases that pass the filter, sorted by id; a duplicated id is kept once. */
export function selectCases<C extends Pick<CaseRecord, 'id' | 'title' | 'suite' | 'level'>>(cases: readonly C[], filter: CaseFilter): C[] {
  const seen = new Set<string>();
  const out: C[] = [];
  for (const c of cases) {
    if (seen.has(c.id) || !matchesFilter(c, filter)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A pattern matching exactly the tests of the given case ids. Vitest matches it against the full
 * name (describe titles, then `<ID> <title>`), so the id must start a word and end with a space.
 */
export function testNamePatternFor(ids: readonly string[]): RegExp {
  return new RegExp(`(?:^|\\s)(?:${ids.map(escapeRegExp).join('|')})(?:\\s|$)`);
}

/** The protocol whose run tests a case: SMP cases in SMP runs, LwM2M (and its CoAP) cases in LwM2M runs. */
export function caseProtocol(c: Pick<CaseRecord, 'suite' | 'protocol'>): TargetProtocol {
  if (c.protocol === 'LwM2M' || c.protocol === 'CoAP') return 'lwm2m';
  if (c.protocol === 'SMP') return 'smp';
  return c.suite.startsWith('lwm2m/') || c.suite.startsWith('coap/') ? 'lwm2m' : 'smp';
}

/** The cases a target run of these protocols runs (a simulator's SMP run lists no LwM2M case, and the other way round). */
export function casesForProtocols<C extends Pick<CaseRecord, 'suite' | 'protocol'>>(cases: readonly C[], protocols: readonly TargetProtocol[]): C[] {
  return cases.filter((c) => protocols.includes(caseProtocol(c)));
}

/** Suite folders of the protocols (vitest file filters: only these suite files load); the footprint cases ride with SMP. */
export function suiteFoldersFor(protocols: readonly TargetProtocol[]): string[] {
  return protocols.flatMap((p) => (p === 'smp' ? ['suites/smp/', 'suites/footprint/'] : [`suites/${p}/`]));
}

/**
 * The suite files that declare the cases, sorted (vitest file filters: a run loads only these);
 * undefined when a case does not name its file, so the run must load every suite of its protocols.
 */
export function suiteFilesOf(cases: readonly Pick<CaseRecord, 'file'>[]): string[] | undefined {
  const files = new Set<string>();
  for (const c of cases) {
    if (c.file === undefined || c.file === '') return undefined;
    files.add(c.file);
  }
  return [...files].sort();
}
