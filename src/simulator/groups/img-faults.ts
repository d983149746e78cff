/**
 * Image fault profiles that sit in front of Zephyr's rules (img-upload.ts, state read, erase):
 * each breaks one DFU behaviour a conformance case checks.
 * @see docs/spec/smp.md §3.2.1, §3.2.3, §3.2.4, §5.7
 */
import { createHash } from 'node:crypto';
import { decodeCbor, encodeCbor, isCborMap } from '../../codec/cbor/cbor.ts';
import type { SimDevice } from '../device.ts';
import { readHeaderVersion, type SlotImageInfo } from '../mcuboot-image.ts';
import { decodeRequest } from '../request.ts';
import { okRsp, type HandlerContext, type HandlerResult } from '../types.ts';
import { slotInfos } from './img-slots.ts';
import { upload } from './img-upload.ts';

const IMAGE_F_NON_BOOTABLE = 0x10;

/** The request body without `keys` (re-encoded); unchanged when it is not a CBOR map. */
function withoutKeys(payload: Uint8Array, keys: readonly string[]): Uint8Array {
  const decoded = decodeCbor(payload, { allowTrailing: true });
  if (!decoded.ok || !isCborMap(decoded.value)) return payload;
  const body = { ...decoded.value };
  for (const k of keys) delete body[k];
  return encodeCbor(body);
}

/**
 * Upload with the request-side faults applied: `upload-resume-from-zero` (an offset mismatch
 * drops the upload and answers off 0), `ignores-upgrade-flag`, `upload-any-image-number`.
 */
export function uploadWithFaults(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const faults = device.faults;
  if (faults.has('upload-resume-from-zero') && device.upload !== undefined) {
    const req = decodeRequest(ctx.payload, { off: 'uint' });
    const off = req.ok ? req.value.off : undefined;
    if (off !== undefined && off !== 0 && off !== device.upload.off) {
      device.upload = undefined;
      return okRsp({ off: 0 });
    }
  }
  const dropped = [...(faults.has('ignores-upgrade-flag') ? ['upgrade'] : []), ...(faults.has('upload-any-image-number') ? ['image'] : [])];
  return upload(device, dropped.length === 0 ? ctx : { ...ctx, payload: withoutKeys(ctx.payload, dropped) });
}

/** A slot listed from its header alone, with the SHA-256 computed over the hashed region. */
function laxSlotInfo(slot: Uint8Array): SlotImageInfo | undefined {
  const version = readHeaderVersion(slot);
  if (version === undefined) return undefined;
  const view = new DataView(slot.buffer, slot.byteOffset, 32);
  const end = view.getUint16(8, true) + view.getUint16(10, true) + view.getUint32(12, true);
  if (end > slot.length) return undefined;
  const hash = new Uint8Array(createHash('sha256').update(slot.subarray(0, end)).digest());
  return { version, hash, isBootable: (view.getUint32(16, true) & IMAGE_F_NON_BOOTABLE) === 0 };
}

/** What state read lists; `lists-invalid-images` also lists slots img_mgmt's TLV walk rejects. */
export function listedSlotInfos(device: SimDevice): [SlotImageInfo | undefined, SlotImageInfo | undefined] {
  const infos = slotInfos(device);
  if (!device.faults.has('lists-invalid-images') || device.staleSlotInfo !== undefined) return infos;
  return [infos[0] ?? laxSlotInfo(device.slots[0]), infos[1] ?? laxSlotInfo(device.slots[1])];
}
