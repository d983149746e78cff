/**
 * Chainable field checks on a success response: `expect.smpOk(rsp).field('off').toBe(512)`.
 * The checked response also exposes the decoded fields directly (`first.off`).
 */
import { bytesEqual } from '../../core/bytes.ts';
import type { CborValue } from '../../codec/cbor/cbor.ts';
import { describeValue } from './describe.ts';
import { failCheck, type VerifierScope } from './scope.ts';

/** Checks on one field; each returns the response so checks chain. */
export interface FieldExpectation<Rsp, V> {
  /** The field's decoded value. */
  readonly value: V;
  /** Strict equality (byte strings compared by content). */
  toBe(expected: V): SmpOk<Rsp>;
  /** Deep equality of decoded values. */
  toEqual(expected: V): SmpOk<Rsp>;
  /** Equal to one of the values. */
  toBeOneOf(expected: readonly V[]): SmpOk<Rsp>;
  /** A text field matching the pattern. */
  toMatch(pattern: RegExp): SmpOk<Rsp>;
  /** Any predicate, with the requirement stated for the message. */
  toSatisfy(predicate: (value: V) => boolean, requirement: string): SmpOk<Rsp>;
  /** Present in the body (optional fields). */
  toBePresent(): SmpOk<Rsp>;
  /** Absent from the body. */
  toBeAbsent(): SmpOk<Rsp>;
}

/** Methods a checked success response adds to its decoded fields. */
export interface SmpOkChecks<Rsp> {
  field<K extends keyof Rsp & string>(name: K): FieldExpectation<Rsp, Rsp[K]>;
}

/** A checked success response: the decoded fields plus `field(name)` checks. */
export type SmpOk<Rsp> = Rsp & SmpOkChecks<Rsp>;

/** Structural equality of decoded CBOR values (bytes by content, maps by keys). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'bigint') return BigInt(a) === b;
  if (typeof a === 'bigint' && typeof b === 'number') return a === BigInt(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a instanceof Map || b instanceof Map) return false;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** Wrap a decoded success value with field checks. */
export function checkedResponse<Rsp>(scope: VerifierScope, value: Rsp, raw: Record<string, CborValue>, frame: () => string): SmpOk<Rsp> {
  const proto: SmpOkChecks<Rsp> = {
    field<K extends keyof Rsp & string>(name: K): FieldExpectation<Rsp, Rsp[K]> {
      return fieldExpectation(scope, out, name, raw, frame);
    },
  };
  const out = Object.assign(Object.create(proto) as SmpOkChecks<Rsp>, value) as SmpOk<Rsp>;
  return out;
}

function fieldExpectation<Rsp, K extends keyof Rsp & string>(
  scope: VerifierScope,
  rsp: SmpOk<Rsp>,
  name: K,
  raw: Record<string, CborValue>,
  frame: () => string,
): FieldExpectation<Rsp, Rsp[K]> {
  const isPresent = Object.hasOwn(raw, name);
  const actual = raw[name] as Rsp[K];
  const shown = (): string => (isPresent ? `"${name}": ${describeValue(actual)}` : `"${name}" absent`);
  const check = (ok: boolean, expected: string): SmpOk<Rsp> => {
    if (!ok) failCheck(scope, { check: `field "${name}"`, expected: [expected], actual: shown(), frame: frame() });
    return rsp;
  };
  return {
    value: actual,
    toBe: (e) => check(isPresent && deepEqual(actual, e), `"${name}": ${describeValue(e)}`),
    toEqual: (e) => check(isPresent && deepEqual(actual, e), `"${name}": ${describeValue(e)}`),
    toBeOneOf: (es) => check(isPresent && es.some((e) => deepEqual(actual, e)), `"${name}" one of ${es.map(describeValue).join(', ')}`),
    toMatch: (re) => check(typeof actual === 'string' && re.test(actual), `"${name}": text matching ${re}`),
    toSatisfy: (pred, requirement) => check(isPresent && pred(actual), `"${name}": ${requirement}`),
    toBePresent: () => check(isPresent, `"${name}" present`),
    toBeAbsent: () => check(!isPresent, `"${name}" absent`),
  };
}
