/**
 * Allure results written from case records, for cases allure-vitest never wrote (the target run
 * timed out, its process was killed, the target could not be started): in Allure's result-file
 * format, so the Allure report lists every selected case, as the other reports do. A case that
 * was running when the run stopped carries what its case journal holds: the same steps and trace
 * attachments a finished case has, up to the journal's last write.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type EvidenceMessage, evidenceMessages } from './allure-evidence.ts';
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

/**
 * Write one Allure result for a case from its record; returns the file's path. `journaled`: what
 * the case had done when the run stopped (its steps and trace become the result's).
 */
export function writeAllureResultFromRecord(resultsDir: string, record: CaseRecord, target: { name: string; transport: string }, atMs = Date.now(), journaled?: JournaledCase): string {
  const m = allureMetadataFor(record, target);
  const evidence = journaled !== undefined ? resultPartsFromMessages(resultsDir, evidenceMessages(journaled.evidence, journaled.startedAtMs, journaled.dropped)) : { steps: [], attachments: [] };
  const uuid = randomUUID();
  const path = join(resultsDir, `${uuid}-result.json`);
  writeJsonAtomic(path, {
    uuid,
    name: `${record.id} ${record.title}`,
    fullName: `${record.suite}#${record.id} ${record.title}`,
    testCaseId: m.testCaseId,
    status: STATUS[record.outcome],
    statusDetails: { message: record.message },
    stage: 'finished',
    description: m.description,
    labels: m.labels,
    links: m.links,
    parameters: m.parameters,
    steps: evidence.steps,
    attachments: evidence.attachments,
    start: journaled?.startedAtMs ?? atMs,
    // The case ran until the run stopped, which is now (its journal's last write may be older).
    stop: journaled !== undefined ? Math.max(journaled.lastAtMs, Date.now()) : atMs,
  });
  return path;
}
