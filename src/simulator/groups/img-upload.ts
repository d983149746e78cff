/**
 * Image upload (group 1, command 1) with Zephyr's rules (`img_mgmt_upload_inspect` order),
 * image check enabled (`match` on the last chunk).
 * @see docs/spec/smp.md §3.2.3, §6.6
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../../core/bytes.ts';
import { MgmtErr } from '../../codec/smp/constants.ts';
import type { ImageUploadReq } from '../../codec/smp/groups/img.ts';
import type { SimDevice } from '../device.ts';
import { compareImageVersions, IMAGE_MAGIC, readHeaderVersion, readSlotImage } from '../mcuboot-image.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type HandlerContext, type HandlerResult } from '../types.ts';
import { decodeOptions, ImgErr, isSecondaryInUse, slotInfos } from './img-slots.ts';

const SCHEMA = { image: 'u32', len: 'uint', off: 'uint', sha: 'bstr', data: 'bstr', upgrade: 'bool' } as const;
const HEADER_BYTES = 32;
const MAX_SHA_BYTES = 32;

/** The upload request fields, as the codec types them (§3.2.3). */
type UploadRequest = ImageUploadReq;

/** Upload one chunk. Every error clears the upload state (§3.2.3 item 7). */
export function upload(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const decoded = decodeRequest(ctx.payload, SCHEMA, decodeOptions(device));
  if (!decoded.ok) return fail(device, rcRsp(MgmtErr.EINVAL));
  const isLax = device.faults.has('upload-checks-skipped');
  const off = decoded.value.off ?? (isLax ? 0 : undefined);
  if (off === undefined) return fail(device, groupErr(ImgErr.INVALID_OFFSET));
  const req: UploadRequest = { ...decoded.value, off, data: decoded.value.data ?? new Uint8Array(0) };
  const faulty = chunkFaults(device, req);
  if (faulty !== undefined) return faulty;
  if (off === 0) {
    const first = startUpload(device, req);
    if (first !== undefined) return first;
  } else if (device.upload === undefined || off !== device.upload.off) {
    if (device.upload === undefined || !device.faults.has('ignore-offset-mismatch')) {
      return okRsp({ off: device.upload?.off ?? 0 });
    }
  }
  return writeChunk(device, req);
}

/** Continuation-chunk faults: `upload-continuation-accepted`, `upload-empty-chunk-refused`. */
function chunkFaults(device: SimDevice, req: UploadRequest): HandlerResult | undefined {
  if (req.off === 0) return undefined;
  if (req.data.length === 0 && device.faults.has('upload-empty-chunk-refused')) return fail(device, rcRsp(MgmtErr.EINVAL));
  if (device.upload !== undefined || !device.faults.has('upload-continuation-accepted') || req.off + req.data.length > device.slotBytes) return undefined;
  device.slots[1].set(req.data, req.off);
  return okRsp({ off: req.off + req.data.length });
}

function fail(device: SimDevice, result: HandlerResult): HandlerResult {
  device.upload = undefined;
  return result;
}

/** First chunk checks; returns a response when the chunk must not be written. */
function startUpload(device: SimDevice, req: UploadRequest): HandlerResult | undefined {
  const { data } = req;
  // `upload-checks-skipped`: short header, missing len (taken as the chunk's) and long sha pass.
  const isLax = device.faults.has('upload-checks-skipped');
  if (data.length < HEADER_BYTES && !isLax) return fail(device, groupErr(ImgErr.INVALID_IMAGE_HEADER));
  if (req.len === undefined && !isLax) return fail(device, groupErr(ImgErr.INVALID_LENGTH));
  const total = req.len ?? data.length;
  const magic = data.length < 4 ? 0 : new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
  if (magic !== IMAGE_MAGIC && !device.faults.has('accept-bad-magic')) return fail(device, groupErr(ImgErr.INVALID_IMAGE_HEADER_MAGIC));
  const sha = req.sha ?? new Uint8Array(0);
  if (sha.length > MAX_SHA_BYTES && !isLax) return fail(device, groupErr(ImgErr.INVALID_HASH));
  // `short-sha-refused`: only a full SHA-256 is taken, though 0–32 bytes are valid.
  if (sha.length > 0 && sha.length < MAX_SHA_BYTES && device.faults.has('short-sha-refused')) return fail(device, groupErr(ImgErr.INVALID_HASH));
  const current = device.upload;
  const isSameSha = current !== undefined && bytesEqual(sha, current.sha);
  if (current !== undefined && sha.length > 0 && (isSameSha || device.faults.has('upload-resume-ignores-sha')) && !device.faults.has('upload-no-resume')) {
    return okRsp({ off: current.off });
  }
  if ((req.image ?? 0) !== 0 || isSecondaryInUse(device)) return fail(device, groupErr(ImgErr.NO_FREE_SLOT));
  if (total > device.slotBytes && !device.faults.has('upload-too-large-accepted')) return fail(device, groupErr(ImgErr.INVALID_IMAGE_TOO_LARGE));
  if (req.upgrade === true && !isNewer(device, data)) return fail(device, groupErr(ImgErr.CURRENT_VERSION_IS_NEWER));
  if (device.faults.has('stale-state-hash') && device.staleSlotInfo === undefined) device.staleSlotInfo = slotInfos(device);
  const len = Math.min(total, device.slotBytes);
  if (sha.length === MAX_SHA_BYTES && bytesEqual(sha256(device.slots[1].subarray(0, len)), sha)) {
    device.upload = undefined;
    return okRsp({ off: total, match: true });
  }
  device.slots[1].fill(0xff);
  device.counters.flashEraseCalls++;
  device.upload = { slot: 1, off: 0, len: total, sha };
  return undefined;
}

function isNewer(device: SimDevice, header: Uint8Array): boolean {
  const incoming = readHeaderVersion(header);
  const running = readSlotImage(device.slots[0]);
  return incoming === undefined || running === undefined || compareImageVersions(incoming, running.version) > 0;
}

function writeChunk(device: SimDevice, req: UploadRequest): HandlerResult {
  const state = device.upload;
  if (state === undefined) return okRsp({ off: 0 });
  const end = req.off + req.data.length;
  // Zephyr checks the overrun on continuation chunks only; the slot end bounds every write.
  const isOverrun = (req.off > 0 && end > state.len) || end > device.slotBytes;
  if (isOverrun && !device.faults.has('upload-overrun-accepted')) return fail(device, groupErr(ImgErr.INVALID_IMAGE_DATA_OVERRUN));
  // `upload-overrun-accepted`: the chunk is cut at the announced length instead of refused.
  const data = isOverrun ? req.data.subarray(0, Math.max(0, Math.min(state.len, device.slotBytes) - req.off)) : req.data;
  // An empty chunk writes nothing and never completes the upload (Zephyr's `len != 0` branch).
  if (data.length === 0) return okRsp({ off: state.off });
  device.slots[1].set(data, req.off);
  device.counters.flashWriteCalls++;
  device.counters.bytesWritten += data.length;
  state.off = req.off + data.length;
  if (state.off !== state.len) return okRsp({ off: state.off });
  const isMatch =
    device.faults.has('accept-bad-hash') ||
    (state.sha.length === MAX_SHA_BYTES && bytesEqual(sha256(device.slots[1].subarray(0, state.len)), state.sha));
  device.upload = undefined;
  device.log(`<inf> img_mgmt: upload complete, ${state.len} bytes`);
  return okRsp({ off: state.len, match: isMatch });
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
