/**
 * Run profiles (`run --profile NAME`), named in summary.json and on the certificate:
 * - `port`: every case; what the target enables decides which run and which are unsupported.
 *   For a port in progress: the picture of where it stands.
 * - `certify`: a fixed set (every MUST and SHOULD case, no filters, no retries) and a fixed list
 *   of required capabilities per protocol: a case the target cannot run because it lacks one of
 *   them fails instead of being skipped.
 * - `nightly`: `port` plus a comparison with `--baseline` (required); the exit status says
 *   whether anything regressed against the baseline, not whether known failures are still there.
 */
import type { TargetProtocol } from '../config/index.ts';
import { UsageError } from '../errors.ts';
import type { RunOptions } from './run-options.ts';

/** Capabilities a target must have to be certified, per protocol it speaks. */
export const CERTIFY_REQUIRED_CAPABILITIES: Readonly<Record<TargetProtocol, readonly string[]>> = {
  // docs/spec/smp.md §3: OS echo and parameters, and the image group's state and upload, are what
  // every MCUmgr device management port needs to update firmware at all.
  smp: ['smp.os', 'smp.os.echo', 'smp.os.params', 'smp.img', 'smp.img.state', 'smp.img.upload'],
  // docs/spec/lwm2m.md: registration with the Server (1) and Device (3) objects is mandatory.
  lwm2m: ['lwm2m', 'lwm2m.obj.1', 'lwm2m.obj.3'],
};

/** The options a profile implies; mistakes (filters with `certify`, `nightly` without a baseline) are usage errors. */
export function applyProfile(options: RunOptions): RunOptions {
  switch (options.profile) {
    case undefined:
    case 'port':
      return options;
    case 'certify': {
      const filters = [options.grep !== undefined ? '--grep' : undefined, options.suites !== undefined ? '--suite' : undefined, options.level !== undefined ? '--level' : undefined].filter((f) => f !== undefined);
      if (filters.length > 0) throw new UsageError(`run: --profile certify runs a fixed case set; ${filters.join(', ')} cannot narrow it`);
      if (options.retries > 0) throw new UsageError('run: --profile certify takes each verdict as it comes; --retries is not allowed');
      if (options.faults.length > 0) throw new UsageError('run: --profile certify certifies the device as it is; --fault is not allowed');
      return { ...options, level: 'SHOULD' };
    }
    case 'nightly':
      if (options.baseline === undefined) throw new UsageError('run: --profile nightly compares with a baseline; give --baseline FILE (an earlier summary.json)');
      return { ...options, isFailOnRegression: true };
  }
}

/** The required capabilities for a target run of these protocols. */
export function requiredCapabilitiesFor(protocols: readonly TargetProtocol[]): string[] {
  return protocols.flatMap((p) => CERTIFY_REQUIRED_CAPABILITIES[p]);
}
