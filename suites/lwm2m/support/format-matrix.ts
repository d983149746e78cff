/**
 * The format × resource matrix the content-format cases walk: which formats a client answers
 * (capabilities), which single-value format suits a resource type, which writable resources a
 * round trip may change without side effects, and value generators within their definitions.
 * @see docs/spec/lwm2m.md §3.2, §3.3, §4
 */
import fc from 'fast-check';
import { ContentFormat } from '../../../src/codec/coap/content-format.ts';
import type { ResourceDefinition } from '../../../src/codec/lwm2m/definitions/model.ts';
import type { Lwm2mPath } from '../../../src/codec/lwm2m/path.ts';
import type { Lwm2mValue } from '../../../src/codec/lwm2m/types.ts';
import type { CaseContext } from '../../../src/conformance/index.ts';
import { announcedInstances, isReadable } from './dm-walk.ts';
import { answeredHierarchical } from './lwm2m-data.ts';

/** A readable resource with its definition. */
export interface ResourceSlot {
  path: Lwm2mPath;
  def: ResourceDefinition;
}

/** Formats a resource of this type can be read in, among those the client answers. */
export function formatsFor(ctx: CaseContext, def: ResourceDefinition): number[] {
  const single = def.multiple ? [] : def.type === 'opaque' ? [ContentFormat.OCTET_STREAM] : [ContentFormat.TEXT_PLAIN];
  const singles = single.filter((f) => ctx.session.capability(f === ContentFormat.OCTET_STREAM ? 'lwm2m.fmt.opaque' : 'lwm2m.fmt.text').present);
  return [...singles, ...answeredHierarchical(ctx).map((f) => f.format)];
}

/** Readable resources of announced instances (Firmware excluded: reads there are harmless but its Package is write-only). */
export function readableSlots(ctx: CaseContext): ResourceSlot[] {
  return announcedInstances(ctx.lwm2m.registration()).flatMap((inst) =>
    inst.resources.filter(isReadable).map((def) => ({ path: [inst.objectId, inst.instanceId, def.id], def })),
  );
}

/** Writes with effects beyond the value: Lifetime and Binding (re-registration), Firmware (download). */
const SIDE_EFFECTS = new Set(['1/1', '1/7', '1/4', '1/9', '1/23']);

/** Writable single-instance resources a round trip may change (types text and the hierarchical formats carry exactly). */
export function writableSlots(ctx: CaseContext): ResourceSlot[] {
  return readableSlots(ctx).filter(({ path, def }) =>
    def.operations === 'RW' && !def.multiple && path[0] !== 5 && !SIDE_EFFECTS.has(`${path[0]}/${def.id}`) && ['integer', 'string', 'boolean', 'unsigned'].includes(def.type),
  );
}

function rangeOf(def: ResourceDefinition): [number, number] {
  const m = /^(-?\d+)\.\.(-?\d+)$/.exec(def.range ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 0x7fff_ffff];
}

/** Values the definition allows (strings short and printable: client buffers are small). */
export function valueArbitrary(def: ResourceDefinition): fc.Arbitrary<Lwm2mValue> {
  const [min, max] = rangeOf(def);
  switch (def.type) {
    case 'boolean':
      return fc.boolean().map((b) => ({ type: 'boolean', value: b }));
    case 'string':
      return fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-:_'), minLength: 1, maxLength: 16 }).map((s) => ({ type: 'string', value: s }));
    case 'unsigned':
      return fc.integer({ min: Math.max(0, min), max }).map((n) => ({ type: 'unsigned', value: BigInt(n) }));
    default:
      return fc.integer({ min, max }).map((n) => ({ type: 'integer', value: BigInt(n) }));
  }
}

const present = new Map<string, Promise<Set<string>>>();

/**
 * Whether the instance holds the resource (a definition lists optional resources a client need
 * not have): read once per registration and instance, in the client's default format.
 */
export async function isPresent(ctx: CaseContext, path: Lwm2mPath): Promise<boolean> {
  const r = ctx.lwm2m.registration();
  const key = `${r.id}/${path[0]}/${path[1]}`;
  let paths = present.get(key);
  if (paths === undefined) {
    paths = ctx.lwm2m.server.read(r.endpoint, path.slice(0, 2)).then((rsp) => new Set(rsp.decoded?.ok ? rsp.decoded.value.map((x) => `${x.path[2]}`) : []));
    present.set(key, paths);
  }
  return (await paths).has(`${path[2]}`);
}
