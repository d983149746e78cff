/**
 * Walks a client's data model as its registration announced it: every instance of every object
 * the definitions know (Security excluded), each resource the instance holds, and what the
 * definitions say may be done with it.
 * @see docs/spec/lwm2m.md §2.5, §4
 */
import { objectResources } from '../../../src/codec/lwm2m/definitions/lookup.ts';
import type { ResourceDefinition } from '../../../src/codec/lwm2m/definitions/model.ts';
import type { Registration } from './lwm2m-data.ts';

/** One announced instance with the resource definitions of its object version. */
export interface AnnouncedInstance {
  objectId: number;
  instanceId: number;
  resources: readonly ResourceDefinition[];
}

/** Instances the registration lists, of objects the definitions hold (never /0). */
export function announcedInstances(r: Registration): AnnouncedInstance[] {
  return r.content.objects.flatMap((o) => {
    const resources = objectResources(o.objectId, o.version);
    if (o.objectId === 0 || resources.length === 0) return [];
    return o.instances.map((instanceId) => ({ objectId: o.objectId, instanceId, resources }));
  });
}

/** An object id the client did not announce (for 4.04 probes). */
export function unannouncedObject(r: Registration): number {
  const ids = new Set(r.content.objects.map((o) => o.objectId));
  return [9999, 32_000, 42_424].find((id) => !ids.has(id)) ?? 65_000;
}

/** True when the definition allows Read. */
export const isReadable = (d: ResourceDefinition): boolean => d.operations === 'R' || d.operations === 'RW';
