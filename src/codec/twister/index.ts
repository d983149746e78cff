/** Zephyr twister hardware maps. */
export { hardwareTargetName, parseHardwareMap, type HardwareMapEntry, type HardwareMapError } from './hardware-map.ts';
