/**
 * Image management (group 1): state read/write, upload (img-upload.ts), erase, slot info.
 * @see docs/spec/smp.md §3.2
 */
import { bytesEqual } from '../../core/bytes.ts';
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { formatImageVersion } from '../mcuboot-image.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';
import { decodeOptions, ImgErr, isRevertPending, isSecondaryInUse, slotInfos } from './img-slots.ts';
import { listedSlotInfos, uploadWithFaults } from './img-faults.ts';

/**
 * The state list. Zephyr v4.0 emits all five flags, false ones included (see the capture
 * `img-state-read`); later code omits false flags — both forms are legal.
 */
function stateBody(device: SimDevice): RspMap {
  const images: RspMap[] = [];
  listedSlotInfos(device).forEach((info, slot) => {
    if (info === undefined) return;
    const isPrimary = slot === 0;
    images.push({
      slot,
      version: formatImageVersion(info.version),
      hash: info.hash,
      bootable: info.isBootable,
      pending: !isPrimary && device.boot.swap !== 'none',
      confirmed: isPrimary ? !isRevertPending(device) : isRevertPending(device),
      active: isPrimary !== device.faults.has('img-state-flags-wrong'),
      permanent: !isPrimary && device.boot.swap === 'perm',
    });
  });
  return { images, splitStatus: 0 };
}

function stateRead(device: SimDevice): HandlerResult {
  return okRsp(stateBody(device));
}

function stateWrite(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { hash: 'bstr', confirm: 'bool' }, decodeOptions(device));
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const confirm = req.value.confirm ?? false;
  // `state-write-hash-unchecked`: a bad or unknown hash is answered with the list, nothing changed.
  const refuse = (rc: number): HandlerResult => (device.faults.has('state-write-hash-unchecked') ? okRsp(stateBody(device)) : groupErr(rc));
  let slot = 0;
  if (req.value.hash === undefined) {
    if (!confirm) return refuse(ImgErr.INVALID_HASH);
  } else {
    if (req.value.hash.length !== 32) return refuse(ImgErr.INVALID_HASH);
    const wanted = req.value.hash;
    const found = slotInfos(device).findIndex((i) => i !== undefined && bytesEqual(i.hash, wanted));
    if (found < 0) return refuse(ImgErr.HASH_NOT_FOUND);
    slot = found;
  }
  const rc = slot === 0 ? markPrimary(device, confirm) : markSecondary(device, confirm);
  return rc === 0 ? okRsp(stateBody(device)) : groupErr(rc);
}

function markPrimary(device: SimDevice, confirm: boolean): number {
  if (!confirm) return device.faults.has('test-active-allowed') ? 0 : ImgErr.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED;
  if (device.faults.has('confirm-running-denied')) return ImgErr.IMAGE_CONFIRMATION_DENIED;
  // `pending-confirm-allowed`: the confirm goes through and silently cancels the pending test.
  if (device.boot.swap !== 'none' && !device.faults.has('pending-confirm-allowed')) return ImgErr.IMAGE_ALREADY_PENDING;
  device.boot = { swap: 'none', primaryImageOk: true, copyDone: false };
  return 0;
}

function markSecondary(device: SimDevice, confirm: boolean): number {
  const wanted = confirm ? 'perm' : 'test';
  // Confirming the revert image is a no-op: it boots next anyway.
  if (isRevertPending(device)) return confirm ? 0 : ImgErr.IMAGE_ALREADY_PENDING;
  if (device.boot.swap === wanted) return device.faults.has('retest-refused') ? ImgErr.IMAGE_ALREADY_PENDING : 0;
  if (device.boot.swap !== 'none') return ImgErr.IMAGE_ALREADY_PENDING;
  device.boot = { ...device.boot, swap: wanted };
  return 0;
}

/** Erase (default: the slot opposite the active one). Clears the upload state (#51798). */
function erase(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { slot: 'u32' }, decodeOptions(device));
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const slot = req.value.slot ?? 1;
  if (slot === 0 || (slot === 1 && isSecondaryInUse(device))) {
    // `erase-in-use-allowed`: the refusal is skipped, though nothing is erased.
    return device.faults.has('erase-in-use-allowed') ? okRsp({}) : groupErr(ImgErr.NO_FREE_SLOT);
  }
  // Zephyr resets the upload state after the erase attempt, failed or not.
  if (!device.faults.has('erase-keeps-upload-state')) device.upload = undefined;
  if (slot > 1) return device.faults.has('erase-any-slot-ok') ? okRsp({}) : groupErr(ImgErr.FLASH_OPEN_FAILED);
  if (!device.faults.has('erase-not-done')) device.slots[1].fill(0xff);
  device.counters.flashEraseCalls++;
  return okRsp({});
}

function slotInfo(device: SimDevice): HandlerResult {
  const primary = { slot: 0, size: device.slotBytes };
  const slots = device.faults.has('slot-info-missing-slot') ? [primary] : [primary, { slot: 1, size: device.slotBytes, upload_image_id: 0 }];
  return okRsp({ images: [{ image: 0, slots }] });
}

const commands = new Map<number, CommandHandlers<SimDevice>>([
  [0, { read: stateRead, write: stateWrite }],
  [1, { write: uploadWithFaults }],
  [5, { write: erase }],
  [6, { read: slotInfo }],
]);

/** The image group as registered (ids 0–6; 2, 3, 4 are holes). */
export const imgGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.IMAGE, name: 'img mgmt', handlerCount: 7, commands };
