/**
 * `defineSuite`: the entry point of every suite file. Declarations are validated and registered
 * when the file loads (a bad one fails the file, not a case), then each case becomes a vitest
 * test named `<ID> <title>` carrying `task.meta.conformance`.
 * @see docs/architecture.md "A conformance case"
 */
import { describe, test, type TestContext } from 'vitest';
import { runCase, initialMeta } from './case-runner.ts';
import {
  validateCaseInfo,
  validatePropertyInfo,
  validateSuiteInfo,
  type CaseDeclaration,
  type CaseInfo,
  type PropertyDeclaration,
  type SuiteInfo,
} from './declaration.ts';
import { CaseDeclarationError } from './errors.ts';
import type { ConformanceMeta } from './meta.ts';
import { runPropertyLoop } from './property-runner.ts';
import { registerCases, type RegisteredCase } from './registry.ts';
import { specUrl } from './spec-registry.ts';

/** Declares the cases of a suite. */
export interface SuiteBuilder {
  /** An example-based case. */
  case(declaration: CaseDeclaration): void;
  /** A property-based case (fast-check). */
  property<T>(declaration: PropertyDeclaration<T>): void;
}

/** Test timeout of a property case that does not set its own. */
export const PROPERTY_TIMEOUT_MS = 600_000;

type Declared = { kind: 'case'; decl: CaseDeclaration } | { kind: 'property'; decl: PropertyDeclaration<unknown> };

/** True when suite files should only register (the `list` command imports them outside vitest). */
function isRegistrationOnly(): boolean {
  return process.env['VITEST'] === undefined || process.env['MGMT_LIST_ONLY'] === '1';
}

function metaFor(suite: SuiteInfo, kind: 'case' | 'property', info: CaseInfo): ConformanceMeta {
  return initialMeta(info, suite, kind, specUrl(info.spec.doc, info.spec.section) ?? '');
}

function declareTest(suite: SuiteInfo, d: Declared): void {
  const info: CaseInfo = d.decl;
  const meta = metaFor(suite, d.kind, info);
  const timeout = info.timeoutMs ?? (d.kind === 'property' ? PROPERTY_TIMEOUT_MS : undefined);
  const options = timeout === undefined ? { meta: { conformance: meta } } : { timeout, meta: { conformance: meta } };
  test(`${info.id} ${info.title}`, options, async (vctx: TestContext) => {
    // vitest copies `options.meta` into the task; the copy is what reporters read.
    const live = vctx.task.meta.conformance ?? meta;
    if (d.kind === 'case') {
      const run = d.decl.run;
      await runCase(info, info.level, live, vctx, async (ctx) => run(ctx));
    } else {
      const decl = d.decl;
      await runCase(info, info.level, live, vctx, (ctx) => runPropertyLoop(decl, ctx, live, { replay: process.env['MGMT_REPLAY'] }));
    }
  });
}

/**
 * Define a suite: `defineSuite({ id: 'smp/os', protocol: 'SMP', feature: 'os', title }, (s) => { s.case({...}) })`.
 * Throws `CaseDeclarationError` on an invalid or duplicate declaration.
 */
export function defineSuite(info: SuiteInfo, body: (s: SuiteBuilder) => void): void {
  validateSuiteInfo(info);
  const declared: Declared[] = [];
  body({
    case(decl) {
      validateCaseInfo(decl, info.id);
      if (typeof decl.run !== 'function') throw new CaseDeclarationError(`suite ${info.id}, case ${decl.id}: run is not a function`);
      declared.push({ kind: 'case', decl });
    },
    property<T>(decl: PropertyDeclaration<T>) {
      validateCaseInfo(decl, info.id);
      validatePropertyInfo(decl as PropertyDeclaration<unknown>, info.id);
      declared.push({ kind: 'property', decl: decl as PropertyDeclaration<unknown> });
    },
  });
  registerCases(declared.map((d): RegisteredCase => ({ suite: info, kind: d.kind, info: d.decl })));
  if (isRegistrationOnly()) return;
  describe(`${info.id}: ${info.title}`, () => {
    for (const d of declared) declareTest(info, d);
  });
}
