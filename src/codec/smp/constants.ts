/**
 * SMP wire constants, named as in Zephyr's mgmt_defines.h.
 * @see docs/spec/smp.md §1.2, §2.1, §3.0
 */

/** Header op codes (3 bits). */
export const SmpOp = {
  READ: 0,
  READ_RSP: 1,
  WRITE: 2,
  WRITE_RSP: 3,
} as const;
export type SmpOpValue = (typeof SmpOp)[keyof typeof SmpOp];

/** Header version bits: 0 = SMP v1 (original protocol), 1 = SMP v2 (group error form). */
export const SmpVersion = {
  V1: 0,
  V2: 1,
} as const;
export type SmpVersionValue = (typeof SmpVersion)[keyof typeof SmpVersion];

/** Management group ids (`enum mcumgr_group_t`). */
export const MgmtGroup = {
  OS: 0,
  IMAGE: 1,
  STAT: 2,
  SETTINGS: 3,
  LOG: 4,
  CRASH: 5,
  SPLIT: 6,
  RUN: 7,
  FS: 8,
  SHELL: 9,
  ENUM: 10,
  TRANSPORT: 11,
  ZEPHYR_BASIC: 63,
  PERUSER: 64,
} as const;

/** Generic SMP-level error codes (`mcumgr_err_t`), carried in top-level `rc`. */
export const MgmtErr = {
  EOK: 0,
  EUNKNOWN: 1,
  ENOMEM: 2,
  EINVAL: 3,
  ETIMEOUT: 4,
  ENOENT: 5,
  EBADSTATE: 6,
  EMSGSIZE: 7,
  ENOTSUP: 8,
  ECORRUPT: 9,
  EBUSY: 10,
  EACCESSDENIED: 11,
  UNSUPPORTED_TOO_OLD: 12,
  UNSUPPORTED_TOO_NEW: 13,
  EPERUSER: 256,
} as const;

/** Size of the SMP header in bytes (`MGMT_HDR_SIZE`). */
export const SMP_HEADER_BYTES = 8;

/** Zephyr's default SMP UDP port. */
export const SMP_UDP_PORT = 1337;

/** Zephyr's UDP receive buffer (`CONFIG_MCUMGR_TRANSPORT_UDP_MTU` default). */
export const SMP_UDP_MTU_BYTES = 1500;

/** Name of a generic error code, or `undefined`. */
export function mgmtErrName(rc: number): string | undefined {
  for (const [name, value] of Object.entries(MgmtErr)) if (value === rc) return `MGMT_ERR_${name}`;
  return undefined;
}

/** Name of a group id, or `group-N`. */
export function groupName(group: number): string {
  for (const [name, value] of Object.entries(MgmtGroup)) if (value === group) return name.toLowerCase();
  return `group-${group}`;
}
