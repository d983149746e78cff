/**
 * `CaseCollector`: one `CaseRecord` per finished case, for summary.json and JUnit, each appended
 * to a JSON-lines journal as it arrives (a crash loses nothing already finished). It listens to
 * vitest as a reporter, and the run's own case runner (src/cli/run-direct.ts) calls it directly.
 * @see docs/architecture.md "Reports"
 */
import { relative } from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import { appendJsonLine, writeJsonAtomic } from './atomic-write.ts';
import { caseRecordFromTest, type FinishedTest } from './case-from-test.ts';
import type { CaseRecord } from './case-record.ts';
import { certifyRecord } from './required-capabilities.ts';

/** The skip note vitest gives tests it cancels (`@vitest/runner`, `TestRunAbortError`). */
export const CANCELLED_NOTE = 'The test run was aborted by the user.';

/** Map vitest's reported test to the mapping's input. */
export function finishedFromTestCase(testCase: TestCase, root: string): FinishedTest {
  const result = testCase.result();
  const out: FinishedTest = {
    name: testCase.name,
    meta: testCase.meta(),
    state: result.state,
    errors: (result.errors ?? []).map((e) => ({ name: e.name, message: e.message, stack: e.stack })),
    durationMs: testCase.diagnostic()?.duration ?? 0,
    file: relative(root, testCase.module.moduleId),
  };
  if (result.state === 'skipped' && result.note !== undefined) out.note = result.note;
  return out;
}

/** The case a target run started last: its record as listed, and when it started. */
export interface RunningCase {
  record: CaseRecord;
  startedAtMs: number;
}

/** Collects one `CaseRecord` per finished test and appends each to a JSON-lines journal. */
export class CaseCollector {
  readonly records: CaseRecord[] = [];
  /** Ids of every test in the files this run collected (a shard collects only its files). */
  readonly collectedIds = new Set<string>();
  readonly #root: string;
  readonly #journal: string | undefined;
  readonly #onCase: ((record: CaseRecord) => void) | undefined;
  readonly #required: readonly string[];
  readonly #onlyIds: ReadonlySet<string> | undefined;
  readonly #runningFile: string | undefined;

  /**
   * `requiredCapabilities`: the certify profile's list (see ./required-capabilities.ts);
   * `onlyIds`: the selected cases (vitest reports the ones its name pattern left out as skipped);
   * `runningFile`: where the case that is running is named (`RunningCase`), replaced at each start.
   */
  constructor(options: {
    root: string;
    journal?: string;
    runningFile?: string;
    onCase?: (record: CaseRecord) => void;
    requiredCapabilities?: readonly string[];
    onlyIds?: Iterable<string>;
  }) {
    this.#root = options.root;
    this.#runningFile = options.runningFile;
    this.#onlyIds = options.onlyIds !== undefined ? new Set(options.onlyIds) : undefined;
    this.#journal = options.journal;
    this.#onCase = options.onCase;
    this.#required = options.requiredCapabilities ?? [];
  }

  onTestModuleCollected(module: TestModule): void {
    for (const test of module.children.allTests()) {
      this.collectedIds.add(caseRecordFromTest({ ...finishedFromTestCase(test, this.#root), state: 'passed', errors: [] }).id);
    }
  }

  /** The case about to run is named in the running file, so an interrupted run can say which one it stopped. */
  onTestCaseReady(testCase: TestCase): void {
    this.caseStarting({ ...finishedFromTestCase(testCase, this.#root), state: 'passed', errors: [] });
  }

  onTestCaseResult(testCase: TestCase): void {
    this.caseFinished(finishedFromTestCase(testCase, this.#root), testCase.diagnostic());
  }

  /** A case is about to run (`finished`: the case as listed, state ignored). */
  caseStarting(listed: FinishedTest): void {
    if (this.#runningFile === undefined) return;
    const record = caseRecordFromTest(listed);
    if (this.#onlyIds !== undefined && !this.#onlyIds.has(record.id)) return;
    const running: RunningCase = { record, startedAtMs: Date.now() };
    writeJsonAtomic(this.#runningFile, running);
  }

  /**
   * A case ended; returns its record, or undefined when it is not one of the run's (not selected,
   * cancelled). `retries`: the attempts before this one, and whether an earlier one failed.
   */
  caseFinished(finished: FinishedTest, retries?: { retryCount: number; flaky: boolean }): CaseRecord | undefined {
    // A cancelled run (global timeout) reports its unfinished cases as skipped, which would read as
    // "unsupported", and the ones never started as pending; leave both out so the caller marks them
    // broken with the real reason.
    if (finished.state === 'pending' || (finished.state === 'skipped' && finished.note === CANCELLED_NOTE)) return undefined;
    const record = certifyRecord(caseRecordFromTest(finished), this.#required);
    if (this.#onlyIds !== undefined && !this.#onlyIds.has(record.id)) return undefined;
    // Retries (`run --retries N`): a failed case is rerun in place; the kit rewrites the case's
    // metadata on every attempt, so the record is the last attempt's, marked when it only passed
    // on a retry.
    if (retries !== undefined && retries.retryCount > 0) {
      record.attempts = retries.retryCount + 1;
      if (retries.flaky) record.flaky = true;
    }
    this.records.push(record);
    if (this.#journal) appendJsonLine(this.#journal, record);
    this.#onCase?.(record);
    return record;
  }
}
