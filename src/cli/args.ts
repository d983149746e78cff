/**
 * A strict flag parser on `node:util` `parseArgs`: `--name value`, `--name=value`, boolean
 * `--name`, repeatable flags, `--` before positionals. Every mistake becomes a one-line
 * `UsageError` naming the flag and the command.
 */
import { parseArgs } from 'node:util';
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
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = spec.multiple ? { type: spec.type, multiple: true } : { type: spec.type };
  // Not strict: node's own messages name neither the command nor --help, so each mistake is
  // found here, in argument order, from the tokens.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    const shown = token.rawName.startsWith('--') ? token.rawName : (argv[token.index] ?? token.rawName);
    if (!spec || !token.rawName.startsWith('--')) throw new UsageError(`${command}: unknown option ${shown} (see mgmt-conformance ${command} --help)`);
    flags[token.name] = flagValue(command, token.name, spec, token, flags[token.name]);
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument '${positionals[maxPositionals]!}' (see mgmt-conformance ${command} --help)`);
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** The value of one flag occurrence, given what earlier occurrences left (`previous`). */
function flagValue(command: string, name: string, spec: FlagSpec, token: { value?: string | undefined; inlineValue?: boolean | undefined }, previous: string | string[] | boolean | undefined): string | string[] | boolean {
  if (spec.type === 'boolean') {
    if (token.inlineValue) throw new UsageError(`${command}: --${name} takes no value`);
    return true;
  }
  const value = token.value;
  // `--smp --json`: the next flag is not a value, even though node would take it as one.
  if (value === undefined || (!token.inlineValue && value.startsWith('--'))) throw new UsageError(`${command}: --${name} needs a value (${spec.valueName ?? 'VALUE'})`);
  if (spec.multiple) return [...((previous as string[] | undefined) ?? []), value];
  if (previous !== undefined) throw new UsageError(`${command}: --${name} given twice`);
  return value;
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
