/**
 * The client's data model: object instances and their resource values, typed by the
 * definitions. Reads flatten a path into value records (the common form every content format
 * encodes); writes take value records back. Refusals carry the CoAP code Zephyr answers.
 * @see docs/spec/lwm2m.md §2.5 (operations and errors), §5 (error responses)
 */
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { Lwm2mRecord, Lwm2mValue, ResourceType } from '../../codec/lwm2m/types.ts';
import { isReadable, resourceDef, type ObjectDef, type ResourceDef } from './definitions.ts';

/** A typed resource value (the codec's value model). */
export type ResourceValue = Lwm2mValue;
/** A path of 0..4 numeric segments. */
export type LwPath = Lwm2mPath;
/** One resource (instance) value with its full path. */
export type ValueRecord = Lwm2mRecord;

/** A refusal with the CoAP response code the client answers. */
export interface Refusal {
  readonly ok: false;
  readonly code: string;
  readonly reason: string;
}

/** Success or a refusal. */
export type ModelResult<T> = { readonly ok: true; readonly value: T } | Refusal;

/** A resource's stored content: one value, or instances (multi-instance resources). */
export type ResourceContent =
  | { readonly kind: 'single'; value: ResourceValue | (() => ResourceValue) }
  | { readonly kind: 'multi'; readonly instances: Map<number, ResourceValue> };

/** One object instance: its resources by id (absent = the resource has no value in this instance). */
export type InstanceData = Map<number, ResourceContent>;

/** Hooks an object may install (executes, post-write side effects). */
export interface ObjectHooks {
  /** Execute handler per resource id; returns a refusal or nothing. */
  readonly execute?: ReadonlyMap<number, (iid: number, args: string) => Refusal | void>;
  /** Called after a successful write of one resource. */
  readonly afterWrite?: (iid: number, rid: number) => void;
  /** Intercepts writes of opaque/streamed resources (firmware Package). */
  readonly writeResource?: (iid: number, rid: number, record: ValueRecord) => Refusal | void;
}

/** An object as hosted: definition, instances, and how many instances it can hold. */
export interface HostedObject {
  readonly def: ObjectDef;
  readonly instances: Map<number, InstanceData>;
  /** Maximum instance count (Zephyr's static instance slots). */
  readonly maxInstances: number;
  readonly hooks: ObjectHooks;
}

/** A refusal value. */
export function refuse(code: string, reason: string): Refusal {
  return { ok: false, code, reason };
}

/** The hosted objects of one client, by object id. */
export class ObjectStore {
  readonly #objects = new Map<number, HostedObject>();

  /** Host an object (replacing any earlier one with the same id). */
  add(object: HostedObject): void {
    this.#objects.set(object.def.id, object);
  }

  /** The hosted object, or undefined. */
  object(oid: number): HostedObject | undefined {
    return this.#objects.get(oid);
  }

  /** Hosted objects in registration order. */
  objects(): HostedObject[] {
    return [...this.#objects.values()];
  }

  /** Resolve a path to its object/instance/resource, or the 4.04 Zephyr gives. */
  resolve(path: LwPath): ModelResult<{ object: HostedObject; instance?: InstanceData; resource?: ResourceDef }> {
    const [oid, iid, rid] = path;
    const object = oid === undefined ? undefined : this.#objects.get(oid);
    if (object === undefined) return refuse('4.04', `object ${String(oid)} not found`);
    if (iid === undefined) return { ok: true, value: { object } };
    const instance = object.instances.get(iid);
    if (instance === undefined) return refuse('4.04', `instance /${oid}/${iid} not found`);
    if (rid === undefined) return { ok: true, value: { object, instance } };
    const resource = resourceDef(object.def, rid);
    if (resource === undefined) return refuse('4.04', `resource /${oid}/${iid}/${rid} not found`);
    return { ok: true, value: { object, instance, resource } };
  }

  /** Value records for a Read of `path` (level 1..4); non-readable resources are skipped at levels 1-2. */
  read(path: LwPath): ModelResult<ValueRecord[]> {
    const found = this.resolve(path);
    if (!found.ok) return found;
    const { object, instance, resource } = found.value;
    if (resource !== undefined && instance !== undefined) {
      if (!isReadable(resource)) return refuse('4.05', `resource ${path.join('/')} is not readable`);
      const records = resourceRecords(object.def.id, path[1]!, resource, instance.get(resource.id));
      if (path.length === 4) {
        const one = records.find((r) => r.path[3] === path[3]);
        return one === undefined ? refuse('4.04', `resource instance ${path.join('/')} not found`) : { ok: true, value: [one] };
      }
      return { ok: true, value: records };
    }
    const iids = instance === undefined ? [...object.instances.keys()].sort((a, b) => a - b) : [path[1]!];
    const out: ValueRecord[] = [];
    for (const iid of iids) {
      const data = object.instances.get(iid)!;
      for (const r of object.def.resources) if (isReadable(r)) out.push(...resourceRecords(object.def.id, iid, r, data.get(r.id)));
    }
    return { ok: true, value: out };
  }

  /** Instance ids of an object in ascending order. */
  instanceIds(oid: number): number[] {
    return [...(this.#objects.get(oid)?.instances.keys() ?? [])].sort((a, b) => a - b);
  }
}

/** Records of one resource: one for a single resource, one per instance for a multiple one. */
export function resourceRecords(oid: number, iid: number, def: ResourceDef, content: ResourceContent | undefined): ValueRecord[] {
  if (content === undefined) return [];
  if (content.kind === 'single') {
    const value = typeof content.value === 'function' ? content.value() : content.value;
    return [{ path: [oid, iid, def.id], value }];
  }
  return [...content.instances.entries()]
    .sort(([a], [b]) => a - b)
    .map(([riid, value]) => ({ path: [oid, iid, def.id, riid], value }));
}

/** The zero value of a type (what a freshly created instance holds). */
export function zeroValue(type: ResourceType): ResourceValue {
  switch (type) {
    case 'string': case 'corelnk': return { type, value: '' };
    case 'boolean': return { type, value: false };
    case 'opaque': case 'none': return { type: 'opaque', value: new Uint8Array(0) };
    case 'objlnk': return { type, value: { objectId: 65535, instanceId: 65535 } };
    case 'float': return { type, value: 0 };
    default: return { type, value: 0n };
  }
}
