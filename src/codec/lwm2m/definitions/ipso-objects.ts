/**
 * Common IPSO Smart Objects as data: 3300 Generic Sensor, 3303 Temperature, 3304 Humidity,
 * 3311 Light Control, 3313 Accelerometer, 3316 Voltage, 3323 Pressure, 3328 Power,
 * 3338 Buzzer, 3340 Timer, 3342 On/Off switch, 3347 Push button. Ids, names, types, operations
 * and flags follow the OMA LwM2M Registry XML (object versions 1.0 and, for the sensors and the
 * switch, 1.1, which adds the resources marked `since: '1.1'`).
 * @see docs/spec/lwm2m.md §4
 */
import { resources, type ObjectDefinition, type ResourceRow } from './model.ts';

/** Resources every IPSO sensor object (3300, 3303, 3304, 3316, 3328) shares. */
const SENSOR_ROWS: readonly ResourceRow[] = [
  [5700, 'Sensor Value', 'R', 'float', 'M'],
  [5601, 'Min Measured Value', 'R', 'float', 'O'],
  [5602, 'Max Measured Value', 'R', 'float', 'O'],
  [5603, 'Min Range Value', 'R', 'float', 'O'],
  [5604, 'Max Range Value', 'R', 'float', 'O'],
  [5605, 'Reset Min and Max Measured Values', 'E', 'none', 'O'],
  [5701, 'Sensor Units', 'R', 'string', 'O'],
];

/** Resources IPSO object version 1.1 adds to sensors. */
const SENSOR_ROWS_1_1: readonly ResourceRow[] = [
  [5518, 'Timestamp', 'R', 'time', 'O', false, undefined, undefined, '1.1'],
  [6050, 'Fractional Timestamp', 'R', 'float', 'O', false, '0..1', 's', '1.1'],
  [6042, 'Measurement Quality Indicator', 'R', 'integer', 'O', false, '0..23', undefined, '1.1'],
  [6049, 'Measurement Quality Level', 'R', 'integer', 'O', false, '0..100', undefined, '1.1'],
];

const APPLICATION_TYPE: ResourceRow = [5750, 'Application Type', 'RW', 'string', 'O'];

function sensor(id: number, name: string, extra: readonly ResourceRow[]): ObjectDefinition {
  return { id, name, versions: ['1.0', '1.1'], multipleInstances: true, mandatory: false, resources: resources([...SENSOR_ROWS, ...extra, ...SENSOR_ROWS_1_1]) };
}

const genericSensor = sensor(3300, 'Generic Sensor', [APPLICATION_TYPE, [5751, 'Sensor Type', 'R', 'string', 'O']]);
const temperature = sensor(3303, 'Temperature', [[5750, 'Application Type', 'RW', 'string', 'O', false, undefined, undefined, '1.1']]);
const humidity = sensor(3304, 'Humidity', [[5750, 'Application Type', 'RW', 'string', 'O', false, undefined, undefined, '1.1']]);
const voltage = sensor(3316, 'Voltage', [[5821, 'Current Calibration', 'RW', 'float', 'O'], APPLICATION_TYPE]);
const power = sensor(3328, 'Power', [[5821, 'Current Calibration', 'RW', 'float', 'O'], APPLICATION_TYPE]);
const pressure = sensor(3323, 'Pressure', [[5750, 'Application Type', 'RW', 'string', 'O', false, undefined, undefined, '1.1']]);

/** A version-1.0 object with the given resources. */
function object10(id: number, name: string, rows: readonly ResourceRow[]): ObjectDefinition {
  return { id, name, versions: ['1.0'], multipleInstances: true, mandatory: false, resources: resources(rows) };
}

const accelerometer = object10(3313, 'Accelerometer', [
  [5702, 'X Value', 'R', 'float', 'M'],
  [5703, 'Y Value', 'R', 'float', 'O'],
  [5704, 'Z Value', 'R', 'float', 'O'],
  [5701, 'Sensor Units', 'R', 'string', 'O'],
  [5603, 'Min Range Value', 'R', 'float', 'O'],
  [5604, 'Max Range Value', 'R', 'float', 'O'],
]);

const buzzer = object10(3338, 'Buzzer', [
  [5850, 'On/Off', 'RW', 'boolean', 'M'],
  [5548, 'Level', 'RW', 'float', 'O', false, '0..100', '/100'],
  [5521, 'Delay Duration', 'RW', 'float', 'O', false, undefined, 's'],
  [5525, 'Minimum Off-time', 'RW', 'float', 'M', false, undefined, 's'],
  APPLICATION_TYPE,
]);

const timer = object10(3340, 'Timer', [
  [5521, 'Duration', 'RW', 'float', 'M', false, undefined, 's'],
  [5538, 'Remaining Time', 'R', 'float', 'O', false, undefined, 's'],
  [5525, 'Minimum Off-time', 'RW', 'float', 'O', false, undefined, 's'],
  [5523, 'Trigger', 'E', 'none', 'O'],
  [5850, 'On/Off', 'RW', 'boolean', 'O'],
  [5501, 'Digital Input Counter', 'R', 'integer', 'O'],
  [5544, 'Cumulative Time', 'RW', 'float', 'O', false, undefined, 's'],
  [5543, 'Digital State', 'R', 'boolean', 'O'],
  [5534, 'Counter', 'RW', 'integer', 'O'],
  [5526, 'Timer Mode', 'RW', 'integer', 'O', false, '0..4'],
  APPLICATION_TYPE,
]);

const pushButton = object10(3347, 'Push button', [
  [5500, 'Digital Input State', 'R', 'boolean', 'M'],
  [5501, 'Digital Input Counter', 'R', 'integer', 'O'],
  APPLICATION_TYPE,
]);

const lightControl: ObjectDefinition = {
  id: 3311, name: 'Light Control', versions: ['1.0'], multipleInstances: true, mandatory: false,
  resources: resources([
    [5850, 'On/Off', 'RW', 'boolean', 'M'],
    [5851, 'Dimmer', 'RW', 'integer', 'O', false, '0..100', '/100'],
    [5852, 'On time', 'RW', 'integer', 'O', false, undefined, 's'],
    [5805, 'Cumulative active power', 'R', 'float', 'O', false, undefined, 'Wh'],
    [5820, 'Power factor', 'R', 'float', 'O'],
    [5706, 'Colour', 'RW', 'string', 'O'],
    [5701, 'Sensor Units', 'R', 'string', 'O'],
    APPLICATION_TYPE,
  ]),
};

const onOffSwitch: ObjectDefinition = {
  id: 3342, name: 'On/Off switch', versions: ['1.0', '1.1'], multipleInstances: true, mandatory: false,
  resources: resources([
    [5500, 'Digital Input State', 'R', 'boolean', 'M'],
    [5501, 'Digital Input Counter', 'R', 'integer', 'O'],
    [5505, 'Digital Input Counter Reset', 'E', 'none', 'O'],
    [5852, 'On time', 'RW', 'integer', 'O', false, undefined, 's'],
    [5854, 'Off Time', 'RW', 'integer', 'O', false, undefined, 's'],
    APPLICATION_TYPE,
    [5518, 'Timestamp', 'R', 'time', 'O', false, undefined, undefined, '1.1'],
    [6050, 'Fractional Timestamp', 'R', 'float', 'O', false, '0..1', 's', '1.1'],
  ]),
};

/** IPSO objects in id order. */
export const IPSO_OBJECTS: readonly ObjectDefinition[] = [
  genericSensor, temperature, humidity, lightControl, accelerometer, voltage, pressure, power, buzzer, timer, onOffSwitch, pushButton,
];
