/**
 * Object and resource definitions of the objects the simulated client hosts, as the Zephyr
 * v4.0 `lwm2m_client` sample builds them (ids, types, operations, multiplicity from the OMA
 * registry; the set of resources per object version as Zephyr's Discover lists them).
 * @see docs/spec/lwm2m.md §4 (core objects), captures lwm2m-operations.jsonl discover-* rows
 */

import type { ResourceType } from '../../codec/lwm2m/types.ts';

/** Allowed operations of a resource. */
export type ResourceOperations = 'R' | 'W' | 'RW' | 'E';

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

const SECURITY_ROWS: readonly Row[] = [
  [0, 'LWM2M Server URI', 'string', 'RW', undefined, 'M'], [1, 'Bootstrap-Server', 'boolean', 'RW', undefined, 'M'],
  [2, 'Security Mode', 'integer', 'RW', undefined, 'M'], [3, 'Public Key or Identity', 'opaque', 'RW', undefined, 'M'],
  [4, 'Server Public Key', 'opaque', 'RW', undefined, 'M'], [5, 'Secret Key', 'opaque', 'RW', undefined, 'M'],
  [10, 'Short Server ID', 'integer', 'RW'], [11, 'Client Hold Off Time', 'integer', 'RW'],
];

const SERVER_ROWS_1_0: readonly Row[] = [
  [0, 'Short Server ID', 'integer', 'R', undefined, 'M'], [1, 'Lifetime', 'integer', 'RW', undefined, 'M'],
  [2, 'Default Minimum Period', 'integer', 'RW'], [3, 'Default Maximum Period', 'integer', 'RW'],
  [4, 'Disable', 'none', 'E'], [5, 'Disable Timeout', 'integer', 'RW'],
  [6, 'Notification Storing When Disabled or Offline', 'boolean', 'RW', undefined, 'M'],
  [7, 'Binding', 'string', 'RW', undefined, 'M'], [8, 'Registration Update Trigger', 'none', 'E', undefined, 'M'],
];

const SERVER_ROWS_1_1: readonly Row[] = [
  ...SERVER_ROWS_1_0,
  [9, 'Bootstrap-Request Trigger', 'none', 'E'], [10, 'APN Link', 'objlnk', 'RW'], [11, 'TLS-DTLS Alert Code', 'unsigned', 'R'],
  [12, 'Last Bootstrapped', 'time', 'R'], [13, 'Registration Priority Order', 'unsigned', 'R'],
  [14, 'Initial Registration Delay Timer', 'unsigned', 'RW'], [15, 'Registration Failure Block', 'boolean', 'R'],
  [16, 'Bootstrap on Registration Failure', 'boolean', 'R'], [17, 'Communication Retry Count', 'unsigned', 'RW'],
  [18, 'Communication Retry Timer', 'unsigned', 'RW'], [19, 'Communication Sequence Delay Timer', 'unsigned', 'RW'],
  [20, 'Communication Sequence Retry Count', 'unsigned', 'RW'], [21, 'Trigger', 'boolean', 'RW'],
  [22, 'Preferred Transport', 'string', 'RW'], [23, 'Mute Send', 'boolean', 'RW'],
];

const DEVICE_ROWS: readonly Row[] = [
  [0, 'Manufacturer', 'string', 'R'], [1, 'Model Number', 'string', 'R'], [2, 'Serial Number', 'string', 'R'],
  [3, 'Firmware Version', 'string', 'R'], [4, 'Reboot', 'none', 'E', undefined, 'M'], [5, 'Factory Reset', 'none', 'E'],
  [6, 'Available Power Sources', 'integer', 'R', 'multi'], [7, 'Power Source Voltage', 'integer', 'R', 'multi'],
  [8, 'Power Source Current', 'integer', 'R', 'multi'], [9, 'Battery Level', 'integer', 'R'], [10, 'Memory Free', 'integer', 'R'],
  [11, 'Error Code', 'integer', 'R', 'multi', 'M'], [12, 'Reset Error Code', 'none', 'E'], [13, 'Current Time', 'time', 'RW'],
  [14, 'UTC Offset', 'string', 'RW'], [15, 'Timezone', 'string', 'RW'], [16, 'Supported Binding and Modes', 'string', 'R', undefined, 'M'],
  [17, 'Device Type', 'string', 'R'], [18, 'Hardware Version', 'string', 'R'], [19, 'Software Version', 'string', 'R'],
  [20, 'Battery Status', 'integer', 'R'], [21, 'Memory Total', 'integer', 'R'], [22, 'ExtDevInfo', 'objlnk', 'R', 'multi'],
];

const CONNMON_ROWS: readonly Row[] = [
  [0, 'Network Bearer', 'integer', 'R', undefined, 'M'], [1, 'Available Network Bearer', 'integer', 'R', 'multi', 'M'],
  [2, 'Radio Signal Strength', 'integer', 'R', undefined, 'M'], [3, 'Link Quality', 'integer', 'R'],
  [4, 'IP Addresses', 'string', 'R', 'multi', 'M'], [5, 'Router IP Addresses', 'string', 'R', 'multi'],
  [6, 'Link Utilization', 'integer', 'R'], [7, 'APN', 'string', 'R', 'multi'], [8, 'Cell ID', 'integer', 'R'],
  [9, 'SMNC', 'integer', 'R'], [10, 'SMCC', 'integer', 'R'], [11, 'SignalSNR', 'integer', 'R'], [12, 'LAC', 'integer', 'R'],
  [13, 'Coverage Enhancement Level', 'integer', 'R'],
];

const FIRMWARE_ROWS: readonly Row[] = [
  [0, 'Package', 'opaque', 'W', undefined, 'M'], [1, 'Package URI', 'string', 'RW', undefined, 'M'],
  [2, 'Update', 'none', 'E', undefined, 'M'], [3, 'State', 'integer', 'R', undefined, 'M'],
  [5, 'Update Result', 'integer', 'R', undefined, 'M'], [6, 'PkgName', 'string', 'R'], [7, 'PkgVersion', 'string', 'R'],
  [8, 'Firmware Update Protocol Support', 'integer', 'R', 'multi'], [9, 'Firmware Update Delivery Method', 'integer', 'R', undefined, 'M'],
];

const SENSOR_ROWS: readonly Row[] = [
  [5700, 'Sensor Value', 'float', 'R', undefined, 'M'], [5701, 'Sensor Units', 'string', 'R'],
  [5601, 'Min Measured Value', 'float', 'R'], [5602, 'Max Measured Value', 'float', 'R'],
  [5603, 'Min Range Value', 'float', 'R'], [5604, 'Max Range Value', 'float', 'R'], [5605, 'Reset Min and Max Measured Values', 'none', 'E'],
];

const GENERIC_SENSOR_ROWS: readonly Row[] = [...SENSOR_ROWS, [5750, 'Application Type', 'string', 'RW'], [5751, 'Sensor Type', 'string', 'R']];

const LIGHT_CONTROL_ROWS: readonly Row[] = [
  [5850, 'On/Off', 'boolean', 'RW', undefined, 'M'], [5851, 'Dimmer', 'integer', 'RW'], [5852, 'On time', 'integer', 'RW'],
  [5805, 'Cumulative active power', 'float', 'R'], [5820, 'Power factor', 'float', 'R'], [5706, 'Colour', 'string', 'RW'],
  [5701, 'Sensor Units', 'string', 'R'],
];

const TIMER_ROWS: readonly Row[] = [
  [5521, 'Duration', 'float', 'RW', undefined, 'M'], [5538, 'Remaining Time', 'float', 'R'], [5525, 'Minimum Off-time', 'float', 'RW'],
  [5523, 'Trigger', 'none', 'E'], [5850, 'On/Off', 'boolean', 'RW'], [5501, 'Digital Input Counter', 'integer', 'R'],
  [5544, 'Cumulative Time', 'float', 'RW'], [5543, 'Digital State', 'boolean', 'R'], [5534, 'Counter', 'integer', 'RW'],
  [5526, 'Timer Mode', 'integer', 'RW'], [5750, 'Application Type', 'string', 'RW'],
];

const LOCATION_ROWS: readonly Row[] = [
  [0, 'Latitude', 'float', 'R', undefined, 'M'], [1, 'Longitude', 'float', 'R', undefined, 'M'], [2, 'Altitude', 'float', 'R'],
  [3, 'Radius', 'float', 'R'], [4, 'Velocity', 'opaque', 'R'], [5, 'Timestamp', 'time', 'R', undefined, 'M'], [6, 'Speed', 'float', 'R'],
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

const ON_OFF_SWITCH_ROWS: readonly Row[] = [
  [5500, 'Digital Input State', 'boolean', 'R', undefined, 'M'], [5501, 'Digital Input Counter', 'integer', 'R'],
  [5852, 'On time', 'integer', 'RW'], [5854, 'Off Time', 'integer', 'RW'], [5750, 'Application Type', 'string', 'RW'],
];

/** Object definitions by LwM2M enabler version (Zephyr picks object versions per enabler version). */
export const OBJECT_DEFS = {
  security: def(0, 'LwM2M Security', '1.0', true, SECURITY_ROWS),
  server10: def(1, 'LwM2M Server', '1.0', true, SERVER_ROWS_1_0),
  server11: def(1, 'LwM2M Server', '1.1', true, SERVER_ROWS_1_1),
  device: def(3, 'Device', '1.0', false, DEVICE_ROWS),
  connmon: def(4, 'Connectivity Monitoring', '1.0', false, CONNMON_ROWS),
  firmware: def(5, 'Firmware Update', '1.0', false, FIRMWARE_ROWS),
  location: def(6, 'Location', '1.0', false, LOCATION_ROWS),
  genericSensor: def(3300, 'Generic Sensor', '1.0', true, GENERIC_SENSOR_ROWS),
  temperature: def(3303, 'Temperature', '1.0', true, SENSOR_ROWS),
  humidity: def(3304, 'Humidity', '1.0', true, SENSOR_ROWS),
  lightControl: def(3311, 'Light Control', '1.0', true, LIGHT_CONTROL_ROWS),
  accelerometer: def(3313, 'Accelerometer', '1.0', true, ACCELEROMETER_ROWS),
  pressure: def(3323, 'Pressure', '1.0', true, SENSOR_ROWS),
  buzzer: def(3338, 'Buzzer', '1.0', true, BUZZER_ROWS),
  timer: def(3340, 'Timer', '1.0', true, TIMER_ROWS),
  onOffSwitch: def(3342, 'On/Off switch', '1.0', true, ON_OFF_SWITCH_ROWS),
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
