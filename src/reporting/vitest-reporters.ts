/**
 * The vitest reporters a conformance run installs: `CaseCollector` (./case-collector.ts: case
 * records for summary.json and JUnit, journaled line by line so a crash loses nothing already
 * finished) and `ConformanceAllureReporter` (allure-vitest, plus the conformance labels, steps and
 * traces).
 * @see docs/architecture.md "Reports"
 */
import AllureVitestReporter from 'allure-vitest/reporter';
import type { RunnerTask } from 'vitest';
import type { TestCase } from 'vitest/node';
import { allureMetadataFor } from './allure-labels.ts';
import { evidenceMessages, readEvidence } from './allure-evidence.ts';
import { caseRecordFromTest, conformanceMeta, type FinishedTest } from './case-from-test.ts';
import { allureCategories } from './allure-results.ts';
import { CANCELLED_NOTE } from './case-collector.ts';
import { certifyFailureMessage } from './required-capabilities.ts';

export { allureCategories } from './allure-results.ts';
export { CANCELLED_NOTE, CaseCollector, finishedFromTestCase, type RunningCase } from './case-collector.ts';

/** Target name and transport of a run, as shown in reports. */
export interface ReportTarget {
  name: string;
  transport: string;
}

function finishedFromTask(task: RunnerTask): FinishedTest {
  const r = task.result;
  const state = r?.state === 'pass' ? 'passed' : r?.state === 'fail' ? 'failed' : r?.state === 'skip' || task.mode === 'skip' ? 'skipped' : 'pending';
  const out: FinishedTest = {
    name: task.name,
    meta: task.meta,
    state,
    errors: (r?.errors ?? []).map((e) => ({ name: e.name, message: e.message, stack: e.stack })),
    durationMs: r?.duration ?? 0,
    file: task.file.name,
  };
  // The runner stores the `ctx.skip(note)` reason on the result, but its types omit it.
  const note = (r as { note?: unknown } | undefined)?.note;
  if (typeof note === 'string') out.note = note;
  return out;
}

type AllureConfig = ConstructorParameters<typeof AllureVitestReporter>[0];

/**
 * allure-vitest with the conformance metadata added: before allure-vitest writes a test, its
 * labels, links, parameters and evidence steps are put in front of the test's own runtime
 * messages, so the kit needs no Allure calls of its own.
 */
export class ConformanceAllureReporter extends AllureVitestReporter {
  readonly #target: ReportTarget;
  readonly #required: readonly string[];
  /** Tests already written: each is written as it finishes, so a killed run keeps them whole. */
  readonly #written = new Set<string>();

  /** `requiredCapabilities`: the certify profile's list; a case skipped for want of one is written as failed. */
  constructor(options: { resultsDir: string; target: ReportTarget; environmentInfo?: Record<string, string>; requiredCapabilities?: readonly string[] }) {
    super({
      resultsDir: options.resultsDir,
      // allure's Status is a string enum; these strings are its values.
      categories: allureCategories() as AllureConfig['categories'],
      environmentInfo: options.environmentInfo ?? {},
    });
    this.#target = options.target;
    this.#required = options.requiredCapabilities ?? [];
  }

  /**
   * Write each case's result (steps, attachments) as soon as it finishes; allure-vitest itself
   * writes only at the end of the run, which a run stopped by a signal never reaches.
   */
  onTestCaseResult(testCase: TestCase): void {
    // The runner task behind the reported test (vitest keeps it on the object, untyped).
    const task = (testCase as unknown as { task?: RunnerTask }).task;
    if (task !== undefined) this.handleTask(task);
  }

  override handleTask(task: RunnerTask): void {
    if (task.type === 'test') {
      if (this.#written.has(task.id)) return;
      // A case that never finished (cancelled by the global timeout, or never started) is written
      // later from its record, as broken; allure-vitest would write it without a status.
      const r = task.result as { state?: string; note?: unknown } | undefined;
      if (r?.note === CANCELLED_NOTE || (task.mode !== 'skip' && (r === undefined || r.state === 'run' || r.state === 'queued'))) return;
      this.#applyRequired(task);
      this.#decorate(task);
      super.handleTask(task);
      this.#written.add(task.id);
      return;
    }
    super.handleTask(task);
  }

  /** Certify profile: a skip for want of a required capability becomes a failed check. */
  #applyRequired(task: RunnerTask): void {
    const r = task.result as { state?: string; note?: unknown } | undefined;
    if (this.#required.length === 0 || r?.state !== 'skip' || typeof r.note !== 'string' || task.result === undefined) return;
    const message = certifyFailureMessage(r.note, this.#required);
    if (message === undefined) return;
    task.mode = 'run';
    task.result = { ...task.result, state: 'fail', errors: [{ name: 'AssertionError', message }] };
    const conformance = conformanceMeta(task.meta);
    if (Object.keys(conformance).length > 0) Object.assign(conformance, { outcome: 'fail', message });
  }

  #decorate(task: RunnerTask): void {
    const meta = task.meta as Record<string, unknown>;
    const conformance = conformanceMeta(meta);
    if (Object.keys(conformance).length === 0 || meta['conformanceAllure'] === true) return;
    meta['conformanceAllure'] = true;
    const record = caseRecordFromTest(finishedFromTask(task));
    const m = allureMetadataFor(record, this.#target);
    const retries = (task.result as { retryCount?: number } | undefined)?.retryCount ?? 0;
    if (retries > 0 && task.result?.state === 'pass') m.labels.push({ name: 'tag', value: 'flaky' });
    const evidence = readEvidence(conformance['evidence']);
    const dropped = typeof conformance['evidenceDropped'] === 'number' ? conformance['evidenceDropped'] : 0;
    const own = Array.isArray(meta['allureRuntimeMessages']) ? (meta['allureRuntimeMessages'] as unknown[]) : [];
    meta['allureRuntimeMessages'] = [
      { type: 'metadata', data: { labels: m.labels, links: m.links, parameters: m.parameters, testCaseId: m.testCaseId, description: m.description } },
      ...evidenceMessages(evidence, task.result?.startTime ?? Date.now(), dropped),
      ...own,
    ];
  }
}
