/**
 * Which protocol drivers a target's Session runs: SMP when the target has an SMP side (every
 * target but an LwM2M-only one), LwM2M when it has an `lwm2m` block.
 * @see docs/architecture.md "Protocol drivers"
 */
import { simLwm2mFirmware, targetProtocols, type RunTarget } from '../config/index.ts';
import type { Transport } from '../core/transport.ts';
import type { ProtocolDriver } from './protocol-driver.ts';
import { Lwm2mDriver } from './lwm2m/driver.ts';
import { SmpDriver } from './smp/driver.ts';

/** Test hooks: an injected SMP transport (a memory pair) instead of the target's link. */
export interface DriverOverrides {
  transport?: Transport | undefined;
  transportKind?: string | undefined;
}

/** The drivers of `target`, in the order the Session opens them. */
export function driversFor(target: RunTarget, overrides: DriverOverrides = {}): ProtocolDriver[] {
  const drivers: ProtocolDriver[] = [];
  if (hasSmpSide(target) || overrides.transport) drivers.push(smpDriver(target, overrides));
  if (target.lwm2m && (target.protocols ?? targetProtocols(target)).includes('lwm2m')) drivers.push(new Lwm2mDriver({ lwm2m: target.lwm2m, timeoutMs: target.timeoutMs, declared: target.capabilities, ...(target.kind === 'sim' && target.sim?.lwm2m?.ackTimeoutMs !== undefined ? { simAckTimeoutMs: target.sim.lwm2m.ackTimeoutMs } : {}), ...(target.kind === 'sim' ? { simFirmware: simLwm2mFirmware(target.simLwm2mVersion ?? '1.1') } : {}) }));
  return drivers;
}

/** Whether the target speaks SMP: every target but an LwM2M-only one (`protocols` without `smp`). */
export function hasSmpSide(target: RunTarget): boolean {
  return (target.protocols ?? targetProtocols(target)).includes('smp');
}

function smpDriver(target: RunTarget, overrides: DriverOverrides): SmpDriver {
  return new SmpDriver({
    timeoutMs: target.timeoutMs,
    declared: target.capabilities,
    isReferenceSimulator: target.kind === 'sim',
    transport: overrides.transport,
    transportKind: overrides.transportKind,
    mtu: target.smpOptions?.mtu,
  });
}
