/**
 * `mgmt-conformance diff BASELINE CURRENT`: compare two summary.json files (new failures, fixed,
 * newly unsupported, added and removed cases, timing regressions, footprint growth). Exit 0, or 1
 * with `--fail-on-regression` when something regressed; 2 on usage errors or an unreadable or
 * invalid file (the message names the file and the JSON pointer).
 */
import { UsageError } from '../errors.ts';
import { readSummaryFile } from '../reporting/certificate/summary-file.ts';
import { DEFAULT_DIFF_OPTIONS, diffSummaries } from '../reporting/diff.ts';
import { renderSummaryDiff } from '../reporting/diff-text.ts';
import { type CliIo, formatFlagHelp, parseFlags } from './args.ts';

const FLAGS = {
  'timing-threshold': { type: 'string', valueName: 'PCT', description: `a timing value this much above the baseline is a regression (default ${DEFAULT_DIFF_OPTIONS.timingThresholdPct}%)` },
  'timing-min-ms': { type: 'string', valueName: 'MS', description: `…and only when it grew by at least this many ms (default ${DEFAULT_DIFF_OPTIONS.timingMinDeltaMs})` },
  'fail-on-regression': { type: 'boolean', description: 'exit 1 when anything regressed' },
  json: { type: 'boolean', description: 'print the comparison as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

const HELP = `Usage: mgmt-conformance diff [options] BASELINE CURRENT

Compare two summary.json files: new failures, fixed cases, newly unsupported
cases, cases added or removed, timing regressions beyond a threshold (per case
and, when recorded, per command) and footprint growth.
Exit code: 0, or 1 with --fail-on-regression when something regressed;
2 on usage errors or a missing or invalid file.

Options:
${formatFlagHelp(FLAGS)}
`;

/** A non-negative number flag, `20` or `20%` for percentages. */
function numberFlag(name: string, value: string, allowPercent: boolean): number {
  const text = allowPercent && value.endsWith('%') ? value.slice(0, -1) : value;
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`diff: --${name} expects a non-negative number${allowPercent ? ' (like 20 or 20%)' : ''}, got '${value}'`);
  return n;
}

/** Run `diff`; returns the exit code. */
export async function diffCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('diff', argv, FLAGS, 2);
  if (flags.help) {
    io.stdout(HELP);
    return 0;
  }
  const [baselinePath, currentPath] = positionals;
  if (baselinePath === undefined || currentPath === undefined) throw new UsageError('diff: needs two files, BASELINE and CURRENT (see mgmt-conformance diff --help)');
  const options = {
    timingThresholdPct: flags['timing-threshold'] !== undefined ? numberFlag('timing-threshold', flags['timing-threshold'], true) : DEFAULT_DIFF_OPTIONS.timingThresholdPct,
    timingMinDeltaMs: flags['timing-min-ms'] !== undefined ? numberFlag('timing-min-ms', flags['timing-min-ms'], false) : DEFAULT_DIFF_OPTIONS.timingMinDeltaMs,
  };
  const diff = diffSummaries(readSummaryFile(baselinePath), readSummaryFile(currentPath), options);
  io.stdout(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : renderSummaryDiff(diff));
  return flags['fail-on-regression'] && diff.hasRegression ? 1 : 0;
}
