/**
 * `run --baseline FILE`: compare the finished run with an earlier summary.json, as `diff` does,
 * print the comparison and write it as reports/diff.json and reports/diff.md.
 */
import { join } from 'node:path';
import { diffSummaries, type ExtendedSummary, readSummaryFile, renderSummaryDiff, type RunSummary, type SummaryDiff, writeFileAtomic, writeJsonAtomic } from '../reporting/index.ts';
import { renderSummaryDiffMarkdown } from '../reporting/diff-markdown.ts';

/** Read and check the baseline before the run starts, so a wrong path costs nothing (InputFileError, exit 2). */
export function loadBaseline(path: string): ExtendedSummary {
  return readSummaryFile(path);
}

/** Compare, write diff.json and diff.md into `outDir`, and return the comparison and its text. */
export function compareWithBaseline(baseline: ExtendedSummary, baselinePath: string, current: RunSummary, outDir: string): { diff: SummaryDiff; text: string } {
  const diff = diffSummaries(baseline, current);
  writeJsonAtomic(join(outDir, 'diff.json'), { baseline: baselinePath, baselineStartedAt: baseline.startedAt, currentStartedAt: current.startedAt, ...diff });
  const titles = { baseline: `${baselinePath} (${baseline.startedAt})`, current: `this run (${current.startedAt})` };
  writeFileAtomic(join(outDir, 'diff.md'), renderSummaryDiffMarkdown(diff, titles));
  return { diff, text: renderSummaryDiff(diff) };
}
