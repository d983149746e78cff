/**
 * Write (PUT replace, POST partial update), Create, Delete and Execute. Every record of a
 * write is checked before anything changes (unknown resource 4.04, not writable 4.05), so a
 * refused write leaves the model as it was. Firmware Package writes go to the state machine.
 * @see docs/spec/lwm2m.md §2.5, §4.6, §5
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { decodeTlv } from '../../codec/lwm2m/tlv.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { encodeStringValue } from '../../codec/coap/values.ts';
import { pathStartsWith, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { isExecutable, isReadable, isWritable, resourceDef, type ResourceDef } from './definitions.ts';
import { codeOnly, refusal, typeAt, type DmContext, type DmResponse } from './dm-context.ts';
import { decodeContent } from './formats.ts';
import { refuse, zeroValue, type HostedObject, type InstanceData, type ModelResult, type Refusal, type ValueRecord } from './object-store.ts';

const PACKAGE_PATH = [5, 0, 0] as const;

/** Decode a write body in the request's Content-Format (4.15 when the build lacks it). */
function decodeBody(ctx: DmContext, request: CoapMessage, body: Uint8Array, path: Lwm2mPath): ModelResult<ValueRecord[]> | 'accept-and-drop' {
  const format = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT);
  if (format === undefined) return refuse('4.00', 'write without Content-Format');
  if (!ctx.formats.write.includes(format)) return ctx.faults.has('lwm2m-unsupported-format-accepted') ? 'accept-and-drop' : refuse('4.15', `format ${format} not supported`);
  return decodeContent(format, body, path, (p) => typeAt(ctx.store, p));
}

/** Write (replace when `isReplace`, else partial update) of `body` at `path` (levels 2-4). */
export function handleWrite(ctx: DmContext, request: CoapMessage, path: Lwm2mPath, body: Uint8Array, isReplace: boolean): DmResponse {
  const found = ctx.store.resolve(path.slice(0, 3));
  if (!found.ok) return refusal(found);
  if (pathStartsWith(path, PACKAGE_PATH) && uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT) === ContentFormat.OCTET_STREAM) {
    const refused = ctx.packageBlock(0, body, true);
    return refused ? refusal(refused) : codeOnly('2.04');
  }
  const records = decodeBody(ctx, request, body, path);
  if (records === 'accept-and-drop') return codeOnly('2.04');
  const isText = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT) === ContentFormat.TEXT_PLAIN;
  // A client that ignores its text parser's error answers 2.04 and keeps the old value (a fault).
  if (!records.ok) return records.code === '4.00' && isText && ctx.faults.has('lwm2m-bad-text-accepted') ? codeOnly('2.04') : refusal(records);
  // Period writes kept for the next boot only: acknowledged, the live value unchanged (a fault).
  if (isText && isReplace && path[0] === 1 && (path[2] === 2 || path[2] === 3) && ctx.faults.has('lwm2m-period-write-not-stored')) return codeOnly('2.04');
  // A partial update that stops after its first record (a fault).
  const firstOnly = !isReplace && path.length === 2 && ctx.faults.has('lwm2m-partial-write-first-only');
  const applied = narrowed(ctx, isText, firstOnly ? records.value.slice(0, 1) : records.value);
  const refused = applyRecords(ctx, found.value.object, path, applied, isReplace);
  return refused ? refusal(refused) : codeOnly('2.04');
}

/** Under a fault integers written in a hierarchical format keep their low 16 bits, as a decoder into int16/uint16 fields does. */
function narrowed(ctx: DmContext, isText: boolean, records: readonly ValueRecord[]): readonly ValueRecord[] {
  if (isText || !ctx.faults.has('lwm2m-hierarchical-int-16-bit')) return records;
  return records.map((r) => {
    const v = r.value;
    if (v.type === 'integer') return { ...r, value: { type: 'integer', value: BigInt.asIntN(16, v.value) } };
    return v.type === 'unsigned' ? { ...r, value: { type: 'unsigned', value: BigInt.asUintN(16, v.value) } } : r;
  });
}

function applyRecords(ctx: DmContext, object: HostedObject, path: Lwm2mPath, records: readonly ValueRecord[], isReplace: boolean): Refusal | void {
  const allowReadOnly = ctx.faults.has('lwm2m-read-only-write-accepted');
  for (const r of records) {
    if (!pathStartsWith(r.path, path) || r.path.length < 3) return refuse('4.00', `record ${r.path.join('/')} outside ${path.join('/')}`);
    if (!object.instances.has(r.path[1]!)) return refuse('4.04', `instance /${r.path[0]}/${r.path[1]} not found`);
    const def = resourceDef(object.def, r.path[2]!);
    if (def === undefined) return refuse('4.04', `resource ${r.path.join('/')} not found`);
    if (!isWritable(def) && !(allowReadOnly && isReadable(def))) return refuse('4.05', `resource ${r.path.join('/')} is not writable`);
    if (r.path.length === 4 && !def.isMultiple) return refuse('4.00', `resource ${r.path.slice(0, 3).join('/')} has no instances`);
  }
  const cleared = new Set<string>();
  for (const r of records) {
    const [oid, iid, rid] = r.path as [number, number, number];
    if (oid === 5 && rid === 0) {
      const refused = ctx.packageBlock(0, r.value.type === 'opaque' ? r.value.value : new Uint8Array(0), true);
      if (refused) return refused;
      continue;
    }
    const def = resourceDef(object.def, rid)!;
    const data = object.instances.get(iid)!;
    setValue(data, def, r, isReplace && path.length >= 3, cleared);
    object.hooks.afterWrite?.(iid, rid);
    ctx.valueChanged(r.path);
  }
}

function setValue(data: InstanceData, def: ResourceDef, r: ValueRecord, isReplace: boolean, cleared: Set<string>): void {
  if (!def.isMultiple) {
    data.set(def.id, { kind: 'single', value: r.value });
    return;
  }
  let content = data.get(def.id);
  const key = String(def.id);
  if (content?.kind !== 'multi' || (isReplace && !cleared.has(key))) {
    content = { kind: 'multi', instances: new Map() };
    data.set(def.id, content);
    cleared.add(key);
  }
  content.instances.set(r.path[3] ?? 0, r.value);
}

/** Create (POST on an object): the instance id comes from the payload or is chosen (then Location-Path). */
export function handleCreate(ctx: DmContext, request: CoapMessage, oid: number, body: Uint8Array): DmResponse {
  const object = ctx.store.object(oid);
  if (object === undefined) return codeOnly(ctx.faults.has('lwm2m-unknown-object-bad-request') ? '4.00' : '4.04');
  if (!object.def.isMultiple) return codeOnly(ctx.faults.has('lwm2m-create-single-instance-accepted') ? '2.01' : '4.00');
  const format = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT);
  const isTlv = format === ContentFormat.LWM2M_TLV || format === ContentFormat.LWM2M_TLV_LEGACY;
  const wrapped = isTlv ? tlvInstanceId(body) : undefined;
  // A TLV without an Object Instance wrapper carries bare resources for an id the client picks.
  const records = decodeBody(ctx, request, body, isTlv && wrapped === undefined ? [oid, firstFreeId(object)] : [oid]);
  if (records === 'accept-and-drop') return codeOnly('2.01');
  if (!records.ok) return refusal(records);
  const given = wrapped ?? (isTlv ? undefined : records.value[0]?.path[1]);
  const isChosen = given === undefined;
  const iid = given ?? firstFreeId(object);
  if (object.instances.has(iid)) return codeOnly('4.00');
  // Zephyr has a fixed number of instance slots; no free slot is -ENOMEM, answered 5.00 (capture create-3303).
  if (object.instances.size >= object.maxInstances) return codeOnly('5.00');
  const data: InstanceData = new Map();
  for (const def of object.def.resources) {
    if (isExecutable(def)) continue;
    data.set(def.id, def.isMultiple ? { kind: 'multi', instances: new Map() } : { kind: 'single', value: zeroValue(def.type) });
  }
  object.instances.set(iid, data);
  const refused = applyRecords(ctx, object, [oid, iid], records.value.map((r) => ({ ...r, path: [oid, iid, ...r.path.slice(2)] })), false);
  if (refused) {
    object.instances.delete(iid);
    return refusal(refused);
  }
  ctx.objectsChanged();
  const location = isChosen && !ctx.faults.has('lwm2m-create-no-location') ? [String(oid), String(iid)].map((s) => ({ number: CoapOption.LOCATION_PATH, value: encodeStringValue(s) })) : [];
  return { code: '2.01', options: location, payload: new Uint8Array(0) };
}

function tlvInstanceId(body: Uint8Array): number | undefined {
  const entries = decodeTlv(body);
  const first = entries.ok ? entries.value[0] : undefined;
  return first?.kind === 'object-instance' ? first.id : undefined;
}

function firstFreeId(object: HostedObject): number {
  let iid = 0;
  while (object.instances.has(iid)) iid += 1;
  return iid;
}

/** Objects whose instance the server may not delete (mandatory single-instance objects). */
const UNDELETABLE = new Set([1, 3]);

/** Delete (DELETE on an instance). */
export function handleDelete(ctx: DmContext, path: Lwm2mPath): DmResponse {
  if (path.length !== 2) return codeOnly('4.05');
  const found = ctx.store.resolve(path);
  if (!found.ok) return refusal(found);
  // Under a fault a mandatory instance's Delete is answered 2.02 and nothing is deleted.
  if (UNDELETABLE.has(path[0]!) || !found.value.object.def.isMultiple) return codeOnly(ctx.faults.has('lwm2m-delete-mandatory-acknowledged') ? '2.02' : '4.05');
  // Under a fault the Delete is answered 2.02 and the instance stays.
  if (ctx.faults.has('lwm2m-delete-keeps-instance')) return codeOnly('2.02');
  found.value.object.instances.delete(path[1]!);
  for (const o of ctx.observations.all()) if (pathStartsWith(o.path, path)) ctx.observations.remove(o.token);
  ctx.objectsChanged();
  return codeOnly('2.02');
}

/** Execute (POST on a resource). */
export function handleExecute(ctx: DmContext, path: Lwm2mPath, args: Uint8Array): DmResponse {
  const found = ctx.store.resolve(path);
  if (!found.ok) return refusal(found);
  const def = found.value.resource!;
  // A build without the Registration Update Trigger refuses it as not executable (a fault).
  if (path[0] === 1 && def.id === 8 && ctx.faults.has('lwm2m-update-trigger-refused')) return codeOnly('4.05');
  if (!isExecutable(def)) {
    if (ctx.faults.has('lwm2m-execute-anything')) return codeOnly('2.04');
    return codeOnly(ctx.faults.has('lwm2m-execute-not-found') ? '4.04' : '4.05');
  }
  const run = found.value.object.hooks.execute?.get(def.id);
  const refused = run?.(path[1]!, new TextDecoder().decode(args));
  return refused ? refusal(refused) : codeOnly('2.04');
}
