/**
 * Entry point of one target-run process: `run` starts one per target when it runs several
 * targets in parallel (DESIGN.md "One session per target": one process per target). Reads the
 * job from the JSON file named on the command line, runs it, and writes the result file the
 * parent merges. Each finished case goes to stdout as a case event line the parent shows as progress.
 */
import { readFileSync } from 'node:fs';
import { type CaseRecord, writeJsonAtomic } from '../reporting/index.ts';
import { caseEventLine } from './run-progress.ts';
import { defaultPrepareTarget } from './run-prepare.ts';
import { executeTargetRun, type TargetRunResult } from './run-target.ts';
import type { TargetRunPlan } from './run-targets.ts';

/** The job a parent hands to a target-run process. */
export interface ChildJob {
  plan: TargetRunPlan;
  selected: CaseRecord[];
  root: string;
  outDir: string;
  runTimeoutMs: number;
  loadProblems: string[];
  isJson: boolean;
  /** Where to write the `TargetRunResult` as JSON. */
  resultFile: string;
}

/** Run a job in this process; the parent reads `job.resultFile` afterwards. */
export async function runChildJob(job: ChildJob): Promise<TargetRunResult> {
  const result = await executeTargetRun(job.plan, {
    root: job.root,
    selected: job.selected,
    outDir: job.outDir,
    prepare: defaultPrepareTarget,
    runTimeoutMs: job.runTimeoutMs,
    loadProblems: job.loadProblems,
    // The parent turns these lines into its progress display (src/cli/run-progress.ts).
    onCase: (_plan, r) => {
      if (!job.isJson) process.stdout.write(caseEventLine({ id: r.id, title: r.title, outcome: r.outcome, ...(r.flaky === true ? { flaky: true } : {}) }));
    },
  });
  writeJsonAtomic(job.resultFile, result);
  return result;
}

const jobFile = process.argv[2];
// The TypeScript entry, or the CLI bundle's run-child.js.
if (jobFile !== undefined && /run-child\.[jt]s$/.test(process.argv[1] ?? '')) {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
  await runChildJob(job);
  // The vitest run is closed; anything still holding the loop open (a stuck socket) must not
  // keep this process, and with it the parent, waiting.
  process.exit(0);
}
