/**
 * The groups the simulated device registers, in Zephyr's registration order (enumeration
 * reports this order; see the capture `enum-list`).
 */
import type { SimDevice } from '../device.ts';
import type { GroupDefinition } from '../types.ts';
import { createEnumGroup } from './enum.ts';
import { fsGroup } from './fs.ts';
import { imgGroup } from './img.ts';
import { osGroup } from './os.ts';
import { settingsGroup } from './settings.ts';
import { shellGroup } from './shell.ts';
import { statGroup } from './stat.ts';
import { zephyrGroup } from './zephyr.ts';

/** Every registered group, enumeration first. */
export const REGISTERED_GROUPS: readonly GroupDefinition<SimDevice>[] = [
  createEnumGroup(() => REGISTERED_GROUPS),
  fsGroup,
  imgGroup,
  osGroup,
  settingsGroup,
  shellGroup,
  statGroup,
  zephyrGroup,
];

/** Look a group up by id. */
export function findGroup(id: number): GroupDefinition<SimDevice> | undefined {
  return REGISTERED_GROUPS.find((g) => g.id === id);
}
