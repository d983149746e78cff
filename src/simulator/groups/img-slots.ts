/**
 * Image slot bookkeeping shared by the image group's commands: error codes, what each slot
 * holds, and MCUboot's pending/revert state.
 * @see docs/spec/smp.md §3.2.1, §5.8
 */
import { ImgMgmtErr } from '../../codec/smp/groups/img.ts';
import type { SimDevice } from '../device.ts';
import { readSlotImage, type SlotImageInfo } from '../mcuboot-image.ts';

/** `img_mgmt_err_code_t`: the codec's table (error codes are facts, pinned by golden vectors). */
export const ImgErr = ImgMgmtErr;

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
