/**
 * A small strict flag parser: `--name value`, `--name=value`, boolean `--name`, repeatable flags.
 * Every mistake becomes a one-line `UsageError` naming the flag and the command.
 */
import { UsageError } from '../errors.ts';

/** Where a command writes; a text without a final newline gets one. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One flag: a string value (possibly repeated) or a boolean switch. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Placeholder in help: `--timeout MS`. */
  valueName?: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flags typed from their specs. */
export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['multiple'] extends true ? string[] : string;
};

/** Parse `argv` for `command`; `maxPositionals` bounds the non-flag arguments (default 0). */
export function parseFlags<S extends FlagSpecs>(
  command: string,
  argv: readonly string[],
  specs: S,
  maxPositionals = 0,
): { flags: ParsedFlags<S>; positionals: string[] } {
  const flags: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`${command}: unknown option ${arg} (see mgmt-conformance ${command} --help)`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (!spec) throw new UsageError(`${command}: unknown option --${name} (see mgmt-conformance ${command} --help)`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value (${spec.valueName ?? 'VALUE'})`);
      i++;
    }
    value ??= '';
    if (spec.multiple) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (name in flags) throw new UsageError(`${command}: --${name} given twice`);
    else flags[name] = value;
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument '${positionals[maxPositionals]!}' (see mgmt-conformance ${command} --help)`);
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** An integer flag value within [min, max]; anything else is a `UsageError`. */
export function integerFlag(command: string, name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${command}: --${name} expects an integer ${min}..${max}, got '${value}'`);
  }
  return n;
}

/** Help text lines for flag specs, aligned. */
export function formatFlagHelp(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => [`--${name}${s.type === 'string' ? ` ${s.valueName ?? 'VALUE'}` : ''}`, s.description] as const);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`).join('\n');
}
