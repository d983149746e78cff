/**
 * A validator for the small subset of JSON Schema (draft 2020-12 keywords) that the report files
 * need. Written here rather than pulled in as a dependency: the subset is tiny, and the schema
 * objects stay valid JSON Schema that outside tools can use as they are.
 */

/** The supported keywords. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | readonly ('string' | 'number' | 'null' | 'object')[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  const?: string | number;
  minimum?: number;
  minLength?: number;
  pattern?: string;
}

/** One problem: a JSON pointer into the checked value and what is wrong there. */
export interface SchemaProblem {
  pointer: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function checkScalar(schema: JsonSchema, value: unknown, at: string, out: SchemaProblem[]): void {
  if (schema.enum && !schema.enum.includes(value as string | number)) {
    out.push({ pointer: at, message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  if (schema.const !== undefined && value !== schema.const) {
    out.push({ pointer: at, message: `must be ${JSON.stringify(schema.const)}` });
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    out.push({ pointer: at, message: `must be >= ${schema.minimum}` });
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      out.push({ pointer: at, message: `must have at least ${schema.minLength} characters` });
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      out.push({ pointer: at, message: `must match /${schema.pattern}/` });
    }
  }
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, at: string, out: SchemaProblem[]): void {
  for (const key of schema.required ?? []) {
    if (!(key in value)) out.push({ pointer: `${at}/${escapePointer(key)}`, message: 'is required' });
  }
  for (const [key, child] of Object.entries(value)) {
    const where = `${at}/${escapePointer(key)}`;
    const sub = schema.properties?.[key];
    if (sub) validateAt(sub, child, where, out);
    else if (schema.additionalProperties === false) out.push({ pointer: where, message: 'is not allowed' });
    else if (typeof schema.additionalProperties === 'object') validateAt(schema.additionalProperties, child, where, out);
  }
}

function validateAt(schema: JsonSchema, value: unknown, at: string, out: SchemaProblem[]): void {
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const allowed = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.some((t) => typeMatches(t, actual))) {
      out.push({ pointer: at, message: `must be ${allowed.join(' or ')}, got ${actual}` });
      return;
    }
  }
  checkScalar(schema, value, at, out);
  if (actual === 'object') checkObject(schema, value as Record<string, unknown>, at, out);
  const items = schema.items;
  if (actual === 'array' && items) {
    (value as unknown[]).forEach((item, i) => validateAt(items, item, `${at}/${i}`, out));
  }
}

/** Check `value` against `schema`; an empty list means valid. Never throws. */
export function validateJson(schema: JsonSchema, value: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  validateAt(schema, value, '', out);
  return out;
}
