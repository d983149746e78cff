/**
 * `defineSuite`: the entry point of every suite file. Declarations are validated and registered
 * when the file loads (a bad one fails the file, not a case). Under vitest each case then becomes
 * a test named `<ID> <title>` carrying `task.meta.conformance`; anywhere else the registry is all
 * (the `run` command's own case runner and `list` read it), and vitest is not loaded at all.
 * @see docs/architecture.md "A conformance case"
 */
import type { TestContext } from 'vitest';
import { type CaseBody, runCase, initialMeta } from './case-runner.ts';
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
/** Test timeout of an example case that does not set its own. */
export const CASE_TIMEOUT_MS = 60_000;
/**
 * vitest's own timeout of a case is this much longer than the kit's: the kit ends a case at its
 * timeout with the evidence it reached, vitest's timeout only catches a kit that could not.
 */
const VITEST_TIMEOUT_MARGIN_MS = 5_000;

/** How long a case may run before it ends broken (its declared `timeoutMs`, else the kind's default). */
export function caseTimeoutMs(kind: 'case' | 'property', info: Pick<CaseInfo, 'timeoutMs'>): number {
  return info.timeoutMs ?? (kind === 'property' ? PROPERTY_TIMEOUT_MS : CASE_TIMEOUT_MS);
}

/** A declaration as the suite made it: an example case or a property. */
export type Declared = { kind: 'case'; decl: CaseDeclaration } | { kind: 'property'; decl: PropertyDeclaration<unknown> };

/** True when suite files should only register (the `list` command imports them outside vitest). */
function isRegistrationOnly(): boolean {
  return process.env['VITEST'] === undefined || process.env['MGMT_LIST_ONLY'] === '1';
}

// Loaded only inside vitest: a run's own case runner and `list` never load vitest's runner.
const vitestApi = isRegistrationOnly() ? undefined : await import('vitest');

function metaFor(suite: SuiteInfo, kind: 'case' | 'property', info: CaseInfo): ConformanceMeta {
  return initialMeta(info, suite, kind, specUrl(info.spec.doc, info.spec.section) ?? '');
}

function declareTest(vitest: typeof import('vitest'), suite: SuiteInfo, d: Declared): void {
  const info: CaseInfo = d.decl;
  const meta = metaFor(suite, d.kind, info);
  const timeout = caseTimeoutMs(d.kind, info);
  const options = { timeout: timeout + VITEST_TIMEOUT_MARGIN_MS, meta: { conformance: meta } };
  vitest.test(`${info.id} ${info.title}`, options, async (vctx: TestContext) => {
    // vitest copies `options.meta` into the task; the copy is what reporters read.
    const live = vctx.task.meta.conformance ?? meta;
    await runCase(info, info.level, live, vctx, caseBody(d, live), timeout);
  });
}

/** The body the kit runs for a declared case: the case's `run`, or a property's loop. */
export function caseBody(d: Declared, meta: ConformanceMeta): CaseBody {
  if (d.kind === 'case') {
    const run = d.decl.run;
    return async (ctx) => run(ctx);
  }
  const decl = d.decl;
  return (ctx) => runPropertyLoop(decl, ctx, meta, { replay: process.env['MGMT_REPLAY'] });
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
  const vitest = vitestApi;
  if (vitest === undefined || isRegistrationOnly()) return;
  vitest.describe(`${info.id}: ${info.title}`, () => {
    for (const d of declared) declareTest(vitest, info, d);
  });
}
