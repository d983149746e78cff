/**
 * targets.json `smp` as an object: the connection string with what the device's SMP side limits
 * (the transport MTU) and the file system the fs cases write to (root, budget).
 * @see docs/spec/smp.md §3.5, §4.3; docs/architecture.md "Limits the device sets"
 */
import type { ConfigChecker } from './checker.ts';

/** Mount point the fs cases write under unless targets.json names one (the smp_svr sample's LittleFS). */
export const DEFAULT_FS_ROOT = '/lfs1';

/** The file system the fs cases write to (targets.json `smp.fs`). */
export interface SmpFsOptions {
  /** Mount point of the scratch files (default `DEFAULT_FS_ROOT`). */
  root: string;
  /** Most bytes the fs cases may hold on the device at once; absent: the suites' default. */
  budgetBytes?: number;
}

/** What targets.json says about the device's SMP side besides the connection (`smp` as an object). */
export interface SmpTargetOptions {
  /** Largest SMP packet the device's transport takes; absent: measured on serial links. */
  mtu?: number;
  fs: SmpFsOptions;
}

/** `smp` given as an object. */
export interface RawSmp {
  connection?: string;
  mtu?: number;
  fs?: Partial<SmpFsOptions>;
}

/** `smp` as an object: the fs root and budget with defaults; an MTU given twice must agree. */
export function checkSmpOptions(c: ConfigChecker, smp: RawSmp, connection: string | undefined, at: string): SmpTargetOptions {
  const fs: SmpFsOptions = { root: (smp.fs?.root ?? DEFAULT_FS_ROOT).replace(/\/+$/, '') };
  if (smp.fs?.budgetBytes !== undefined) fs.budgetBytes = smp.fs.budgetBytes;
  const inString = connection === undefined ? undefined : /[?&]mtu=(\d+)(?:&|$)/.exec(connection)?.[1];
  if (smp.mtu !== undefined && inString !== undefined && Number(inString) !== smp.mtu) {
    c.problem(`${at}/mtu`, `${smp.mtu} disagrees with mtu=${inString} in the connection string (give it once)`);
  }
  return { ...(smp.mtu === undefined ? {} : { mtu: smp.mtu }), fs };
}
