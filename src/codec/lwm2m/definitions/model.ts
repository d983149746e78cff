/**
 * Shape of object and resource definitions (OMA LwM2M Registry model) and the compact row form
 * the definition tables are written in.
 * @see docs/spec/lwm2m.md §4
 */
import type { ResourceType } from '../types.ts';

/** Operations of a resource as the registry writes them ('' = none, e.g. Security resources). */
export type ResourceOperations = 'R' | 'W' | 'RW' | 'E' | '';

/** One resource of an object. */
export interface ResourceDefinition {
  id: number;
  name: string;
  type: ResourceType;
  operations: ResourceOperations;
  multiple: boolean;
  mandatory: boolean;
  /** Registry RangeEnumeration text (`0..255`, `1..65534`, `16,32,48`). */
  range?: string;
  units?: string;
  /** Object version that added the resource (absent: present since 1.0). */
  since?: string;
}

/** One object: id, name, object versions the tables know, and its resources across versions. */
export interface ObjectDefinition {
  id: number;
  name: string;
  /** Object versions, oldest first; the last one is the newest the table describes. */
  versions: readonly string[];
  multipleInstances: boolean;
  mandatory: boolean;
  resources: readonly ResourceDefinition[];
}

/**
 * Row form: [id, name, operations, type, 'M' | 'O', multiple, range, units, since]. Trailing
 * cells may be left out.
 */
export type ResourceRow = readonly [number, string, ResourceOperations, ResourceType, 'M' | 'O', boolean?, string?, string?, string?];

/** Expand table rows into resource definitions (empty range/units cells dropped). */
export function resources(rows: readonly ResourceRow[]): ResourceDefinition[] {
  return rows.map(([id, name, operations, type, mo, multiple = false, range, units, since]) => {
    const def: ResourceDefinition = { id, name, type, operations, multiple, mandatory: mo === 'M' };
    if (range) def.range = range;
    if (units) def.units = units;
    if (since) def.since = since;
    return def;
  });
}
