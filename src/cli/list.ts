/**
 * `mgmt-conformance list`: every conformance case (id, level, title, spec reference), collected
 * from the suites by vitest without running them, with the same filters as `run`.
 */
import type { CaseRecord } from '../reporting/index.ts';
import { type CliIo, formatFlagHelp, parseFlags } from './args.ts';
import { LIST_FLAGS, parseFilter } from './run-options.ts';
import { selectCases } from './run-selection.ts';
import { collectConformanceCases } from './run-vitest.ts';

const HELP = `Usage: mgmt-conformance list [options]

Print the conformance cases: id, level, title and spec reference.

Options:
${formatFlagHelp(LIST_FLAGS)}
`;

function listEntry(c: CaseRecord): Record<string, string> {
  const entry: Record<string, string> = { id: c.id, level: c.level, title: c.title, spec: c.spec, suite: c.suite, protocol: c.protocol, feature: c.group, story: c.command };
  if (c.specUrl) entry.specUrl = c.specUrl;
  return entry;
}

/** Cases as aligned text lines: id, level, title, spec. */
export function formatCaseList(cases: readonly CaseRecord[]): string {
  const idWidth = Math.max(2, ...cases.map((c) => c.id.length));
  const lines = cases.map((c) => `${c.id.padEnd(idWidth)}  ${c.level.padEnd(6)}  ${c.title}  [${c.spec}]`);
  lines.push(`${cases.length} case(s)`);
  return `${lines.join('\n')}\n`;
}

/** Run `list`; returns the exit code (0 listed, 1 a suite file failed to load, 2 usage). */
export async function listCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('list', argv, LIST_FLAGS);
  if (flags.help) {
    io.stdout(HELP);
    return 0;
  }
  const filter = parseFilter('list', flags);
  const { cases, problems } = await collectConformanceCases();
  const selected = selectCases(cases, filter);
  if (flags.json) io.stdout(`${JSON.stringify(selected.map(listEntry), null, 2)}\n`);
  else io.stdout(formatCaseList(selected));
  for (const p of problems) io.stderr(`list: ${p}\n`);
  return problems.length > 0 ? 1 : 0;
}
