/**
 * File system (group 8): an in-memory file system mounted at `/lfs1` with a size limit;
 * download, upload (kept open between chunks), status, hash/checksum (crc32 and sha256),
 * supported types, close.
 * @see ../../../../shared/spec/smp.md §3.5
 */
import { createHash } from 'node:crypto';
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import { FS_CAPACITY_BYTES, type SimDevice } from '../device.ts';
import { decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';
import { crc32 } from './crc32.ts';

/** `fs_mgmt_err_code_t` values the simulator uses. */
const FsErr = {
  FILE_INVALID_NAME: 2,
  FILE_NOT_FOUND: 3,
  FILE_WRITE_FAILED: 10,
  FILE_OFFSET_NOT_VALID: 11,
  FILE_OFFSET_LARGER_THAN_FILE: 12,
  CHECKSUM_HASH_NOT_FOUND: 13,
  MOUNT_POINT_NOT_FOUND: 14,
  FILE_EMPTY: 16,
} as const;

const MOUNT_POINT = '/lfs1/';
/** `CONFIG_MCUMGR_GRP_FS_PATH_LEN`. */
const PATH_MAX = 64;
/** Largest download chunk (`CONFIG_MCUMGR_GRP_FS_DL_CHUNK_SIZE`), further bounded by the buffer. */
const DL_CHUNK_MAX = 1024;

/** Check a path: bad name → 2, outside the mount point → 14. */
function checkPath(name: string | undefined): HandlerResult | undefined {
  if (name === undefined) return rcRsp(MgmtErr.EINVAL);
  if (name.length === 0 || name.length > PATH_MAX) return groupErr(FsErr.FILE_INVALID_NAME);
  if (!name.startsWith(MOUNT_POINT) || name.length === MOUNT_POINT.length) return groupErr(FsErr.MOUNT_POINT_NOT_FOUND);
  return undefined;
}

function download(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { off: 'uint', name: 'tstr' });
  if (!req.ok || req.value.off === undefined) return rcRsp(MgmtErr.EINVAL);
  const bad = checkPath(req.value.name);
  if (bad !== undefined) return bad;
  const file = device.files.get(req.value.name ?? '');
  if (file === undefined) return groupErr(FsErr.FILE_NOT_FOUND);
  const { off } = req.value;
  if (off > file.length) return groupErr(FsErr.FILE_OFFSET_LARGER_THAN_FILE);
  const chunk = Math.max(0, Math.min(DL_CHUNK_MAX, device.options.bufSize - 64));
  const body: RspMap = { off, data: file.slice(off, off + chunk) };
  return okRsp(off === 0 ? { ...body, len: file.length } : body);
}

function uploadFile(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { off: 'uint', data: 'bstr', name: 'tstr', len: 'uint' });
  if (!req.ok || req.value.off === undefined || req.value.data === undefined) return rcRsp(MgmtErr.EINVAL);
  const bad = checkPath(req.value.name);
  if (bad !== undefined) return bad;
  const name = req.value.name ?? '';
  const { off, data } = req.value;
  if (off === 0) {
    if (req.value.len === undefined) return rcRsp(MgmtErr.EINVAL);
    device.files.set(name, new Uint8Array(0));
    device.openFile = { name, off: 0, len: req.value.len };
  }
  const open = device.openFile;
  if (open === undefined || open.name !== name || open.off !== off) {
    const expected = open !== undefined && open.name === name ? open.off : (device.files.get(name)?.length ?? 0);
    device.openFile = undefined;
    return groupErr(FsErr.FILE_OFFSET_NOT_VALID, { len: expected });
  }
  if (off + data.length > open.len) return rcRsp(MgmtErr.EINVAL);
  const old = device.files.get(name) ?? new Uint8Array(0);
  if (usedBytes(device) - old.length + off + data.length > FS_CAPACITY_BYTES) return groupErr(FsErr.FILE_WRITE_FAILED);
  const next = new Uint8Array(off + data.length);
  next.set(old.subarray(0, off));
  next.set(data, off);
  device.files.set(name, next);
  open.off = off + data.length;
  if (open.off >= open.len) device.openFile = undefined;
  return okRsp({ off: off + data.length });
}

function usedBytes(device: SimDevice): number {
  let total = 0;
  for (const f of device.files.values()) total += f.length;
  return total;
}

function status(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const bad = checkPath(req.value.name);
  if (bad !== undefined) return bad;
  const file = device.files.get(req.value.name ?? '');
  return file === undefined ? groupErr(FsErr.FILE_NOT_FOUND) : okRsp({ len: file.length });
}

function hash(device: SimDevice, ctx: HandlerContext): HandlerResult {
  const req = decodeRequest(ctx.payload, { name: 'tstr', type: 'tstr', off: 'uint', len: 'uint' });
  if (!req.ok) return rcRsp(MgmtErr.EINVAL);
  const type = req.value.type ?? 'crc32';
  if (type !== 'crc32' && type !== 'sha256') return groupErr(FsErr.CHECKSUM_HASH_NOT_FOUND);
  const bad = checkPath(req.value.name);
  if (bad !== undefined) return bad;
  const file = device.files.get(req.value.name ?? '');
  if (file === undefined) return groupErr(FsErr.FILE_NOT_FOUND);
  if (file.length === 0) return groupErr(FsErr.FILE_EMPTY);
  const off = req.value.off ?? 0;
  if (off >= file.length) return groupErr(FsErr.FILE_OFFSET_LARGER_THAN_FILE);
  const len = Math.min(req.value.len ?? file.length - off, file.length - off);
  const output = digest(type, file.subarray(off, off + len), device.faults.has('fs-hash-wrong'));
  return okRsp(off === 0 ? { type, len, output } : { type, off, len, output });
}

function digest(type: 'crc32' | 'sha256', bytes: Uint8Array, isWrong: boolean): number | Uint8Array {
  if (type === 'crc32') return (crc32(bytes) ^ (isWrong ? 1 : 0)) >>> 0;
  const out = new Uint8Array(createHash('sha256').update(bytes).digest());
  if (isWrong) out[31] = (out[31] ?? 0) ^ 1;
  return out;
}

function supportedTypes(): HandlerResult {
  return okRsp({ types: { crc32: { format: 0, size: 4 }, sha256: { format: 1, size: 32 } } });
}

function close(device: SimDevice): HandlerResult {
  device.openFile = undefined;
  return okRsp({});
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
