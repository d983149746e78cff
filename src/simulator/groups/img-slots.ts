/**
 * Image slot bookkeeping shared by the image group's commands: error codes, what each slot
 * holds, and MCUboot's pending/revert state.
 * @see ../../../../shared/spec/smp.md §3.2.1, §5.8
 */
import type { SimDevice } from '../device.ts';
import { readSlotImage, type SlotImageInfo } from '../mcuboot-image.ts';

/** `img_mgmt_err_code_t` values the simulator uses. */
export const ImgErr = {
  HASH_NOT_FOUND: 8,
  NO_FREE_SLOT: 9,
  FLASH_OPEN_FAILED: 10,
  INVALID_OFFSET: 20,
  INVALID_LENGTH: 21,
  INVALID_IMAGE_HEADER: 22,
  INVALID_IMAGE_HEADER_MAGIC: 23,
  INVALID_HASH: 24,
  CURRENT_VERSION_IS_NEWER: 27,
  IMAGE_ALREADY_PENDING: 28,
  INVALID_IMAGE_TOO_LARGE: 30,
  INVALID_IMAGE_DATA_OVERRUN: 31,
  IMAGE_CONFIRMATION_DENIED: 32,
  IMAGE_SETTING_TEST_TO_ACTIVE_DENIED: 33,
} as const;

/** Decoder options under the active faults (`wrong-types-ignored` skips mistyped keys). */
export function decodeOptions(device: SimDevice): { skipWrongTypes: boolean } {
  return { skipWrongTypes: device.faults.has('wrong-types-ignored') };
}

/** What image state sees in each slot (the stale snapshot under the `stale-state-hash` fault). */
export function slotInfos(device: SimDevice): [SlotImageInfo | undefined, SlotImageInfo | undefined] {
  return device.staleSlotInfo ?? [readSlotImage(device.slots[0]), readSlotImage(device.slots[1])];
}

/** True when the next boot would revert to slot 1 (a test image runs unconfirmed). */
export function isRevertPending(device: SimDevice): boolean {
  return !device.boot.primaryImageOk && device.boot.copyDone;
}

/** Slot 1 holds something MCUboot still needs (a pending swap or the revert image). */
export function isSecondaryInUse(device: SimDevice): boolean {
  return device.boot.swap !== 'none' || isRevertPending(device);
}
