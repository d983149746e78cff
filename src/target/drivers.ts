/**
 * Which protocol drivers a target's Session runs. Every target speaks SMP today; a target with an
 * `lwm2m` block gets the LwM2M driver here once src/target/lwm2m/ provides it (one line below).
 * @see docs/architecture.md "Protocol drivers"
 */
import type { RunTarget } from '../config/index.ts';
import type { Transport } from '../core/transport.ts';
import type { ProtocolDriver } from './protocol-driver.ts';
import { SmpDriver } from './smp/driver.ts';

/** Test hooks: an injected SMP transport (a memory pair) instead of the target's link. */
export interface DriverOverrides {
  transport?: Transport | undefined;
  transportKind?: string | undefined;
}

/** The drivers of `target`, in the order the Session opens them. */
export function driversFor(target: RunTarget, overrides: DriverOverrides = {}): ProtocolDriver[] {
  const smp = new SmpDriver({
    timeoutMs: target.timeoutMs,
    declared: target.capabilities,
    isReferenceSimulator: target.kind === 'sim',
    transport: overrides.transport,
    transportKind: overrides.transportKind,
  });
  return [smp];
}
