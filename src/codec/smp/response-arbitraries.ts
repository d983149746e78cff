/**
 * fast-check arbitraries for success responses, derived from each command's declared response
 * schema: every required key, any subset of the optional ones, values of the declared type.
 * Responses are framed the way Zephyr sends them (zcbor indefinite-length containers).
 * @see docs/spec/smp.md §1.3, §1.7, §3
 */
import fc from 'fast-check';
import { encodeCborIndefinite } from '../cbor/writer.ts';
import { SmpVersion } from './constants.ts';
import { encodeSmpHeader, responseOpFor } from './header.ts';
import { concatBytes } from '../../core/bytes.ts';
import type { FieldSchema, FieldType } from './groups/fields.ts';
import { allCommands, type AnySmpCommand } from './groups/index.ts';

const key = fc.stringMatching(/^[a-z0-9_ ]{1,12}$/).filter((k) => k !== '__proto__');
/**
 * Keys of a response body's top level: `rc` and `err` there mark an error reply whatever the
 * command (smp.md §2), so a top-level dictionary (os.mpstat's pools) never uses them as names.
 */
const topLevelKey = key.filter((k) => k !== 'rc' && k !== 'err');

/** A command's whole response body: like {@link arbFromFieldType}, top-level dictionary keys avoid `rc`/`err`. */
function arbResponseBody(t: FieldType): fc.Arbitrary<Record<string, unknown>> {
  if (t.t === 'dict') return fc.dictionary(topLevelKey, arbFromFieldType(t.of), { maxKeys: 3 });
  return arbFromFieldType(t) as fc.Arbitrary<Record<string, unknown>>;
}

/** Values of one declared field type (`rc` keys are 0: a non-zero `rc` would make it an error reply). */
export function arbFromFieldType(t: FieldType, name = ''): fc.Arbitrary<unknown> {
  if (name === 'rc') return fc.constant(0);
  switch (t.t) {
    case 'uint':
      return fc.integer({ min: 0, max: 0xffff_ffff });
    case 'uint64':
      // Above 2^53 only: decoders hand smaller values back as numbers.
      return fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }));
    case 'int':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'tstr':
      return fc.string({ maxLength: 16 });
    case 'bool':
      return fc.boolean();
    case 'bstr':
      return t.size === undefined ? fc.uint8Array({ maxLength: 48 }) : fc.uint8Array({ minLength: t.size, maxLength: t.size });
    case 'array':
      return fc.array(arbFromFieldType(t.of), { maxLength: 3 });
    case 'map':
      return arbFromSchema(t.fields);
    case 'dict':
      return fc.dictionary(key, arbFromFieldType(t.of), { maxKeys: 3 });
    case 'oneOf':
      return fc.oneof(...t.of.map((x) => arbFromFieldType(x)));
  }
}

/** Maps with every required key and any subset of the optional ones, in schema order. */
export function arbFromSchema(schema: FieldSchema): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [k, spec] of Object.entries(schema)) {
    model[k] = arbFromFieldType(spec.type, k);
    if (spec.required) required.push(k);
  }
  return fc.record(model, { requiredKeys: required }).map((r) => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(schema)) if (k in r) out[k] = (r as Record<string, unknown>)[k];
    return out;
  });
}

/** Cross-field rules the schema alone does not express (smp.md §3.5, §3.6). */
function fixUp(command: AnySmpCommand, rsp: Record<string, unknown>): Record<string, unknown> {
  if (command.name === 'fs.download' && rsp['off'] === 0 && rsp['len'] === undefined) return { ...rsp, len: 0 };
  if (command.name === 'shell.exec' && rsp['ret'] === undefined && rsp['rc'] === undefined) return { ...rsp, ret: 0 };
  return rsp;
}

/** A valid success response of some command, with the packet a Zephyr device would send. */
export interface ValidResponseSample {
  command: AnySmpCommand;
  rsp: Record<string, unknown>;
  seq: number;
  version: number;
  packetBytes: Uint8Array;
}

/** Any command's success response with valid field values, framed like Zephyr (indefinite CBOR). */
export const arbValidResponse: fc.Arbitrary<ValidResponseSample> = fc.constantFrom(...allCommands.values()).chain((command) =>
  fc
    .record({
      rsp: arbResponseBody(command.responseType),
      seq: fc.integer({ min: 0, max: 0xff }),
      version: fc.constantFrom(SmpVersion.V1, SmpVersion.V2),
    })
    .map(({ rsp, seq, version }) => {
      const fixed = fixUp(command, rsp);
      const body = encodeCborIndefinite(fixed);
      const header = encodeSmpHeader({ op: responseOpFor(command.op), version, length: body.length, group: command.group, seq, id: command.id });
      return { command, rsp: fixed, seq, version, packetBytes: concatBytes(header, body) };
    }),
);
