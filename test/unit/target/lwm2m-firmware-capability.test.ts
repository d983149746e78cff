/**
 * The Firmware Update capability the LwM2M side states to the cases: targets.json's
 * `lwm2m.firmware` when given, else for the built-in simulator what its client version takes
 * (1.0 blobs, 1.1 MCUboot images), else nothing (the integrity case then assumes MCUboot).
 */
import { describe, expect, it } from 'vitest';
import { builtInTargets, runTargetOf, type TargetConfig } from '../../../src/config/index.ts';
import { driversFor } from '../../../src/target/drivers.ts';
import type { Lwm2mDriver } from '../../../src/target/lwm2m/driver.ts';

const lwm2m = { listen: 'coap://127.0.0.1:0', endpoint: 'ep', registrationTimeoutMs: 1000 };
const run = { transport: 'lwm2m-1.1', seed: 1, isStrict: false, faults: [], protocols: ['lwm2m'] as const };

function firmwareOf(target: TargetConfig, version?: '1.0' | '1.1'): unknown {
  const drivers = driversFor(runTargetOf(target, { ...run, protocols: [...run.protocols], ...(version ? { lwm2mVersion: version } : {}) }));
  return (drivers.find((d) => d.name === 'lwm2m') as Lwm2mDriver | undefined)?.firmware;
}

describe('lwm2m firmware capability of a target', () => {
  const sim = builtInTargets().targets['sim']!;

  it('the simulator states blobs for its 1.0 client and MCUboot images for 1.1', () => {
    expect(firmwareOf({ ...sim, lwm2m }, '1.0')).toEqual({ package: 'blob' });
    expect(firmwareOf({ ...sim, lwm2m }, '1.1')).toEqual({ package: 'mcuboot' });
  });

  it('targets.json lwm2m.firmware wins; a board that states nothing has no statement', () => {
    const board: TargetConfig = { name: 'b', kind: 'udp', capabilities: [], timeoutMs: 1000, strict: false, budgets: {}, lwm2m };
    expect(firmwareOf({ ...board, lwm2m: { ...lwm2m, firmware: { package: 'blob' } } })).toEqual({ package: 'blob' });
    expect(firmwareOf(board)).toBeUndefined();
    expect(firmwareOf({ ...sim, lwm2m: { ...lwm2m, firmware: { package: 'mcuboot' } } }, '1.0')).toEqual({ package: 'mcuboot' });
  });
});
