/**
 * fast-check arbitraries for LwM2M: valid paths, values per resource type, and record sets the
 * object definitions allow, shaped per content format (what each format can carry exactly), plus
 * the request path each set answers.
 * @see docs/spec/lwm2m.md §2.1, §3, §4
 */
import fc from 'fast-check';
import { ContentFormat } from '../coap/content-format.ts';
import { encodeContent, isSingleValueFormat, type ValueFormat } from './content.ts';
import { OBJECT_DEFINITIONS } from './definitions/lookup.ts';
import type { ObjectDefinition, ResourceDefinition } from './definitions/model.ts';
import { MAX_LWM2M_ID, type Lwm2mPath } from './path.ts';
import { encodeTlvUnchecked } from './tlv-encode.ts';
import { INT64_MAX, INT64_MIN, UINT64_MAX, type Lwm2mRecord, type Lwm2mValue, type ResourceType } from './types.ts';

/** A path segment 0..65534. */
export const arbPathSegment: fc.Arbitrary<number> = fc.integer({ min: 0, max: MAX_LWM2M_ID });

/** A valid path of 0..4 segments (or exactly `length`). */
export function arbPath(length?: number): fc.Arbitrary<Lwm2mPath> {
  return length === undefined ? fc.array(arbPathSegment, { maxLength: 4 }) : fc.array(arbPathSegment, { minLength: length, maxLength: length });
}

/** What a format can carry exactly: JSON numbers lose integers past 2^53, text has no -0/NaN/∞. */
export interface ValueLimits {
  safeIntegers?: boolean;
  finiteFloats?: boolean;
}

/** Limits per content format for exact round trips. */
export function formatLimits(format: number): ValueLimits {
  const json = format === ContentFormat.SENML_JSON || format === ContentFormat.LWM2M_JSON || format === ContentFormat.LWM2M_JSON_LEGACY;
  return { safeIntegers: json, finiteFloats: json || format === ContentFormat.TEXT_PLAIN };
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function arbFloat(limits: ValueLimits): fc.Arbitrary<number> {
  if (!limits.finiteFloats) return fc.oneof(fc.double(), fc.float().map(Math.fround));
  return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map((n) => n / 8)).filter((v) => !Object.is(v, -0));
}

/** A value of the given resource type (`none` has no value; it maps to an empty opaque). */
export function arbValue(type: ResourceType, limits: ValueLimits = {}): fc.Arbitrary<Lwm2mValue> {
  const signed = limits.safeIntegers ? fc.bigInt(SAFE_MIN, SAFE_MAX) : fc.bigInt(INT64_MIN, INT64_MAX);
  switch (type) {
    case 'integer':
    case 'time':
      return signed.map((value) => ({ type, value }));
    case 'unsigned':
      return fc.bigInt(0n, limits.safeIntegers ? SAFE_MAX : UINT64_MAX).map((value) => ({ type, value }));
    case 'float':
      return arbFloat(limits).map((value) => ({ type, value }));
    case 'boolean':
      return fc.boolean().map((value) => ({ type, value }));
    case 'string':
    case 'corelnk':
      return fc.string({ unit: 'binary', maxLength: 40 }).map((value) => ({ type, value }));
    case 'objlnk':
      return fc.record({ objectId: fc.integer({ min: 0, max: 65535 }), instanceId: fc.integer({ min: 0, max: 65535 }) }).map((value) => ({ type, value }));
    case 'opaque':
      return fc.uint8Array({ maxLength: 300 }).map((value) => ({ type, value }));
    case 'none':
      return fc.constant({ type: 'opaque', value: new Uint8Array(0) });
  }
}

/** Resources that carry a value (not Execute-only). */
function valueResources(object: ObjectDefinition): ResourceDefinition[] {
  return object.resources.filter((r) => r.type !== 'none');
}

function arbResourceRecords(objectId: number, instanceId: number, resource: ResourceDefinition, limits: ValueLimits): fc.Arbitrary<Lwm2mRecord[]> {
  const base = [objectId, instanceId, resource.id];
  if (!resource.multiple) return arbValue(resource.type, limits).map((value) => [{ path: base, value }]);
  return fc
    .uniqueArray(arbPathSegment, { minLength: 1, maxLength: 3 })
    .chain((ids) => fc.tuple(...ids.map((ri) => arbValue(resource.type, limits).map((value): Lwm2mRecord => ({ path: [...base, ri], value })))));
}

function arbInstanceRecords(object: ObjectDefinition, instanceId: number, limits: ValueLimits): fc.Arbitrary<Lwm2mRecord[]> {
  return fc
    .subarray(valueResources(object), { minLength: 1 })
    .chain((defs) => fc.tuple(...defs.map((d) => arbResourceRecords(object.id, instanceId, d, limits))))
    .map((groups) => groups.flat());
}

/** A defined object (optionally limited to the single-value-friendly ones). */
export const arbObjectDefinition: fc.Arbitrary<ObjectDefinition> = fc.constantFrom(...OBJECT_DEFINITIONS);

/** Records plus the request path they answer. */
export interface ContentSample {
  requestPath: Lwm2mPath;
  records: Lwm2mRecord[];
}

/** Hierarchical samples: an object with 1-3 instances, one instance, one resource, or one resource instance. */
export function arbHierarchicalSample(limits: ValueLimits = {}): fc.Arbitrary<ContentSample> {
  return arbObjectDefinition.chain((object) =>
    fc.oneof(
      fc
        .uniqueArray(arbPathSegment, { minLength: 1, maxLength: 3 })
        .chain((iids) => fc.tuple(...iids.map((iid) => arbInstanceRecords(object, iid, limits))))
        .map((groups) => ({ requestPath: [object.id], records: groups.flat() })),
      arbPathSegment.chain((iid) => arbInstanceRecords(object, iid, limits).map((records) => ({ requestPath: [object.id, iid], records }))),
      fc
        .tuple(arbPathSegment, fc.constantFrom(...valueResources(object)))
        .chain(([iid, r]) => arbResourceRecords(object.id, iid, r, limits).map((records) => ({ requestPath: [object.id, iid, r.id], records }))),
      fc
        .tuple(arbPathSegment, fc.constantFrom(...valueResources(object)))
        .chain(([iid, r]) => arbResourceRecords(object.id, iid, r, limits).map((records) => ({ requestPath: records[0]?.path ?? [], records: records.slice(0, 1) }))),
    ),
  );
}

/** Single-value samples: one record at its own resource (or resource-instance) path. */
export function arbSingleValueSample(limits: ValueLimits = {}, onlyType?: ResourceType): fc.Arbitrary<ContentSample> {
  const pairs = OBJECT_DEFINITIONS.flatMap((o) => valueResources(o).filter((r) => onlyType === undefined || r.type === onlyType).map((r) => [o, r] as const));
  return fc
    .tuple(fc.constantFrom(...pairs), arbPathSegment)
    .chain(([[object, r], iid]) => arbResourceRecords(object.id, iid, r, limits))
    .map((records) => ({ requestPath: records[0]?.path ?? [], records: records.slice(0, 1) }));
}

/** A sample with its payload bytes in one content format. */
export interface EncodedSample extends ContentSample {
  format: ValueFormat;
  bytes: Uint8Array;
}

/** Valid payloads per format: hierarchical formats get any sample, single-value formats one value. */
export function arbPayload(format: ValueFormat): fc.Arbitrary<EncodedSample> {
  const limits = formatLimits(format);
  const samples =
    format === ContentFormat.OCTET_STREAM ? arbSingleValueSample(limits, 'opaque')
    : isSingleValueFormat(format) ? arbSingleValueSample(limits)
    : arbHierarchicalSample(limits);
  return samples.map((sample) => ({ ...sample, format, bytes: encodeContent(format, sample.records, sample.requestPath) }));
}

/**
 * A single-resource TLV whose header claims `extra` (1..300) more value bytes than follow,
 * built with the unchecked encoder: every decoder must answer `incomplete`.
 */
export const arbTlvWithLyingLength: fc.Arbitrary<{ bytes: Uint8Array; extra: number }> = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 300 }))
  .map(([id, value, extra]) => ({ bytes: encodeTlvUnchecked({ kind: 'resource', id, value, claimedLength: value.length + extra }), extra }));
