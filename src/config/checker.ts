/**
 * Hand-written validation helpers for JSON configuration: every problem becomes a `ConfigError`
 * carrying a JSON pointer, and every problem is collected (not just the first).
 * @see https://www.rfc-editor.org/rfc/rfc6901 (JSON pointer)
 */
import { ConfigError } from '../errors.ts';

/** A JSON pointer with one more reference token (`~` and `/` escaped). */
export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Short description of a JSON value for error messages: `"fast"`, `12`, `an object`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** Collects `ConfigError`s for one file. */
export class ConfigChecker {
  readonly errors: ConfigError[] = [];
  constructor(readonly file: string) {}

  /** Record a problem at `pointer`. */
  problem(pointer: string, message: string): void {
    this.errors.push(new ConfigError(message, pointer, this.file));
  }

  /** A plain object, or undefined after recording a problem. */
  object(value: unknown, pointer: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    this.problem(pointer, `expected an object, got ${describeJson(value)}`);
    return undefined;
  }

  /** Report keys of `obj` not in `known`, naming them and the allowed ones. */
  onlyKeys(obj: Record<string, unknown>, pointer: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) this.problem(childPointer(pointer, key), `unknown key '${key}' (allowed: ${known.join(', ')})`);
    }
  }

  /** A non-empty string. Undefined after recording a problem. */
  string(value: unknown, pointer: string): string | undefined {
    if (typeof value === 'string' && value.length > 0) return value;
    this.problem(pointer, `expected a non-empty string, got ${describeJson(value)}`);
    return undefined;
  }

  /** A finite number > 0. Undefined after recording a problem. */
  positiveNumber(value: unknown, pointer: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    this.problem(pointer, `expected a positive number, got ${describeJson(value)}`);
    return undefined;
  }

  /** An integer > 0. Undefined after recording a problem. */
  positiveInteger(value: unknown, pointer: string): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    this.problem(pointer, `expected a positive integer, got ${describeJson(value)}`);
    return undefined;
  }

  /** true or false. Undefined after recording a problem. */
  boolean(value: unknown, pointer: string): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.problem(pointer, `expected true or false, got ${describeJson(value)}`);
    return undefined;
  }

  oneOf<T extends string>(value: unknown, pointer: string, allowed: readonly T[]): T | undefined {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(pointer, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeJson(value)}`);
    return undefined;
  }

  /** An array of strings, each checked by `item` (which may record problems). */
  stringArray(value: unknown, pointer: string, item?: (s: string, pointer: string) => boolean): string[] | undefined {
    if (!Array.isArray(value)) {
      this.problem(pointer, `expected an array of strings, got ${describeJson(value)}`);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const p = childPointer(pointer, i);
      if (typeof v !== 'string') this.problem(p, `expected a string, got ${describeJson(v)}`);
      else if (!item || item(v, p)) out.push(v);
    });
    return out;
  }
}
