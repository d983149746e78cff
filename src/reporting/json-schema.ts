/**
 * JSON Schema checks of the report files (summary.json), done by ajv: the schemas are plain JSON
 * Schema objects (the keywords below) that outside tools can use as they are; each finding becomes
 * one problem with a JSON pointer and a short message (`must be one of …`, `is required`).
 * @see https://json-schema.org/draft-07
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** The supported keywords. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | readonly ('string' | 'number' | 'null' | 'object' | 'boolean' | 'array')[];
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

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorOf(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema as object);
    compiled.set(schema, v);
  }
  return v;
}

/** One ajv finding in the report files' wording. */
function problemOf(e: ErrorObject): SchemaProblem {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${at}/${escapePointer(String(p['missingProperty']))}`, message: 'is required' };
    case 'additionalProperties':
      return { pointer: `${at}/${escapePointer(String(p['additionalProperty']))}`, message: 'is not allowed' };
    case 'type': {
      const allowed = String(p['type']).split(',');
      return { pointer: at, message: `must be ${allowed.join(' or ')}, got ${typeOf(e.data)}` };
    }
    case 'enum':
      return { pointer: at, message: `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(p['allowedValue'])}` };
    case 'minimum':
      return { pointer: at, message: `must be >= ${String(p['limit'])}` };
    case 'minLength':
      return { pointer: at, message: `must have at least ${String(p['limit'])} characters` };
    case 'pattern':
      return { pointer: at, message: `must match /${String(p['pattern'])}/` };
    default:
      return { pointer: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** Check `value` against `schema`; an empty list means valid. Never throws. */
export function validateJson(schema: JsonSchema, value: unknown): SchemaProblem[] {
  const validate = validatorOf(schema);
  if (validate(value)) return [];
  // A value of the wrong type also fails the keywords beside `type`: keep the type finding only.
  const errors = validate.errors ?? [];
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.filter((e) => e.keyword === 'type' || !wrongType.has(e.instancePath)).map(problemOf);
}
