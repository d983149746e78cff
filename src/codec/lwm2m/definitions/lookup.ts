/**
 * Typed lookups over the object tables: object and resource definitions (optionally for one
 * object version), and the `ResourceTypeOf` resolver content decoders take.
 * @see docs/spec/lwm2m.md §4
 */
import type { Lwm2mPath } from '../path.ts';
import type { ResourceTypeOf } from '../types.ts';
import { CORE_OBJECTS } from './core-objects.ts';
import { IPSO_OBJECTS } from './ipso-objects.ts';
import type { ObjectDefinition, ResourceDefinition } from './model.ts';

/** Every object the tables define, in id order. */
export const OBJECT_DEFINITIONS: readonly ObjectDefinition[] = [...CORE_OBJECTS, ...IPSO_OBJECTS];

const BY_ID = new Map(OBJECT_DEFINITIONS.map((o) => [o.id, o]));

/** Compare dotted versions numerically (`1.10` > `1.2`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The object definition, or undefined for an object the tables do not hold. */
export function objectDefinition(objectId: number): ObjectDefinition | undefined {
  return BY_ID.get(objectId);
}

/**
 * Resources of an object in a given object version (all versions when omitted). A version
 * newer than the tables know gets the newest resources.
 */
export function objectResources(objectId: number, version?: string): readonly ResourceDefinition[] {
  const object = BY_ID.get(objectId);
  if (!object) return [];
  if (version === undefined) return object.resources;
  return object.resources.filter((r) => r.since === undefined || compareVersions(r.since, version) <= 0);
}

/** One resource definition, honouring the object version when given. */
export function resourceDefinition(objectId: number, resourceId: number, version?: string): ResourceDefinition | undefined {
  return objectResources(objectId, version).find((r) => r.id === resourceId);
}

/**
 * A `ResourceTypeOf` backed by the tables (resource and resource-instance paths); `versions`
 * maps object id → object version, as a registration announces them.
 */
export function definitionTypeOf(versions: ReadonlyMap<number, string> = new Map()): ResourceTypeOf {
  return (path: Lwm2mPath) => {
    if (path.length < 3) return undefined;
    const [objectId = -1, , resourceId = -1] = path;
    return resourceDefinition(objectId, resourceId, versions.get(objectId))?.type;
  };
}
