/**
 * Allure results written from case records, in Allure's result-file format: every case the run's
 * own case runner finishes (src/cli/run-direct.ts), and the cases allure-vitest never wrote (the
 * target run timed out, its process was killed, the target could not be started), so the Allure
 * report lists every selected case, as the other reports do. A case carries its evidence as steps
 * and trace attachments; one that was running when the run stopped, what its case journal holds,
 * up to the journal's last write.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type EvidenceItem, type EvidenceMessage, evidenceMessages } from './allure-evidence.ts';
import { allureMetadataFor } from './allure-labels.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
import type { JournaledCase } from './case-journal.ts';
import type { CaseRecord } from './case-record.ts';
import type { OutcomeClass } from './summary.ts';

const STATUS: Record<OutcomeClass, string> = {
  pass: 'passed',
  nonStrict: 'passed',
  informational: 'passed',
  fail: 'failed',
  broken: 'broken',
  unsupported: 'skipped',
  // Allure's only status no other outcome uses: crashes stand apart in its status chart.
  crash: 'unknown',
  blocked: 'skipped',
};

/** An attachment as Allure's result files name it: the file beside the result. */
interface ResultAttachment {
  name: string;
  source: string;
  type: string;
}

/** A step as Allure's result files hold it. */
interface ResultStep {
  name: string;
  status: string;
  stage: 'finished';
  statusDetails: Record<string, never>;
  start: number;
  stop: number;
  parameters: [];
  steps: ResultStep[];
  attachments: ResultAttachment[];
}

/**
 * Turn evidence messages (as `evidenceMessages` makes them for a finished case) into result-file
 * steps and attachments, each attachment written as its own file in `resultsDir`.
 */
export function resultPartsFromMessages(resultsDir: string, messages: readonly EvidenceMessage[]): { steps: ResultStep[]; attachments: ResultAttachment[] } {
  const top = { steps: [] as ResultStep[], attachments: [] as ResultAttachment[] };
  const open: ResultStep[] = [];
  for (const message of messages) {
    const parent = open[open.length - 1] ?? top;
    if (message.type === 'step_start') {
      const step: ResultStep = { name: message.data.name, status: 'passed', stage: 'finished', statusDetails: {}, start: message.data.start, stop: message.data.start, parameters: [], steps: [], attachments: [] };
      parent.steps.push(step);
      open.push(step);
    } else if (message.type === 'step_stop') {
      const step = open.pop();
      if (step !== undefined) Object.assign(step, { stop: message.data.stop, status: message.data.status });
    } else {
      const source = `${randomUUID()}-attachment.${message.data.fileExtension}`;
      writeFileAtomic(join(resultsDir, source), Buffer.from(message.data.content, 'base64'));
      parent.attachments.push({ name: message.data.name, source, type: message.data.contentType });
    }
  }
  return top;
}

/** How one case ran, for its Allure result. */
export interface AllureCaseRun {
  /** Wall-clock start and stop (epoch ms). */
  startMs: number;
  stopMs: number;
  /** What the case sent and received (head and tail), and how many entries were left out. */
  evidence?: { items: readonly EvidenceItem[]; dropped: number };
  /** The stack of the error a failed or broken case ended with. */
  trace?: string;
  /** It passed only on a retry (`run --retries N`). */
  flaky?: boolean;
}

/** Allure's history key: the same case on the same target and transport, across runs. */
function historyId(caseId: string, target: { name: string; transport: string }): string {
  return `${caseId}:${createHash('md5').update(`${target.name}/${target.transport}`).digest('hex')}`;
}

/**
 * Write one Allure result for a case from its record and how it ran; returns the file's path.
 * Labels as allure-vitest gives a test (suite, package, host, thread) plus the conformance ones.
 */
export function writeAllureResult(resultsDir: string, record: CaseRecord, target: { name: string; transport: string }, run: AllureCaseRun): string {
  const m = allureMetadataFor(record, target);
  const evidence = run.evidence !== undefined ? resultPartsFromMessages(resultsDir, evidenceMessages(run.evidence.items, run.startMs, run.evidence.dropped)) : { steps: [], attachments: [] };
  const file = record.file ?? record.suite;
  const labels = [
    { name: 'framework', value: 'mgmt-conformance' },
    { name: 'language', value: 'javascript' },
    { name: 'parentSuite', value: record.suite },
    { name: 'host', value: hostname() },
    { name: 'thread', value: `pid-${process.pid}` },
    { name: 'package', value: `mgmt-conformance.${file.split('/').join('.')}` },
    ...m.labels,
    ...(run.flaky === true ? [{ name: 'tag', value: 'flaky' }] : []),
  ];
  const uuid = randomUUID();
  const path = join(resultsDir, `${uuid}-result.json`);
  writeJsonAtomic(path, {
    uuid,
    name: `${record.id} ${record.title}`,
    historyId: historyId(record.id, target),
    fullName: `mgmt-conformance:${file}#${record.id} ${record.title}`,
    testCaseId: m.testCaseId,
    status: STATUS[record.outcome],
    statusDetails: { message: record.message, ...(run.trace !== undefined ? { trace: run.trace } : {}), ...(run.flaky === true ? { flaky: true } : {}) },
    stage: 'finished',
    description: m.description,
    labels,
    links: m.links,
    parameters: m.parameters,
    steps: evidence.steps,
    attachments: evidence.attachments,
    start: run.startMs,
    stop: run.stopMs,
  });
  return path;
}

/**
 * Write one Allure result for a case that did not finish, from its record; returns the file's
 * path. `journaled`: what the case had done when the run stopped (its steps and trace become the
 * result's).
 */
export function writeAllureResultFromRecord(resultsDir: string, record: CaseRecord, target: { name: string; transport: string }, atMs = Date.now(), journaled?: JournaledCase): string {
  if (journaled === undefined) return writeAllureResult(resultsDir, record, target, { startMs: atMs, stopMs: atMs });
  return writeAllureResult(resultsDir, record, target, {
    startMs: journaled.startedAtMs,
    // The case ran until the run stopped, which is now (its journal's last write may be older).
    stopMs: Math.max(journaled.lastAtMs, Date.now()),
    evidence: { items: journaled.evidence, dropped: journaled.dropped },
  });
}
