/**
 * Object and resource definitions of the objects the simulated client hosts, in the object
 * versions the Zephyr v4.0 `lwm2m_client` sample uses. Objects the codec's registry tables hold
 * come from there (`src/codec/lwm2m/definitions`); the sample's other IPSO objects (3313, 3323,
 * 3338, 3340, 3347) are described here from the OMA registry.
 * @see docs/spec/lwm2m.md §4 (core objects), captures lwm2m-operations.jsonl discover-* rows
 */
import { objectDefinition, objectResources } from '../../codec/lwm2m/definitions/lookup.ts';
import type { ResourceOperations } from '../../codec/lwm2m/definitions/model.ts';
import type { ResourceType } from '../../codec/lwm2m/types.ts';

export type { ResourceOperations };

/** One resource definition. */
export interface ResourceDef {
  readonly id: number;
  readonly name: string;
  readonly type: ResourceType;
  readonly operations: ResourceOperations;
  readonly isMultiple: boolean;
  readonly isMandatory: boolean;
}

/** One object definition (one version of it). */
export interface ObjectDef {
  readonly id: number;
  readonly name: string;
  /** Object version, `'1.0'`, `'1.1'`, ... */
  readonly version: string;
  readonly isMultiple: boolean;
  readonly resources: readonly ResourceDef[];
}

type Row = readonly [id: number, name: string, type: ResourceType, ops: ResourceOperations, multiple?: 'multi', mandatory?: 'M'];

function def(id: number, name: string, version: string, isMultiple: boolean, rows: readonly Row[]): ObjectDef {
  const resources = rows.map(([rid, rname, type, operations, multi, mand]) => ({
    id: rid, name: rname, type, operations, isMultiple: multi === 'multi', isMandatory: mand === 'M',
  }));
  return { id, name, version, isMultiple, resources };
}

const TIMER_ROWS: readonly Row[] = [
  [5521, 'Duration', 'float', 'RW', undefined, 'M'], [5538, 'Remaining Time', 'float', 'R'], [5525, 'Minimum Off-time', 'float', 'RW'],
  [5523, 'Trigger', 'none', 'E'], [5850, 'On/Off', 'boolean', 'RW'], [5501, 'Digital Input Counter', 'integer', 'R'],
  [5544, 'Cumulative Time', 'float', 'RW'], [5543, 'Digital State', 'boolean', 'R'], [5534, 'Counter', 'integer', 'RW'],
  [5526, 'Timer Mode', 'integer', 'RW'], [5750, 'Application Type', 'string', 'RW'],
];

const ACCELEROMETER_ROWS: readonly Row[] = [
  [5702, 'X Value', 'float', 'R', undefined, 'M'], [5703, 'Y Value', 'float', 'R'], [5704, 'Z Value', 'float', 'R'],
  [5701, 'Sensor Units', 'string', 'R'], [5603, 'Min Range Value', 'float', 'R'], [5604, 'Max Range Value', 'float', 'R'],
];

const PUSH_BUTTON_ROWS: readonly Row[] = [
  [5500, 'Digital Input State', 'boolean', 'R', undefined, 'M'], [5501, 'Digital Input Counter', 'integer', 'R'],
  [5750, 'Application Type', 'string', 'RW'],
];

const BUZZER_ROWS: readonly Row[] = [
  [5850, 'On/Off', 'boolean', 'RW', undefined, 'M'], [5548, 'Level', 'float', 'RW'], [5521, 'Delay Duration', 'float', 'RW'],
  [5525, 'Minimum Off-time', 'float', 'RW', undefined, 'M'], [5750, 'Application Type', 'string', 'RW'],
];

/** Resources every IPSO sensor object shares (3323 Pressure uses them here). */
const SENSOR_ROWS: readonly Row[] = [
  [5700, 'Sensor Value', 'float', 'R', undefined, 'M'], [5701, 'Sensor Units', 'string', 'R'],
  [5601, 'Min Measured Value', 'float', 'R'], [5602, 'Max Measured Value', 'float', 'R'],
  [5603, 'Min Range Value', 'float', 'R'], [5604, 'Max Range Value', 'float', 'R'], [5605, 'Reset Min and Max Measured Values', 'none', 'E'],
];

/** An object from the codec's registry tables, in one object version. */
function fromRegistry(id: number, version: string): ObjectDef {
  const object = objectDefinition(id);
  if (object === undefined) throw new RangeError(`object ${id} is not in the registry tables`);
  const resources = objectResources(id, version).map((r) => ({ id: r.id, name: r.name, type: r.type, operations: r.operations, isMultiple: r.multiple, isMandatory: r.mandatory }));
  return { id, name: object.name, version, isMultiple: object.multipleInstances, resources };
}

/** Object definitions by LwM2M enabler version (Zephyr picks object versions per enabler version). */
export const OBJECT_DEFS = {
  security: fromRegistry(0, '1.0'),
  server10: fromRegistry(1, '1.0'),
  server11: fromRegistry(1, '1.1'),
  device: fromRegistry(3, '1.0'),
  connmon: fromRegistry(4, '1.1'),
  firmware: fromRegistry(5, '1.0'),
  location: fromRegistry(6, '1.0'),
  genericSensor: fromRegistry(3300, '1.0'),
  temperature: fromRegistry(3303, '1.0'),
  humidity: fromRegistry(3304, '1.0'),
  lightControl: fromRegistry(3311, '1.0'),
  accelerometer: def(3313, 'Accelerometer', '1.0', true, ACCELEROMETER_ROWS),
  pressure: def(3323, 'Pressure', '1.0', true, SENSOR_ROWS),
  buzzer: def(3338, 'Buzzer', '1.0', true, BUZZER_ROWS),
  timer: def(3340, 'Timer', '1.0', true, TIMER_ROWS),
  onOffSwitch: fromRegistry(3342, '1.0'),
  pushButton: def(3347, 'Push button', '1.0', true, PUSH_BUTTON_ROWS),
} as const satisfies Record<string, ObjectDef>;

/** The resource definition, or undefined. */
export function resourceDef(object: ObjectDef, rid: number): ResourceDef | undefined {
  return object.resources.find((r) => r.id === rid);
}

/** True when the operations allow reading. */
export const isReadable = (r: ResourceDef): boolean => r.operations === 'R' || r.operations === 'RW';
/** True when the operations allow writing. */
export const isWritable = (r: ResourceDef): boolean => r.operations === 'W' || r.operations === 'RW';
/** True when the resource is executable. */
export const isExecutable = (r: ResourceDef): boolean => r.operations === 'E';
