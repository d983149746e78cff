/**
 * The client's pure state: the Firmware Update state machine (docs/spec/lwm2m.md §4.6) and
 * the attribute store with its Discover rendering and effective-attribute lookup (§2.5).
 */
import { describe, expect, it } from 'vitest';
import { AttributeStore } from '../../../../src/simulator/lwm2m-client/attributes.ts';
import { OBJECT_DEFS, resourceDef } from '../../../../src/simulator/lwm2m-client/definitions.ts';
import { FirmwareUpdate, FwResult, FwState } from '../../../../src/simulator/lwm2m-client/firmware.ts';

function firmware(maxPackageBytes = 64): { fw: FirmwareUpdate; changes: number[] } {
  const changes: number[] = [];
  const fw: FirmwareUpdate = new FirmwareUpdate({ maxPackageBytes, updateMs: 1, onChange: () => changes.push(fw.state) });
  return { fw, changes };
}

describe('firmware update state machine', () => {
  it('goes Idle → Downloading → Downloaded over blocks, refuses a new package then, resets on a NUL write', () => {
    const { fw, changes } = firmware();
    expect(fw.writePackageBlock(0, new Uint8Array(16), false)).toBeUndefined();
    expect(fw.state).toBe(FwState.DOWNLOADING);
    expect(fw.writePackageBlock(16, new Uint8Array(16), true)).toBeUndefined();
    expect(fw.state).toBe(FwState.DOWNLOADED);
    expect(fw.image?.length).toBe(32);
    expect(fw.writePackageBlock(0, Uint8Array.of(1), true)).toMatchObject({ code: '4.05' });
    expect(fw.writePackageBlock(0, Uint8Array.of(0), true)).toBeUndefined();
    expect([fw.state, fw.result]).toEqual([FwState.IDLE, FwResult.INITIAL]);
    expect(changes).toEqual([FwState.DOWNLOADING, FwState.DOWNLOADED, FwState.IDLE]);
  });

  it('refuses a block out of order (4.08) and a package beyond storage (4.13, Result 2)', () => {
    const { fw } = firmware(32);
    expect(fw.writePackageBlock(16, new Uint8Array(16), false)).toMatchObject({ code: '4.08' });
    fw.writePackageBlock(0, new Uint8Array(16), false);
    expect(fw.writePackageBlock(32, new Uint8Array(16), false)).toMatchObject({ code: '4.08' });
    fw.writePackageBlock(16, new Uint8Array(16), false);
    expect(fw.writePackageBlock(32, new Uint8Array(16), true)).toMatchObject({ code: '4.13' });
    expect([fw.state, fw.result]).toEqual([FwState.IDLE, FwResult.NO_STORAGE]);
  });

  it('runs Update only from Downloaded and ends Idle with Result 1', async () => {
    const { fw } = firmware();
    expect(fw.executeUpdate()).toMatchObject({ code: '4.05' });
    fw.writePackageBlock(0, new Uint8Array(8), true);
    expect(fw.executeUpdate()).toBeUndefined();
    expect(fw.state).toBe(FwState.UPDATING);
    await new Promise((r) => setTimeout(r, 20));
    expect([fw.state, fw.result, fw.updates]).toEqual([FwState.IDLE, FwResult.SUCCESS, 1]);
  });

  it('maps Package URIs: no scheme → Result 7, unsupported scheme → Result 9', () => {
    const { fw } = firmware();
    fw.writePackageUri('not a uri');
    expect(fw.result).toBe(FwResult.INVALID_URI);
    fw.writePackageUri('');
    fw.writePackageUri('http://example.invalid/fw.bin');
    expect([fw.state, fw.result]).toEqual([FwState.IDLE, FwResult.UNSUPPORTED_PROTOCOL]);
  });
});

describe('attribute store', () => {
  const batteryLevel = resourceDef(OBJECT_DEFS.device, 9);
  const manufacturer = resourceDef(OBJECT_DEFS.device, 0);

  it('sets, removes and validates attributes', () => {
    const a = new AttributeStore();
    expect(a.write([3, 0, 9], ['pmin=1', 'pmax=3', 'gt=50'], batteryLevel)).toBeUndefined();
    expect(a.get([3, 0, 9])).toEqual({ pmin: 1, pmax: 3, gt: 50 });
    expect(a.write([3, 0, 9], ['pmax'], batteryLevel)).toBeUndefined();
    expect(a.get([3, 0, 9])).toEqual({ pmin: 1, gt: 50 });
    expect(a.write([3, 0, 9], ['lt=49', 'st=1'], batteryLevel)).toMatchObject({ code: '4.00' });
    expect(a.write([3, 0, 0], ['gt=1'], manufacturer)).toMatchObject({ code: '4.00' });
    expect(a.write([3, 0], ['epmin=1'], undefined)).toMatchObject({ code: '4.00' });
    expect(a.write([3, 0], ['pmin=-1'], undefined)).toMatchObject({ code: '4.00' });
    expect(a.get([3, 0, 9])).toEqual({ pmin: 1, gt: 50 });
  });

  it('takes each effective attribute from the nearest level, then the server defaults', () => {
    const a = new AttributeStore();
    a.write([3], ['pmax=60'], undefined);
    a.write([3, 0], ['pmin=2'], undefined);
    expect(a.effective([3, 0, 9], { pmin: 0, pmax: 0 })).toEqual({ pmin: 2, pmax: 60 });
    expect(a.effective([1, 0, 1], { pmin: 5, pmax: 10 })).toEqual({ pmin: 5, pmax: 10 });
  });
});
