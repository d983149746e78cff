/**
 * Image management group (1): state read/write, upload, erase, slot info. Ids 2–4 (file, core
 * list, core load) are reserved: Zephyr answers them with rc 8, so they have ids but no codec.
 * @see docs/spec/smp.md §3.2, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import { arrayOf, bool, bstr, defineCommand, EMPTY_SCHEMA, int, mapOf, opt, req, tstr, uint } from './fields.ts';
import type { Empty } from './fields.ts';

/** Command ids (`IMG_MGMT_ID_*`). */
export const ImgCmd = {
  STATE: 0,
  UPLOAD: 1,
  FILE: 2,
  CORELIST: 3,
  CORELOAD: 4,
  ERASE: 5,
  SLOT_INFO: 6,
} as const;

/** Group error codes (`enum img_mgmt_err_code_t`, `IMG_MGMT_ERR_*`). @see smp.md §2.4 */
export const ImgMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  FLASH_CONFIG_QUERY_FAIL: 2,
  NO_IMAGE: 3,
  NO_TLVS: 4,
  INVALID_TLV: 5,
  TLV_MULTIPLE_HASHES_FOUND: 6,
  TLV_INVALID_SIZE: 7,
  HASH_NOT_FOUND: 8,
  NO_FREE_SLOT: 9,
  FLASH_OPEN_FAILED: 10,
  FLASH_READ_FAILED: 11,
  FLASH_WRITE_FAILED: 12,
  FLASH_ERASE_FAILED: 13,
  INVALID_SLOT: 14,
  NO_FREE_MEMORY: 15,
  FLASH_CONTEXT_ALREADY_SET: 16,
  FLASH_CONTEXT_NOT_SET: 17,
  FLASH_AREA_DEVICE_NULL: 18,
  INVALID_PAGE_OFFSET: 19,
  INVALID_OFFSET: 20,
  INVALID_LENGTH: 21,
  INVALID_IMAGE_HEADER: 22,
  INVALID_IMAGE_HEADER_MAGIC: 23,
  INVALID_HASH: 24,
  INVALID_FLASH_ADDRESS: 25,
  VERSION_GET_FAILED: 26,
  CURRENT_VERSION_IS_NEWER: 27,
  IMAGE_ALREADY_PENDING: 28,
  INVALID_IMAGE_VECTOR_TABLE: 29,
  INVALID_IMAGE_TOO_LARGE: 30,
  INVALID_IMAGE_DATA_OVERRUN: 31,
  IMAGE_CONFIRMATION_DENIED: 32,
  IMAGE_SETTING_TEST_TO_ACTIVE_DENIED: 33,
  ACTIVE_SLOT_NOT_KNOWN: 34,
} as const;

/** One valid slot in an image state response (flags: Zephyr ≤ 4.0 also sends the false ones). */
export interface ImageSlotState {
  image?: number;
  slot: number;
  version: string;
  hash: Uint8Array;
  bootable?: boolean;
  pending?: boolean;
  confirmed?: boolean;
  active?: boolean;
  permanent?: boolean;
}
/** Image state response (read and write). @see smp.md §3.2.1 */
export interface ImageStateRsp {
  images: ImageSlotState[];
  splitStatus?: number;
}
/** Image state write: test (`confirm` false) or confirm an image by `hash`. @see smp.md §3.2.2 */
export interface ImageStateWriteReq {
  hash?: Uint8Array;
  confirm?: boolean;
}
/** Upload chunk; `len`, `sha`, `image`, `upgrade` belong to the first chunk. @see smp.md §3.2.3 */
export interface ImageUploadReq {
  image?: number;
  len?: number;
  off: number;
  sha?: Uint8Array;
  data: Uint8Array;
  upgrade?: boolean;
}
/** Upload response: next expected offset; `match` on the last chunk with image check. */
export interface ImageUploadRsp {
  off: number;
  match?: boolean;
  rc?: number;
}
/** Erase request (default: the slot opposite the active one). @see smp.md §3.2.4 */
export interface ImageEraseReq {
  slot?: number;
}
/** Slot-info slot entry; `rc` replaces `size` when the flash area cannot be opened. @see smp.md §3.2.5 */
export interface SlotInfoSlot {
  slot: number;
  size?: number;
  upload_image_id?: number;
  rc?: number;
}
/** Slot-info image entry. */
export interface SlotInfoImage {
  image: number;
  slots: SlotInfoSlot[];
  max_image_size?: number;
}
/** Slot-info response. */
export interface SlotInfoRsp {
  images: SlotInfoImage[];
}

const group = MgmtGroup.IMAGE;

/** Hash length of an image state entry (SHA-256). */
export const IMAGE_HASH_BYTES = 32;

const stateRsp = {
  images: req(arrayOf(mapOf({
    image: opt(uint), slot: req(uint), version: req(tstr), hash: req(bstr(IMAGE_HASH_BYTES)),
    bootable: opt(bool), pending: opt(bool), confirmed: opt(bool), active: opt(bool), permanent: opt(bool),
  }))),
  splitStatus: opt(int),
};

/** The image group's commands. */
export const imgCommands = {
  /** Image state read. */
  state: defineCommand<Empty, ImageStateRsp>({ name: 'img.state', group, id: ImgCmd.STATE, op: SmpOp.READ, request: EMPTY_SCHEMA, response: stateRsp }),
  /** Image state write (test / confirm). */
  stateWrite: defineCommand<ImageStateWriteReq, ImageStateRsp>({
    name: 'img.stateWrite', group, id: ImgCmd.STATE, op: SmpOp.WRITE, request: { hash: opt(bstr()), confirm: opt(bool) }, response: stateRsp,
  }),
  /** Image upload chunk. */
  upload: defineCommand<ImageUploadReq, ImageUploadRsp>({
    name: 'img.upload', group, id: ImgCmd.UPLOAD, op: SmpOp.WRITE,
    request: { image: opt(uint), len: opt(uint), off: req(uint), sha: opt(bstr()), data: req(bstr()), upgrade: opt(bool) },
    // `rc: 0` appears on legacy-rc builds (smp.md §2.3 item 4).
    response: { off: req(uint), match: opt(bool), rc: opt(int) },
  }),
  /** Image erase. */
  erase: defineCommand<ImageEraseReq, Empty>({ name: 'img.erase', group, id: ImgCmd.ERASE, op: SmpOp.WRITE, request: { slot: opt(uint) }, response: EMPTY_SCHEMA }),
  /** Slot info. */
  slotInfo: defineCommand<Empty, SlotInfoRsp>({
    name: 'img.slotInfo', group, id: ImgCmd.SLOT_INFO, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: {
      images: req(arrayOf(mapOf({
        image: req(uint),
        slots: req(arrayOf(mapOf({ slot: req(uint), size: opt(uint), upload_image_id: opt(uint), rc: opt(int) }))),
        max_image_size: opt(uint),
      }))),
    },
  }),
} as const;
