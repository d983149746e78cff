/**
 * The commands the documentation tells people to type still exist as written: every
 * `mgmt-conformance …` line in a code block of README.md and docs/ci.md (the CI matrices, the
 * labgrid and LAVA examples) names a real command, uses only flags that command's `--help`
 * lists, and every `run` line is accepted by `run`'s own option parser (shard and profile
 * values included). CI variables are given sample values.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../../src/cli/run-options.ts';

const root = resolve(import.meta.dirname, '../../..');
const DOCS = ['README.md', 'docs/ci.md'];
/** Commands with sub-commands: their help is per sub-command. */
const WITH_SUBCOMMANDS = new Set(['image', 'targets']);

interface DocCommand {
  file: string;
  line: number;
  argv: string[];
}

/** Lines inside fenced or indented code blocks, continuation backslashes joined. */
function codeLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (!fenced && !/^( {4}|\t)/.test(raw)) return;
    const joined = pending ? { line: pending.line, text: `${pending.text} ${raw.trim()}` } : { line: i + 1, text: raw };
    if (joined.text.trimEnd().endsWith('\\')) pending = { line: joined.line, text: joined.text.trimEnd().slice(0, -1) };
    else {
      pending = undefined;
      out.push(joined);
    }
  });
  return out;
}

/** CI and shell variables replaced by sample values; the command cut at the first shell operator or comment. */
function commandOf(text: string): string[] | undefined {
  const at = text.search(/(^|[\s(])mgmt-conformance\s/);
  if (at < 0) return undefined;
  const rest = text.slice(text.indexOf('mgmt-conformance', at) + 'mgmt-conformance'.length);
  const cut = rest.split(/\s(?:\|\|?|&&|;|>|#)\s|\)\s*$|;\s*\w+=/)[0] ?? '';
  const substituted = cut.replace(/\$\{\{[^}]*\}\}/g, '1').replace(/\$\{(\w+)\}|\$(\w+)/g, '1');
  // Words as a shell splits them: quoted ones whole, without their quotes.
  return (substituted.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((t) => (/^(["']).*\1$/.test(t) ? t.slice(1, -1) : t));
}

function documentedCommands(): DocCommand[] {
  const found: DocCommand[] = [];
  for (const file of DOCS) {
    for (const { line, text } of codeLines(readFileSync(join(root, file), 'utf8'))) {
      const argv = commandOf(text);
      if (argv !== undefined && argv.length > 0) found.push({ file, line, argv });
    }
  }
  return found;
}

function helpOf(command: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [join(root, 'bin/mgmt-conformance.js'), ...command, '--help'], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command.join(' ')} --help: ${stderr || error.message}`));
      else done(stdout);
    });
  });
}

describe('documented commands', () => {
  const commands = documentedCommands();

  it('are found in both files, the CI, labgrid and LAVA examples among them', () => {
    expect(commands.filter((c) => c.file === 'docs/ci.md').length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((c) => c.file === 'README.md').length).toBeGreaterThanOrEqual(15);
    const ci = commands.filter((c) => c.file === 'docs/ci.md').map((c) => c.argv.join(' '));
    expect(ci).toEqual(expect.arrayContaining(['run --profile certify --out reports', 'run --smp udp://1:1337 --profile certify --out reports', 'merge --out merged shards/shard-*']));
  });

  it('use only flags their command lists in --help', async () => {
    const helps = new Map<string, Set<string>>();
    const problems: string[] = [];
    for (const c of commands) {
      const name = WITH_SUBCOMMANDS.has(c.argv[0]!) && c.argv[1] !== undefined && !c.argv[1].startsWith('-') ? c.argv.slice(0, 2) : c.argv.slice(0, 1);
      const key = name.join(' ');
      if (!helps.has(key)) {
        const text = await helpOf(name).catch((e: unknown) => (problems.push(`${c.file}:${c.line}: ${String(e)}`), ''));
        helps.set(key, new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? []));
      }
      const known = helps.get(key)!;
      for (const flag of c.argv.filter((t) => t.startsWith('--')).map((t) => t.split('=')[0]!)) {
        if (!known.has(flag)) problems.push(`${c.file}:${c.line}: '${key}' has no ${flag} (${c.argv.join(' ')})`);
      }
    }
    expect(problems).toEqual([]);
    expect(helps.size).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it('that start a run are accepted by run\'s option parser', () => {
    const runs = commands.filter((c) => c.argv[0] === 'run');
    expect(runs.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    for (const c of runs) {
      try {
        parseRunOptions(c.argv.slice(1), () => 1);
      } catch (e) {
        problems.push(`${c.file}:${c.line}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
