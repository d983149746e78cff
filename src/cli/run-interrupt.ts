/**
 * SIGINT and SIGTERM during `run`: the target processes are killed, and the reports are written
 * from what finished before the signal (the journal each target run appends a line to per
 * finished case), so an interrupted run leaves a valid summary.json marked `interrupted`, JUnit
 * and Allure results for those cases (and for the case that was running, what its case journal
 * holds), and says so. Exit status 128 + the signal number.
 * @see docs/architecture.md "Session and run model"
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTargetSummary, type CaseRecord, missingCaseRecord, parseJsonLines, toCaseSummary, writeFileAtomic } from '../reporting/index.ts';
import type { RunningCase } from '../reporting/case-collector.ts';
import { junitFileName, renderJUnit } from '../reporting/junit.ts';
import { readSessionInfo, runningCaseFile, type TargetRunResult, writeMissingAllureResults } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';

/** The signals a run turns into partial reports. */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of `INTERRUPT_SIGNALS`. */
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** Exit status of a run stopped by `signal`, as a shell reports it: 130 for SIGINT, 143 for SIGTERM. */
export function interruptExitCode(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Call `onSignal` once on the first SIGINT or SIGTERM (a second one while it runs is ignored);
 * returns the function that removes the handlers.
 */
export function onInterrupt(onSignal: (signal: InterruptSignal) => void): () => void {
  let isHandling = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (isHandling) return;
    isHandling = true;
    onSignal(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  };
  for (const s of INTERRUPT_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of INTERRUPT_SIGNALS) process.off(s, handler);
  };
}

function readJournal(path: string): CaseRecord[] {
  try {
    return existsSync(path) ? (parseJsonLines(readFileSync(path, 'utf8')) as CaseRecord[]) : [];
  } catch {
    return [];
  }
}

function readResult(path: string): TargetRunResult | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TargetRunResult;
  } catch {
    return undefined;
  }
}

function readRunningCase(path: string): RunningCase | undefined {
  try {
    const running = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunningCase>;
    return typeof running.record?.id === 'string' && typeof running.startedAtMs === 'number' ? (running as RunningCase) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The case the signal stopped mid-way, in the Allure results as broken with the interruption as
 * its message, and the steps and trace the worker had written to the case journal by then.
 * Summary and JUnit keep only finished cases.
 */
function writeRunningCaseResult(plan: TargetRunPlan, outDir: string, signal: InterruptSignal, finished: ReadonlySet<string>): void {
  const running = readRunningCase(runningCaseFile(outDir, plan.key));
  if (running === undefined || finished.has(running.record.id)) return;
  const record = missingCaseRecord(running.record, `interrupted by ${signal} while this case was running`);
  writeMissingAllureResults(outDir, plan, [record], running.startedAtMs);
}

/**
 * What an interrupted target run leaves: its result file when it got to write one, else the cases
 * its journal holds (finished before the signal; later ones are left out, not invented), with an
 * Allure result each, the running case's Allure result marked interrupted, and a JUnit file
 * naming the interruption.
 */
export function interruptedTargetResult(plan: TargetRunPlan, outDir: string, signal: InterruptSignal, selectedCount: number): TargetRunResult {
  const journalDir = join(outDir, '.journal');
  const complete = readResult(join(journalDir, `${plan.key}.result.json`));
  if (complete !== undefined) return complete;
  const seen = new Set<string>();
  // One record per case: the last line, should a case have been journaled twice.
  const records = readJournal(join(journalDir, `${plan.key}.jsonl`))
    .reverse()
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .reverse();
  const target = { name: plan.target.name, transport: plan.transport };
  // Finished cases have their Allure results already (steps and attachments included), written
  // as each finished; one the process had no time to write gets one from its record.
  writeMissingAllureResults(outDir, plan, records);
  writeRunningCaseResult(plan, outDir, signal, seen);
  const error = `interrupted by ${signal} after ${records.length} of ${selectedCount} case(s)`;
  const info = readSessionInfo(join(journalDir, `${plan.key}.session.json`));
  const startedAt = new Date().toISOString();
  const summary = buildTargetSummary({ ...target, identity: info.identity, capabilities: info.capabilities, ...(info.timing ? { timing: info.timing } : {}), cases: records.map(toCaseSummary), error });
  writeFileAtomic(join(outDir, junitFileName(plan.key)), renderJUnit({ ...target, startedAt, cases: records, error }));
  return { summary, records, startedAt };
}
