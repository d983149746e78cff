/**
 * Allure results written from case records, for cases allure-vitest never wrote (the target run
 * timed out, its process was killed, the target could not be started): in Allure's result-file
 * format, so the Allure report lists every selected case, as the other reports do.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { allureMetadataFor } from './allure-labels.ts';
import { writeJsonAtomic } from './atomic-write.ts';
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

/** Write one Allure result for a case from its record; returns the file's path. */
export function writeAllureResultFromRecord(resultsDir: string, record: CaseRecord, target: { name: string; transport: string }, atMs = Date.now()): string {
  const m = allureMetadataFor(record, target);
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
    steps: [],
    attachments: [],
    start: atMs,
    stop: atMs,
  });
  return path;
}
