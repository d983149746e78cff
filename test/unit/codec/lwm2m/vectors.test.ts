import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ContentFormat, decodeContent, definitionTypeOf, encodeContent, encodeLwm2mCbor, encodeSenmlCbor, encodeSenmlJson, formatLinkFormat, formatPath,
  formatTextValue, lwm2mToSenml, parseLinkFormat, parsePath, type Lwm2mRecord, type ValueFormat,
} from '../../../../src/codec/lwm2m/index.ts';

interface JsonRecord {
  path: string;
  type: string;
  value: string | number | boolean;
  time?: number;
}
interface Vector {
  name: string;
  fields: { format: number; path: string; records?: JsonRecord[]; links?: unknown[] };
  hex: string;
  source: string;
  reencode: boolean;
  note?: string;
  encode?: { baseName?: string; prefix?: number[]; indefinite?: boolean };
}

const vectors: Vector[] = readFileSync(new URL('../../../fixtures/vectors/lwm2m-formats.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Vector);
const typeOf = definitionTypeOf();

/** The fixture's JSON form of a record: integers as decimal strings, opaque as hex, objlnk as oid:iid. */
function toJson(record: Lwm2mRecord): JsonRecord {
  const v = record.value;
  const value = v.type === 'opaque' ? Buffer.from(v.value).toString('hex') : v.type === 'float' || v.type === 'boolean' ? v.value : formatTextValue(v);
  const out: JsonRecord = { path: formatPath(record.path), type: v.type, value };
  if (record.time !== undefined) out.time = record.time;
  return out;
}

function reencode(vector: Vector, records: Lwm2mRecord[], path: readonly number[]): Uint8Array {
  const { format } = vector.fields;
  const options = vector.encode;
  if (options?.baseName !== undefined && format === ContentFormat.SENML_JSON) return encodeSenmlJson(lwm2mToSenml(records, options.baseName));
  if (options?.baseName !== undefined && format === ContentFormat.SENML_CBOR) return encodeSenmlCbor(lwm2mToSenml(records, options.baseName));
  if (options?.prefix !== undefined) return encodeLwm2mCbor(records, { prefix: options.prefix, indefinite: options.indefinite ?? false });
  return encodeContent(format as ValueFormat, records, path);
}

describe('LwM2M golden vectors (test/fixtures/vectors/lwm2m-formats.jsonl)', () => {
  it('cover every format the captures carry', () => {
    const formats = new Set(vectors.map((v) => v.fields.format));
    for (const f of [0, 40, 110, 112, 11542, 11544]) expect(formats.has(f)).toBe(true);
  });

  for (const vector of vectors.filter((v) => v.fields.format !== ContentFormat.LINK_FORMAT)) {
    it(`${vector.name} decodes to its fields${vector.reencode ? ' and re-encodes byte-exact' : ''}`, () => {
      const path = parsePath(vector.fields.path);
      if (!path.ok) throw new Error(path.error.message);
      const bytes = new Uint8Array(Buffer.from(vector.hex, 'hex'));
      const decoded = decodeContent(vector.fields.format, bytes, path.value, typeOf);
      if (!decoded.ok) throw new Error(decoded.error.message);
      expect(decoded.value.map(toJson)).toEqual(vector.fields.records);
      if (vector.reencode) expect(Buffer.from(reencode(vector, decoded.value, path.value)).toString('hex')).toBe(vector.hex);
      else expect(vector.note).toMatch(/^decode-only: /);
    });
  }

  for (const vector of vectors.filter((v) => v.fields.format === ContentFormat.LINK_FORMAT)) {
    it(`${vector.name} parses to its links and rebuilds byte-exact`, () => {
      const text = Buffer.from(vector.hex, 'hex').toString('utf8');
      const parsed = parseLinkFormat(text);
      expect(parsed.findings).toEqual([]);
      expect(parsed.links.map(({ target, params }) => ({ target, params }))).toEqual(vector.fields.links);
      expect(formatLinkFormat(parsed.links)).toBe(text);
    });
  }
});
