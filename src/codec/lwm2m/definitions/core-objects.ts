/**
 * Core LwM2M objects 0-7 as data. Names, ids, types, operations, instance counts, mandatory
 * flags, ranges and units follow the OMA LwM2M Registry XML (0.xml … 7.xml and version_history,
 * newest versions 0:1.2, 1:1.2, 2:1.1, 3:1.2, 4:1.3, 5:1.2, 6:1.0, 7:1.0); `since` marks the
 * object version that added a resource. Kept as data here because the registry's npm type
 * package (`@nordicsemiconductor/lwm2m-types`) has no operations, leaves out executable resources
 * and Security (0), types every number as `number`, and describes only the newest version.
 * @see docs/spec/lwm2m.md §4.1-§4.6
 */
import { resources, type ObjectDefinition } from './model.ts';

const security: ObjectDefinition = {
  id: 0, name: 'LwM2M Security', versions: ['1.0', '1.1', '1.2'], multipleInstances: true, mandatory: true,
  resources: resources([
    [0, 'LwM2M Server URI', '', 'string', 'M', false, '0..255'],
    [1, 'Bootstrap-Server', '', 'boolean', 'M'],
    [2, 'Security Mode', '', 'integer', 'M', false, '0..4'],
    [3, 'Public Key or Identity', '', 'opaque', 'M'],
    [4, 'Server Public Key', '', 'opaque', 'M'],
    [5, 'Secret Key', '', 'opaque', 'M'],
    [6, 'SMS Security Mode', '', 'integer', 'O', false, '0..255'],
    [7, 'SMS Binding Key Parameters', '', 'opaque', 'O', false, '6'],
    [8, 'SMS Binding Secret Key(s)', '', 'opaque', 'O', false, '16,32,48'],
    [9, 'LwM2M Server SMS Number', '', 'string', 'O'],
    [10, 'Short Server ID', '', 'integer', 'O', false, '1..65534'],
    [11, 'Client Hold Off Time', '', 'integer', 'O', false, undefined, 's'],
    [12, 'Bootstrap-Server Account Timeout', '', 'integer', 'O', false, undefined, 's'],
    [13, 'Matching Type', '', 'unsigned', 'O', false, '0..3', undefined, '1.1'],
    [14, 'SNI', '', 'string', 'O', false, undefined, undefined, '1.1'],
    [15, 'Certificate Usage', '', 'unsigned', 'O', false, '0..3', undefined, '1.1'],
    [16, 'DTLS/TLS Ciphersuite', '', 'unsigned', 'O', true, undefined, undefined, '1.1'],
    [17, 'OSCORE Security Mode', '', 'objlnk', 'O', false, undefined, undefined, '1.1'],
    [18, 'Groups To Use by Client', '', 'unsigned', 'O', true, '0..65535', undefined, '1.2'],
    [19, 'Signature Algorithms Supported by Server', '', 'unsigned', 'O', true, '0..65535', undefined, '1.2'],
    [20, 'Signature Algorithms To Use by Client', '', 'unsigned', 'O', true, '0..65535', undefined, '1.2'],
    [21, 'Signature Algorithm Certs Supported by Server', '', 'unsigned', 'O', true, '0..65535', undefined, '1.2'],
    [22, 'TLS 1.3 Features To Use by Client', '', 'unsigned', 'O', false, '0..65535', undefined, '1.2'],
    [23, 'TLS Extensions Supported by Server', '', 'unsigned', 'O', false, '0..65535', undefined, '1.2'],
    [24, 'TLS Extensions To Use by Client', '', 'unsigned', 'O', false, '0..65535', undefined, '1.2'],
    [25, 'Secondary LwM2M Server URI', '', 'string', 'O', true, '0..255', undefined, '1.2'],
    [26, 'MQTT Server', '', 'objlnk', 'O', false, undefined, undefined, '1.2'],
    [27, 'LwM2M COSE Security', '', 'objlnk', 'O', true, undefined, undefined, '1.2'],
    [28, 'RDS Destination Port', '', 'integer', 'O', false, '0..15', undefined, '1.2'],
    [29, 'RDS Source Port', '', 'integer', 'O', false, '0..15', undefined, '1.2'],
    [30, 'RDS Application ID', '', 'string', 'O', false, undefined, undefined, '1.2'],
  ]),
};

const server: ObjectDefinition = {
  id: 1, name: 'LwM2M Server', versions: ['1.0', '1.1', '1.2'], multipleInstances: true, mandatory: true,
  resources: resources([
    [0, 'Short Server ID', 'R', 'integer', 'M', false, '1..65534'],
    [1, 'Lifetime', 'RW', 'integer', 'M', false, undefined, 's'],
    [2, 'Default Minimum Period', 'RW', 'integer', 'O', false, undefined, 's'],
    [3, 'Default Maximum Period', 'RW', 'integer', 'O', false, undefined, 's'],
    [4, 'Disable', 'E', 'none', 'O'],
    [5, 'Disable Timeout', 'RW', 'integer', 'O', false, undefined, 's'],
    [6, 'Notification Storing When Disabled or Offline', 'RW', 'boolean', 'M'],
    [7, 'Binding', 'RW', 'string', 'M'],
    [8, 'Registration Update Trigger', 'E', 'none', 'M'],
    [9, 'Bootstrap-Request Trigger', 'E', 'none', 'O', false, undefined, undefined, '1.1'],
    [10, 'APN Link', 'RW', 'objlnk', 'O', false, undefined, undefined, '1.1'],
    [11, 'TLS-DTLS Alert Code', 'R', 'unsigned', 'O', false, '0..255', undefined, '1.1'],
    [12, 'Last Bootstrapped', 'R', 'time', 'O', false, undefined, undefined, '1.1'],
    [13, 'Registration Priority Order', 'R', 'unsigned', 'O', false, undefined, undefined, '1.1'],
    [14, 'Initial Registration Delay Timer', 'RW', 'unsigned', 'O', false, undefined, 's', '1.1'],
    [15, 'Registration Failure Block', 'R', 'boolean', 'O', false, undefined, undefined, '1.1'],
    [16, 'Bootstrap on Registration Failure', 'R', 'boolean', 'O', false, undefined, undefined, '1.1'],
    [17, 'Communication Retry Count', 'RW', 'unsigned', 'O', false, undefined, undefined, '1.1'],
    [18, 'Communication Retry Timer', 'RW', 'unsigned', 'O', false, undefined, 's', '1.1'],
    [19, 'Communication Sequence Delay Timer', 'RW', 'unsigned', 'O', false, undefined, 's', '1.1'],
    [20, 'Communication Sequence Retry Count', 'RW', 'unsigned', 'O', false, undefined, undefined, '1.1'],
    [21, 'Trigger', 'RW', 'boolean', 'O', false, undefined, undefined, '1.1'],
    [22, 'Preferred Transport', 'RW', 'string', 'O', false, undefined, undefined, '1.1'],
    [23, 'Mute Send', 'RW', 'boolean', 'O', false, undefined, undefined, '1.1'],
    [24, 'Alternate APN Links', 'RW', 'objlnk', 'O', true, undefined, undefined, '1.2'],
    [25, 'Supported Server Versions', 'RW', 'string', 'O', true, undefined, undefined, '1.2'],
    [26, 'Default Notification Mode', 'RW', 'integer', 'O', false, '0..1', undefined, '1.2'],
    [27, 'Profile ID Hash Algorithm', 'RW', 'integer', 'O', false, '0..255', undefined, '1.2'],
  ]),
};

const accessControl: ObjectDefinition = {
  id: 2, name: 'LwM2M Access Control', versions: ['1.0', '1.1'], multipleInstances: true, mandatory: false,
  resources: resources([
    [0, 'Object ID', 'R', 'integer', 'M', false, '1..65534'],
    [1, 'Object Instance ID', 'R', 'integer', 'M', false, '0..65535'],
    [2, 'ACL', 'RW', 'integer', 'O', true, '0..31'],
    [3, 'Access Control Owner', 'RW', 'integer', 'M', false, '0..65535'],
  ]),
};

const device: ObjectDefinition = {
  id: 3, name: 'Device', versions: ['1.0', '1.1', '1.2'], multipleInstances: false, mandatory: true,
  resources: resources([
    [0, 'Manufacturer', 'R', 'string', 'O'],
    [1, 'Model Number', 'R', 'string', 'O'],
    [2, 'Serial Number', 'R', 'string', 'O'],
    [3, 'Firmware Version', 'R', 'string', 'O'],
    [4, 'Reboot', 'E', 'none', 'M'],
    [5, 'Factory Reset', 'E', 'none', 'O'],
    [6, 'Available Power Sources', 'R', 'integer', 'O', true, '0..7'],
    [7, 'Power Source Voltage', 'R', 'integer', 'O', true, undefined, 'mV'],
    [8, 'Power Source Current', 'R', 'integer', 'O', true, undefined, 'mA'],
    [9, 'Battery Level', 'R', 'integer', 'O', false, '0..100', '/100'],
    [10, 'Memory Free', 'R', 'integer', 'O', false, undefined, 'KiB'],
    [11, 'Error Code', 'R', 'integer', 'M', true, '0..32'],
    [12, 'Reset Error Code', 'E', 'none', 'O'],
    [13, 'Current Time', 'RW', 'time', 'O'],
    [14, 'UTC Offset', 'RW', 'string', 'O'],
    [15, 'Timezone', 'RW', 'string', 'O'],
    [16, 'Supported Binding and Modes', 'R', 'string', 'M'],
    [17, 'Device Type', 'R', 'string', 'O'],
    [18, 'Hardware Version', 'R', 'string', 'O'],
    [19, 'Software Version', 'R', 'string', 'O'],
    [20, 'Battery Status', 'R', 'integer', 'O', false, '0..6'],
    [21, 'Memory Total', 'R', 'integer', 'O', false, undefined, 'KiB'],
    [22, 'ExtDevInfo', 'R', 'objlnk', 'O', true],
  ]),
};

const connectivityMonitoring: ObjectDefinition = {
  id: 4, name: 'Connectivity Monitoring', versions: ['1.0', '1.1', '1.2', '1.3'], multipleInstances: false, mandatory: false,
  resources: resources([
    [0, 'Network Bearer', 'R', 'integer', 'M', false, '0..50'],
    [1, 'Available Network Bearer', 'R', 'integer', 'M', true, '0..50'],
    [2, 'Radio Signal Strength', 'R', 'integer', 'M', false, undefined, 'dBm'],
    [3, 'Link Quality', 'R', 'integer', 'O'],
    [4, 'IP Addresses', 'R', 'string', 'M', true],
    [5, 'Router IP Addresses', 'R', 'string', 'O', true],
    [6, 'Link Utilization', 'R', 'integer', 'O', false, '0..100', '/100'],
    [7, 'APN', 'R', 'string', 'O', true],
    [8, 'Cell ID', 'R', 'integer', 'O'],
    [9, 'SMNC', 'R', 'integer', 'O'],
    [10, 'SMCC', 'R', 'integer', 'O'],
    [11, 'SignalSNR', 'R', 'integer', 'O', false, undefined, 'dB', '1.1'],
    [12, 'LAC', 'R', 'integer', 'O', false, undefined, undefined, '1.1'],
    [13, 'Coverage Enhancement Level', 'R', 'integer', 'O', false, '0..4', undefined, '1.1'],
  ]),
};

const firmwareUpdate: ObjectDefinition = {
  id: 5, name: 'Firmware Update', versions: ['1.0', '1.1', '1.2'], multipleInstances: false, mandatory: false,
  resources: resources([
    [0, 'Package', 'W', 'opaque', 'M'],
    [1, 'Package URI', 'RW', 'string', 'M', false, '0..255'],
    [2, 'Update', 'E', 'none', 'M'],
    [3, 'State', 'R', 'integer', 'M', false, '0..3'],
    [5, 'Update Result', 'R', 'integer', 'M', false, '0..11'],
    [6, 'PkgName', 'R', 'string', 'O', false, '0..255'],
    [7, 'PkgVersion', 'R', 'string', 'O', false, '0..255'],
    [8, 'Firmware Update Protocol Support', 'R', 'integer', 'O', true, '0..5'],
    [9, 'Firmware Update Delivery Method', 'R', 'integer', 'M', false, '0..2'],
    [10, 'Cancel', 'E', 'none', 'O', false, undefined, undefined, '1.1'],
    [11, 'Severity', 'RW', 'integer', 'O', false, '0..2', undefined, '1.1'],
    [12, 'Last State Change Time', 'R', 'time', 'O', false, undefined, undefined, '1.1'],
    [13, 'Maximum Defer Period', 'RW', 'unsigned', 'O', false, undefined, 's', '1.1'],
    [14, 'Automatic Upgrade at Download', 'RW', 'boolean', 'O', false, undefined, undefined, '1.2'],
  ]),
};

const location: ObjectDefinition = {
  id: 6, name: 'Location', versions: ['1.0'], multipleInstances: false, mandatory: false,
  resources: resources([
    [0, 'Latitude', 'R', 'float', 'M', false, undefined, 'lat'],
    [1, 'Longitude', 'R', 'float', 'M', false, undefined, 'lon'],
    [2, 'Altitude', 'R', 'float', 'O', false, undefined, 'm'],
    [3, 'Radius', 'R', 'float', 'O', false, undefined, 'm'],
    [4, 'Velocity', 'R', 'opaque', 'O'],
    [5, 'Timestamp', 'R', 'time', 'M'],
    [6, 'Speed', 'R', 'float', 'O', false, undefined, 'm/s'],
  ]),
};

const connectivityStatistics: ObjectDefinition = {
  id: 7, name: 'Connectivity Statistics', versions: ['1.0'], multipleInstances: false, mandatory: false,
  resources: resources([
    [0, 'SMS Tx Counter', 'R', 'integer', 'O'],
    [1, 'SMS Rx Counter', 'R', 'integer', 'O'],
    [2, 'Tx Data', 'R', 'integer', 'O', false, undefined, 'KiB'],
    [3, 'Rx Data', 'R', 'integer', 'O', false, undefined, 'KiB'],
    [4, 'Max Message Size', 'R', 'integer', 'O', false, undefined, 'B'],
    [5, 'Average Message Size', 'R', 'integer', 'O', false, undefined, 'B'],
    [6, 'Start', 'E', 'none', 'M'],
    [7, 'Stop', 'E', 'none', 'M'],
    [8, 'Collection Period', 'RW', 'integer', 'O', false, undefined, 's'],
  ]),
};

/** Objects 0-7 in id order. */
export const CORE_OBJECTS: readonly ObjectDefinition[] = [security, server, accessControl, device, connectivityMonitoring, firmwareUpdate, location, connectivityStatistics];
