/**
 * File system (group 8) as `fs_mgmt.c` does it, over an in-memory LittleFS-like store mounted at
 * `/lfs1` (flat: no sub-directories) with a size limit: one open-file context shared by upload
 * and download, download past the end answers an empty chunk (LittleFS seeks past the end),
 * upload appends at the expected offset, hash/checksum crc32 and sha256.
 * @see docs/spec/smp.md §3.5
 */
import { createHash } from 'node:crypto';
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import { FS_CAPACITY_BYTES, type OpenFile, type SimDevice } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';
import { crc32 } from '../../codec/smp/crc32.ts';

/** `fs_mgmt_err_code_t` values the simulator uses. */
const FsErr = {
  UNKNOWN: 1,
  FILE_NOT_FOUND: 3,
  FILE_IS_DIRECTORY: 4,
  FILE_WRITE_FAILED: 10,
  FILE_OFFSET_NOT_VALID: 11,
  FILE_OFFSET_LARGER_THAN_FILE: 12,
  CHECKSUM_HASH_NOT_FOUND: 13,
  MOUNT_POINT_NOT_FOUND: 14,
  FILE_EMPTY: 16,
} as const;

const MOUNT_POINT = '/lfs1';
/** `CONFIG_MCUMGR_GRP_FS_PATH_LEN`. */
const PATH_MAX = 64;
/** `HASH_CHECKSUM_TYPE_SIZE`: longest hash type name accepted. */
const HASH_TYPE_MAX = 8;
/** Map overhead taken off the buffer for a download chunk (header, keys, offsets, lengths). */
const DL_OVERHEAD_BYTES = 64;

type PathKind = 'file' | 'dir' | 'missing-parent';

function pathKind(name: string): PathKind {
  if (name === MOUNT_POINT || name === `${MOUNT_POINT}/`) return 'dir';
  if (!name.startsWith(`${MOUNT_POINT}/`) || name.slice(MOUNT_POINT.length + 1).includes('/')) return 'missing-parent';
  return 'file';
}

/** A usable name, or undefined (Zephyr answers rc 3 for a missing, empty or over-long name). */
function validName(name: string | undefined): string | undefined {
  return name !== undefined && name.length > 0 && name.length <= PATH_MAX ? name : undefined;
}

/** `fs_mgmt_filelen`: the file's length, or the group error fs_stat leads to. */
function fileLen(device: SimDevice, name: string): number | HandlerResult {
  const kind = pathKind(name);
  if (kind === 'dir') return groupErr(FsErr.FILE_IS_DIRECTORY);
  const file = kind === 'file' ? device.files.get(name) : undefined;
  // `fs-missing-file-empty`: a missing file reads as an empty one.
  if (file === undefined && kind === 'file' && device.faults.has('fs-missing-file-empty')) return 0;
  return file === undefined ? groupErr(FsErr.FILE_NOT_FOUND) : file.length;
}

/** The open context when it matches, else none (a different file or direction closes it). */
function context(device: SimDevice, mode: OpenFile['mode'], name: string): OpenFile | undefined {
  const open = device.openFile;
  if (open !== undefined && open.mode === mode && open.name === name) return open;
  device.openFile = undefined;
  return undefined;
}

function finishCheck(device: SimDevice, open: OpenFile): void {
  if (open.len > 0 && open.off >= open.len) device.openFile = undefined;
}

function download(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { off: 'uint', name: 'tstr' });
  const name = req.ok ? validName(req.value.name) : undefined;
  // `fs-request-checks-skipped`: a missing "off" is taken as 0.
  const off = req.ok ? (req.value.off ?? (device.faults.has('fs-request-checks-skipped') ? 0 : undefined)) : undefined;
  if (off === undefined || name === undefined) return rcRsp(MgmtErr.EINVAL);
  let open = context(device, 'download', name);
  if (open === undefined) {
    const len = fileLen(device, name);
    if (typeof len !== 'number') return len;
    open = { mode: 'download', name, off: 0, len };
    device.openFile = open;
  }
  const chunkMax = Math.max(0, device.options.bufSize - DL_OVERHEAD_BYTES);
  // `fs-download-ignores-off`: every chunk is read from the start of the file.
  const from = device.faults.has('fs-download-ignores-off') ? 0 : off;
  const data = (device.files.get(name) ?? new Uint8Array(0)).slice(from, from + chunkMax);
  open.off = off + data.length;
  const body: RspMap = off === 0 ? { off, data, len: open.len } : { off, data };
  finishCheck(device, open);
  return okRsp(body);
}

function uploadFile(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { off: 'uint', name: 'tstr', data: 'bstr', len: 'uint' });
  const name = req.ok ? validName(req.value.name) : undefined;
  const isLenMissing = req.ok && req.value.off === 0 && req.value.len === undefined && !device.faults.has('fs-request-checks-skipped');
  if (!req.ok || req.value.off === undefined || name === undefined || isLenMissing) {
    return rcRsp(MgmtErr.EINVAL);
  }
  const { off } = req.value;
  const data = req.value.data ?? new Uint8Array(0);
  let open = context(device, 'upload', name);
  if (open === undefined) {
    const kind = pathKind(name);
    if (kind !== 'file') return groupErr(kind === 'dir' ? FsErr.UNKNOWN : FsErr.MOUNT_POINT_NOT_FOUND);
    if (!device.files.has(name)) device.files.set(name, new Uint8Array(0));
    open = { mode: 'upload', name, off: 0, len: 0 };
    device.openFile = open;
  }
  const existing = device.files.get(name)?.length ?? 0;
  if (off === 0) open.len = req.value.len ?? 0;
  else if (open.off === 0) open.off = existing;
  if (off > 0 && off !== open.off && !device.faults.has('fs-offset-mismatch-accepted')) {
    device.openFile = undefined;
    return groupErr(FsErr.FILE_OFFSET_NOT_VALID, { len: open.off });
  }
  if (data.length > 0) {
    const failed = writeChunk(device, name, data, off === 0 && existing !== 0 && !device.faults.has('fs-no-truncate'));
    if (failed !== undefined) return failed;
    // Zephyr adds to the context offset, even when a restart at 0 truncated the file.
    open.off += data.length;
  }
  finishCheck(device, open);
  return okRsp({ off: open.off });
}

/**
 * Append `data` (after truncating when asked); a full file system → group error 10
 * (`fs-full-reports-ok`: success, nothing stored).
 */
function writeChunk(device: SimDevice, name: string, data: Uint8Array, isTruncate: boolean): HandlerResult | undefined {
  const old = isTruncate ? new Uint8Array(0) : (device.files.get(name) ?? new Uint8Array(0));
  let used = 0;
  for (const [n, f] of device.files) if (n !== name) used += f.length;
  if (used + old.length + data.length > (device.options.fsBytes ?? FS_CAPACITY_BYTES)) {
    if (device.faults.has('fs-full-reports-ok')) return undefined;
    device.openFile = undefined;
    return groupErr(FsErr.FILE_WRITE_FAILED);
  }
  const next = new Uint8Array(old.length + data.length);
  next.set(old);
  next.set(data, old.length);
  device.files.set(name, next);
  return undefined;
}

function status(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr' });
  const name = req.ok ? validName(req.value.name) : undefined;
  if (name === undefined) return rcRsp(MgmtErr.EINVAL);
  const len = fileLen(device, name);
  return typeof len === 'number' ? okRsp({ len: len + (device.faults.has('fs-status-off-by-one') ? 1 : 0) }) : len;
}

function hash(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { type: 'tstr', name: 'tstr', off: 'uint', len: 'uint' }, { skipWrongTypes: device.faults.has('wrong-types-ignored') });
  const name = req.ok ? validName(req.value.name) : undefined;
  const isZeroLen = req.ok && req.value.len === 0 && !device.faults.has('fs-hash-ignores-range');
  if (!req.ok || name === undefined || (req.value.type?.length ?? 0) > HASH_TYPE_MAX || isZeroLen) return rcRsp(MgmtErr.EINVAL);
  const type = req.value.type === undefined || req.value.type === '' ? 'crc32' : req.value.type;
  const isKnown = type === 'crc32' || type === 'sha256';
  if (!isKnown && !device.faults.has('fs-unknown-hash-type-accepted')) return groupErr(FsErr.CHECKSUM_HASH_NOT_FOUND);
  const size = fileLen(device, name);
  if (typeof size !== 'number') return size;
  // `fs-hash-ignores-range`: "off" and "len" are not applied; the whole file is hashed.
  const isWhole = device.faults.has('fs-hash-ignores-range');
  const off = isWhole ? 0 : (req.value.off ?? 0);
  if (size <= off) return groupErr(size === 0 ? FsErr.FILE_EMPTY : FsErr.FILE_OFFSET_LARGER_THAN_FILE);
  const len = isWhole ? size : Math.min(req.value.len ?? size, size - off);
  const bytes = (device.files.get(name) ?? new Uint8Array(0)).subarray(off, off + len);
  const output = digest(type === 'sha256' ? 'sha256' : 'crc32', bytes, device.faults.has('fs-hash-wrong'));
  return okRsp(off === 0 ? { type, len, output } : { type, off, len, output });
}

function digest(type: 'crc32' | 'sha256', bytes: Uint8Array, isWrong: boolean): number | Uint8Array {
  if (type === 'crc32') return (crc32(bytes) ^ (isWrong ? 1 : 0)) >>> 0;
  const out = new Uint8Array(createHash('sha256').update(bytes).digest());
  if (isWrong) out[31] = (out[31] ?? 0) ^ 1;
  return out;
}

function supportedTypes(device: SimDevice): HandlerResult {
  // `fs-hash-types-wrong`: sha256 is described as a number.
  const sha256Format = device.faults.has('fs-hash-types-wrong') ? 0 : 1;
  return okRsp({ types: { crc32: { format: 0, size: 4 }, sha256: { format: sha256Format, size: 32 } } });
}

function close(device: SimDevice): HandlerResult {
  device.openFile = undefined;
  return device.faults.has('fs-close-refused') ? groupErr(FsErr.UNKNOWN) : okRsp({});
}

const commands = new Map<number, CommandHandlers<SimDevice>>([
  [0, { read: download, write: uploadFile }],
  [1, { read: status }],
  [2, { read: hash }],
  [3, { read: supportedTypes }],
  [4, { write: close }],
]);

/** The file-system group as registered. */
export const fsGroup: GroupDefinition<SimDevice> = { id: MgmtGroup.FS, name: 'fs mgmt', handlerCount: 5, commands };
