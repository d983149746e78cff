/**
 * Write-Attributes query parameters (`PUT /3/0/7?pmin=5&pmax=10&gt=4200&st`): parse with typed
 * values and findings, and build. A name without a value removes that attribute.
 * @see docs/spec/lwm2m.md §2.5 (Write-Attributes parameters)
 */

/** Notification attributes by value type; 1.1 adds epmin/epmax, 1.2 edge/con/hqmax. */
const INTEGER_NAMES = ['pmin', 'pmax', 'epmin', 'epmax', 'edge', 'con', 'hqmax'] as const;
const FLOAT_NAMES = ['gt', 'lt', 'st'] as const;

export type IntegerAttributeName = (typeof INTEGER_NAMES)[number];
export type FloatAttributeName = (typeof FLOAT_NAMES)[number];
export type AttributeName = IntegerAttributeName | FloatAttributeName;

/** One attribute change: a value to set, or `null` to remove the attribute. */
export interface AttributeChange {
  name: AttributeName;
  value: number | null;
}

/** A query parameter that is not a valid attribute change (index among the Uri-Query options). */
export interface AttributeFinding {
  kind: 'unknown' | 'bad-value' | 'duplicate' | 'read-only';
  index: number;
  name: string;
  message: string;
}

/** Names Discover reports but a server cannot write. */
const READ_ONLY = new Set(['dim', 'ssid', 'uri', 'ver', 'lwm2m']);
const INTEGER_TEXT = /^\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isName<T extends string>(names: readonly T[], name: string): name is T {
  return (names as readonly string[]).includes(name);
}

/** Parse Write-Attributes Uri-Query options; problems are findings, valid changes still returned. */
export function parseWriteAttributes(queries: readonly string[]): { changes: AttributeChange[]; findings: AttributeFinding[] } {
  const changes: AttributeChange[] = [];
  const findings: AttributeFinding[] = [];
  const seen = new Set<string>();
  queries.forEach((query, index) => {
    const eq = query.indexOf('=');
    const name = eq < 0 ? query : query.slice(0, eq);
    const text = eq < 0 ? undefined : query.slice(eq + 1);
    const report = (kind: AttributeFinding['kind'], message: string): void => void findings.push({ kind, index, name, message });
    if (seen.has(name)) report('duplicate', `attribute ${name} appears more than once`);
    seen.add(name);
    if (READ_ONLY.has(name)) return report('read-only', `${name} is a read-only property`);
    const integer = isName(INTEGER_NAMES, name);
    if (!integer && !isName(FLOAT_NAMES, name)) return report('unknown', `unknown attribute ${name}`);
    if (text === undefined) return void changes.push({ name, value: null });
    if (!(integer ? INTEGER_TEXT : FLOAT_TEXT).test(text)) return report('bad-value', `${name}=${text} is not ${integer ? 'a non-negative integer' : 'a number'}`);
    changes.push({ name, value: Number(text) });
  });
  return { changes, findings };
}

/** Build Write-Attributes Uri-Query options (`pmin=5`, `pmax` to remove). */
export function formatWriteAttributes(changes: readonly AttributeChange[]): string[] {
  return changes.map((c) => (c.value === null ? c.name : `${c.name}=${c.value}`));
}
