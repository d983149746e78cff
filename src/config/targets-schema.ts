/**
 * The published JSON Schema of targets.json (`schema/targets.schema.json`, the one source of truth
 * for its structure) compiled with ajv, and ajv's findings turned into the house error form: one
 * line per problem naming the JSON pointer and what was expected (`expected a positive number,
 * got "fast"`, `unknown key 'timeoutMS' (allowed: …)`).
 * @see https://json-schema.org/draft-07 and https://www.rfc-editor.org/rfc/rfc6901
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.ts';
import { childPointer, describeJson } from './checker.ts';

/** Where the schema lives, for `$schema` in a targets file and for editors. */
export const TARGETS_SCHEMA_URL = new URL('../../schema/targets.schema.json', import.meta.url);

type SchemaNode = Record<string, unknown>;

let compiled: ValidateFunction | undefined;

/** The parsed schema document. */
export function targetsSchema(): SchemaNode {
  return JSON.parse(readFileSync(TARGETS_SCHEMA_URL, 'utf8')) as SchemaNode;
}

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  // Annotations the error messages read; editors ignore them.
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-missing', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-regex', schemaType: 'boolean' });
  compiled = ajv.compile(targetsSchema());
  return compiled;
}

/** What a schema node accepts, in words. */
export function expectedOf(node: SchemaNode): string {
  const annotated = node['x-expected'];
  if (typeof annotated === 'string') return annotated;
  if ('const' in node) return JSON.stringify(node['const']);
  const choices = node['enum'];
  if (Array.isArray(choices)) return `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const type = node['type'];
  if (type === 'number' && node['exclusiveMinimum'] === 0) return 'a positive number';
  if (type === 'integer' && node['minimum'] === 1) return 'a positive integer';
  if (type === 'integer') return 'an integer';
  if (type === 'number') return 'a number';
  if (type === 'string') return node['minLength'] === 1 ? 'a non-empty string' : 'a string';
  if (type === 'boolean') return 'true or false';
  if (type === 'object') return 'an object';
  if (type === 'array') {
    const items = node['items'] as SchemaNode | undefined;
    return items?.['type'] === 'string' ? 'an array of strings' : 'an array';
  }
  return 'a valid value';
}

function propertySchema(parent: SchemaNode, key: string, root: SchemaNode): SchemaNode {
  const props = (parent['properties'] ?? {}) as Record<string, SchemaNode>;
  return resolveRef(props[key] ?? {}, root);
}

function resolveRef(node: SchemaNode, root: SchemaNode): SchemaNode {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return node;
  const defs = root['definitions'] as Record<string, SchemaNode>;
  return { ...resolveRef(defs[ref.slice('#/definitions/'.length)] ?? {}, root), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) };
}

/** One ajv finding as pointer and message; undefined for findings another one already says. */
function translate(e: ErrorObject, root: SchemaNode): { pointer: string; message: string } | undefined {
  const at = e.instancePath;
  const node = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((node['properties'] ?? {}) as object);
      return { pointer: childPointer(at, key), message: `unknown key '${key}' (allowed: ${allowed.join(', ')})` };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const prop = propertySchema(node, key, root);
      const missing = prop['x-missing'];
      return { pointer: childPointer(at, key), message: typeof missing === 'string' ? missing : `missing: expected ${expectedOf(prop)}` };
    }
    case 'propertyNames':
      return undefined;
    case 'pattern': {
      const name = (e as { propertyName?: string }).propertyName;
      if (name !== undefined) return { pointer: childPointer(at, name), message: `bad name ${describeJson(name)}: expected ${expectedOf(node)}` };
      return { pointer: at, message: `expected ${expectedOf(node)}, got ${describeJson(e.data)}` };
    }
    case 'minItems':
    case 'minProperties': {
      const limit = (e.params as { limit: number }).limit;
      const what = e.keyword === 'minItems' ? 'entr' : 'key';
      const plural = what === 'entr' ? (limit === 1 ? 'y' : 'ies') : limit === 1 ? '' : 's';
      return { pointer: at, message: typeof node['x-expected'] === 'string' ? `expected ${node['x-expected']}, got ${describeJson(e.data)}` : `expected at least ${limit} ${what}${plural}` };
    }
    default:
      return { pointer: at, message: `expected ${expectedOf(node)}, got ${describeJson(e.data)}` };
  }
}

/** Validate parsed targets.json against the schema; every problem, each once, in file order. */
export function schemaProblems(json: unknown, file: string): ConfigError[] {
  const validate = validator();
  if (validate(json)) return [];
  const root = targetsSchema();
  const seen = new Set<string>();
  const out: ConfigError[] = [];
  for (const e of validate.errors ?? []) {
    const t = translate(e, root);
    if (!t) continue;
    // A value of the wrong type also fails the keywords beside `type`; the first finding per place says it.
    if ([...seen].some((s) => s.startsWith(`${t.pointer}\u0000`))) continue;
    seen.add(`${t.pointer}\u0000${t.message}`);
    out.push(new ConfigError(t.message, t.pointer, file));
  }
  return out;
}
