/**
 * OS memory-pool statistics (group 0, command 3), present only with the `os-mpstat-pools`
 * profile. Zephyr v4's os group has no handler for it (the capture answers `rc 8`), so by
 * default the command is absent, exactly as an unregistered id; with the profile on, the device
 * answers as a build with pool statistics would.
 * @see docs/spec/smp.md §3.1.3
 */
import type { SimDevice } from '../device.ts';
import { okRsp, type CommandHandlers, type HandlerResult, type RspMap } from '../types.ts';

/** One pool as mpstat reports it: block size in bytes, blocks, free blocks now, least free blocks ever. */
export interface MemPoolFigures {
  readonly blksiz: number;
  readonly nblks: number;
  readonly nfree: number;
  readonly min: number;
}

/**
 * The network stack's packet slabs and data-buffer pools of an smp_svr UDP build (Zephyr's
 * defaults: 14 packets and 36 buffers of 128 bytes each way). The figures are fixed so a test can
 * set a budget one pool exceeds: `rx_bufs` peaked at 29 of 36 blocks (80.6 %) under a burst of
 * datagrams, the others stayed at or below 5 of 14 (35.7 %). Always `min <= nfree <= nblks`.
 */
export const MEM_POOLS: Readonly<Record<string, MemPoolFigures>> = {
  rx_pkts: { blksiz: 160, nblks: 14, nfree: 13, min: 9 },
  tx_pkts: { blksiz: 160, nblks: 14, nfree: 14, min: 11 },
  rx_bufs: { blksiz: 128, nblks: 36, nfree: 34, min: 7 },
  tx_bufs: { blksiz: 128, nblks: 36, nfree: 36, min: 24 },
};

/** The response: a map of pool name → `{blksiz, nblks, nfree, min}`, in the order above. */
function mpstat(): HandlerResult {
  const pools: Record<string, RspMap> = {};
  for (const [name, p] of Object.entries(MEM_POOLS)) pools[name] = { blksiz: p.blksiz, nblks: p.nblks, nfree: p.nfree, min: p.min };
  return okRsp(pools);
}

/** Command 3 as the os group registers it: read only, and only present with the profile on. */
export const mpstatCommand: CommandHandlers<SimDevice> = {
  read: mpstat,
  isPresent: (device) => device.faults.has('os-mpstat-pools'),
};
