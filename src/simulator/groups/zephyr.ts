/**
 * Zephyr basic (group 63): storage erase, which wipes the flash partition the file system lives on.
 * @see docs/spec/smp.md §3.9
 */
import { MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { groupErr, okRsp, type CommandHandlers, type GroupDefinition, type HandlerResult } from '../types.ts';

/** `ZEPHYRBASIC_MGMT_ERR_FLASH_ERASE_FAILED`, what the `storage-erase-fails` fault answers. */
const FLASH_ERASE_FAILED = 4;

function storageErase(device: SimDevice): HandlerResult {
  if (device.faults.has('storage-erase-fails')) return groupErr(FLASH_ERASE_FAILED);
  device.files.clear();
  device.openFile = undefined;
  device.counters.flashEraseCalls++;
  return okRsp({});
}

const commands = new Map<number, CommandHandlers<SimDevice>>([[0, { write: storageErase }]]);

/** The Zephyr basic group as registered. */
export const zephyrGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.ZEPHYR_BASIC, name: 'zephyr basic mgmt', handlerCount: 1, commands };
