/**
 * One registered case run without vitest: the `run` command's own case runner
 * (src/cli/run-direct.ts) calls this for each selected case. The kit's `runCase` does the work;
 * this gives it a host (`skip` ends the case skipped, the run's signal aborts it) and turns the
 * ending into the `FinishedTest` the reporters map to a case record, as they do vitest's tests.
 * @see docs/architecture.md "Session and run model"
 */
import type { FinishedTest } from '../reporting/case-from-test.ts';
import { type CaseHost, initialMeta, runCase } from './case-runner.ts';
import { caseBody, caseTimeoutMs, type Declared } from './define-suite.ts';
import type { ConformanceMeta } from './meta.ts';
import type { RegisteredCase } from './registry.ts';
import { specUrl } from './spec-registry.ts';

/** Thrown by the host's `skip`: the case ends skipped with the note. */
class CaseSkipped extends Error {
  constructor(readonly note: string) {
    super(note);
  }
}

/** A case's metadata as a reporter sees it: plain JSON (bigints as decimal strings, bytes as hex). */
function plainMeta(meta: ConformanceMeta): unknown {
  return JSON.parse(
    JSON.stringify({ conformance: meta }, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
      return value;
    }),
  ) as unknown;
}

function errorOf(e: unknown): { name?: string; message?: string; stack?: string } {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/** The case as listed before it runs (state and errors are placeholders). */
export function listedCase(c: RegisteredCase, file: string): FinishedTest {
  const meta = initialMeta(c.info, c.suite, c.kind, specUrl(c.info.spec.doc, c.info.spec.section) ?? '');
  return { name: `${c.info.id} ${c.info.title}`, meta: plainMeta(meta), state: 'passed', errors: [], durationMs: 0, file };
}

/**
 * Run one registered case against the session the provider gives (src/conformance/session-port.ts);
 * never throws: every ending is in the result. `signal` aborts the case (the run gave up on it).
 */
export async function runRegisteredCase(c: RegisteredCase, file: string, signal: AbortSignal): Promise<FinishedTest> {
  const meta = initialMeta(c.info, c.suite, c.kind, specUrl(c.info.spec.doc, c.info.spec.section) ?? '');
  const host: CaseHost = {
    // Warnings and notes reach the reports through the metadata (`meta.warnings`).
    annotate: () => undefined,
    skip: (note: string) => {
      throw new CaseSkipped(note);
    },
    signal,
  };
  // The registry keeps each declaration as the suite made it, body included.
  const declared = { kind: c.kind, decl: c.info } as Declared;
  const startedMs = performance.now();
  let state: FinishedTest['state'] = 'passed';
  let errors: FinishedTest['errors'] = [];
  let note: string | undefined;
  try {
    await runCase(c.info, c.info.level, meta, host, caseBody(declared, meta), caseTimeoutMs(c.kind, c.info));
  } catch (e) {
    if (e instanceof CaseSkipped) {
      state = 'skipped';
      note = e.note;
    } else {
      state = 'failed';
      errors = [errorOf(e)];
    }
  }
  const durationMs = performance.now() - startedMs;
  return { name: `${c.info.id} ${c.info.title}`, meta: plainMeta(meta), state, errors, ...(note !== undefined ? { note } : {}), durationMs, file };
}
