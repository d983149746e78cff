/**
 * File system group (8): download, upload, status, hash/checksum, supported hash types, close.
 * @see docs/spec/smp.md §3.5, §2.4
 */
import { MgmtGroup, SmpOp } from '../constants.ts';
import type { Empty } from './fields.ts';
import { bstr, defineCommand, dictOf, EMPTY_SCHEMA, mapOf, oneOf, opt, req, tstr, uint } from './fields.ts';

/** Command ids (`FS_MGMT_ID_*`): download and upload share 0 (by op). */
export const FsCmd = {
  FILE: 0,
  STAT: 1,
  HASH_CHECKSUM: 2,
  SUPPORTED_HASH_CHECKSUM: 3,
  OPENED_FILE: 4,
} as const;

/** Group error codes (`fs_mgmt_err_code_t`, `FS_MGMT_ERR_*`). @see smp.md §2.4 */
export const FsMgmtErr = {
  OK: 0,
  UNKNOWN: 1,
  FILE_INVALID_NAME: 2,
  FILE_NOT_FOUND: 3,
  FILE_IS_DIRECTORY: 4,
  FILE_OPEN_FAILED: 5,
  FILE_SEEK_FAILED: 6,
  FILE_READ_FAILED: 7,
  FILE_TRUNCATE_FAILED: 8,
  FILE_DELETE_FAILED: 9,
  FILE_WRITE_FAILED: 10,
  FILE_OFFSET_NOT_VALID: 11,
  FILE_OFFSET_LARGER_THAN_FILE: 12,
  CHECKSUM_HASH_NOT_FOUND: 13,
  MOUNT_POINT_NOT_FOUND: 14,
  READ_ONLY_FILESYSTEM: 15,
  FILE_EMPTY: 16,
} as const;

/** Download request. */
export interface FsDownloadReq {
  off: number;
  name: string;
}
/** Download response; `len` (file size) is mandatory when `off` = 0. */
export interface FsDownloadRsp {
  off: number;
  data: Uint8Array;
  len?: number;
}
/** Upload request; `len` (file size) is mandatory when `off` = 0. */
export interface FsUploadReq {
  off: number;
  data: Uint8Array;
  name: string;
  len?: number;
}
/** Upload response: offset after the write. */
export interface FsOffRsp {
  off: number;
}
/** Status request. */
export interface FsNameReq {
  name: string;
}
/** Status response: file size. */
export interface FsStatusRsp {
  len: number;
}
/** Hash/checksum request (default type crc32 if built in, else sha256). */
export interface FsHashReq {
  name: string;
  type?: string;
  off?: number;
  len?: number;
}
/** Hash/checksum response: crc32 as uint, sha256 as 32-byte bstr; `off` only when ≠ 0. */
export interface FsHashRsp {
  type: string;
  off?: number;
  len: number;
  output: number | Uint8Array;
}
/** One supported hash type: `format` 0 = number, 1 = bytes. */
export interface FsHashType {
  format: number;
  size: number;
}
/** Supported hash types response. */
export interface FsSupportedHashesRsp {
  types: Record<string, FsHashType>;
}

const group = MgmtGroup.FS;

/** The file system group's commands. */
export const fsCommands = {
  /** File download chunk. */
  download: defineCommand<FsDownloadReq, FsDownloadRsp>({
    name: 'fs.download', group, id: FsCmd.FILE, op: SmpOp.READ, request: { off: req(uint), name: req(tstr) },
    response: { off: req(uint), data: req(bstr()), len: opt(uint) },
    check: (v) => (v.off === 0 && v.len === undefined ? [{ field: 'len', expected: 'uint (required when off = 0)', actual: 'missing' }] : []),
  }),
  /** File upload chunk. */
  upload: defineCommand<FsUploadReq, FsOffRsp>({
    name: 'fs.upload', group, id: FsCmd.FILE, op: SmpOp.WRITE, request: { off: req(uint), data: req(bstr()), name: req(tstr), len: opt(uint) }, response: { off: req(uint) },
  }),
  /** File status (size). */
  status: defineCommand<FsNameReq, FsStatusRsp>({ name: 'fs.status', group, id: FsCmd.STAT, op: SmpOp.READ, request: { name: req(tstr) }, response: { len: req(uint) } }),
  /** File hash/checksum. */
  hash: defineCommand<FsHashReq, FsHashRsp>({
    name: 'fs.hash', group, id: FsCmd.HASH_CHECKSUM, op: SmpOp.READ, request: { name: req(tstr), type: opt(tstr), off: opt(uint), len: opt(uint) },
    response: { type: req(tstr), off: opt(uint), len: req(uint), output: req(oneOf(uint, bstr())) },
  }),
  /** Supported hash/checksum types. */
  supportedHashes: defineCommand<Empty, FsSupportedHashesRsp>({
    name: 'fs.supportedHashes', group, id: FsCmd.SUPPORTED_HASH_CHECKSUM, op: SmpOp.READ, request: EMPTY_SCHEMA,
    response: { types: req(dictOf(mapOf({ format: req(uint), size: req(uint) }))) },
  }),
  /** Close the file the server keeps open. */
  close: defineCommand<Empty, Empty>({ name: 'fs.close', group, id: FsCmd.OPENED_FILE, op: SmpOp.WRITE, request: EMPTY_SCHEMA, response: EMPTY_SCHEMA }),
} as const;
