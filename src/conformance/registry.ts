/**
 * Every case declared in this process, by id: ids are checked unique at registration, and the
 * `list` command reads the declarations from here without running anything. Kept on a global so
 * one registry serves every module instance vitest creates in a worker.
 */
import { CaseDeclarationError } from './errors.ts';
import type { CaseInfo, SuiteInfo } from './declaration.ts';

/** A registered case, without its body. */
export interface RegisteredCase {
  suite: SuiteInfo;
  kind: 'case' | 'property';
  info: CaseInfo;
}

const REGISTRY_KEY = Symbol.for('mgmt-conformance.case-registry');

type RegistrySlot = { [REGISTRY_KEY]?: Map<string, RegisteredCase> };

function registry(): Map<string, RegisteredCase> {
  const slot = globalThis as RegistrySlot;
  slot[REGISTRY_KEY] ??= new Map();
  return slot[REGISTRY_KEY];
}

/**
 * Register a suite's cases; throws `CaseDeclarationError` on a duplicate id. The same case
 * declared again by the same suite with the same title (a module re-evaluated) replaces itself.
 */
export function registerCases(cases: readonly RegisteredCase[]): void {
  const seen = new Set<string>();
  const reg = registry();
  for (const c of cases) {
    const id = c.info.id;
    if (seen.has(id)) throw new CaseDeclarationError(`case id ${id} is declared twice in suite ${c.suite.id}`);
    seen.add(id);
    const old = reg.get(id);
    if (old && (old.suite.id !== c.suite.id || old.info.title !== c.info.title)) {
      throw new CaseDeclarationError(`case id ${id} in suite ${c.suite.id} is already used by suite ${old.suite.id} ("${old.info.title}")`);
    }
  }
  for (const c of cases) reg.set(c.info.id, c);
}

/** Every registered case, sorted by id. */
export function registeredCases(): RegisteredCase[] {
  return [...registry().values()].sort((a, b) => (a.info.id < b.info.id ? -1 : a.info.id > b.info.id ? 1 : 0));
}

/** Forget every registration (unit tests only). */
export function clearRegistry(): void {
  registry().clear();
}

/** Every registered case in the order it was first declared (the order vitest collects them in a file). */
export function registeredCasesInDeclarationOrder(): RegisteredCase[] {
  return [...registry().values()];
}
