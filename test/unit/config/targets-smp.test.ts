/**
 * targets.json `smp` as an object: the connection string with the device's transport MTU and the
 * file system the fs cases write to; parsed with defaults, and every bad value refused at its
 * JSON pointer.
 */
import { describe, expect, it } from 'vitest';
import { parseTargets } from '../../../src/config/targets.ts';
import { runTargetOf } from '../../../src/config/run-target.ts';
import { driversFor } from '../../../src/target/drivers.ts';
import type { SmpDriver } from '../../../src/target/smp/driver.ts';

/** A file with the one target `t`. */
const one = (t: Record<string, unknown>): string => JSON.stringify({ schemaVersion: 1, targets: { t } });
const serial = (smp: unknown): string => one({ kind: 'serial', smp });

function parsed(text: string) {
  const r = parseTargets(text, 'targets.json');
  if (!r.ok) throw new Error(r.error.map((e) => e.message).join('\n'));
  return r.value.targets['t']!;
}

describe('targets.json smp options', () => {
  it('takes the connection, the MTU and the fs root and budget', () => {
    const t = parsed(serial({ connection: 'serial:///dev/ttyACM0?baud=115200', mtu: 256, fs: { root: '/storage/', budgetBytes: 2048 } }));
    expect(t.smp).toBe('serial:///dev/ttyACM0?baud=115200');
    expect(t.smpOptions).toEqual({ mtu: 256, fs: { root: '/storage', budgetBytes: 2048 } });
  });

  it('fills in the fs root /lfs1 and leaves MTU and budget to discovery and the suites', () => {
    const t = parsed(one({ kind: 'udp', smp: { connection: 'udp://127.0.0.1:1337' } }));
    expect(t.smpOptions).toEqual({ fs: { root: '/lfs1' } });
  });

  it('a plain connection string still works and has no smp options', () => {
    const t = parsed(serial('serial:///dev/ttyACM0'));
    expect(t.smp).toBe('serial:///dev/ttyACM0');
    expect(t.smpOptions).toBeUndefined();
  });

  it('a sim target takes the fs options without a connection string', () => {
    const t = parsed(one({ kind: 'sim', smp: { fs: { budgetBytes: 8192 } } }));
    expect(t.smp).toBeUndefined();
    expect(t.smpOptions?.fs).toEqual({ root: '/lfs1', budgetBytes: 8192 });
  });

  it('a sim target sets its simulated serial MTU and file system size', () => {
    const t = parsed(one({ kind: 'sim', sim: { serialMtu: 512, fsBytes: 4096 } }));
    expect(t.sim).toMatchObject({ serialMtu: 512, fsBytes: 4096 });
  });

  it('an MTU given in both places agrees', () => {
    expect(parsed(serial({ connection: 'serial:///dev/ttyACM0?mtu=256', mtu: 256 })).smpOptions?.mtu).toBe(256);
  });

  it('the worker target carries the options, and the SMP driver gets the MTU as declared', async () => {
    const t = parsed(one({ kind: 'udp', smp: { connection: 'udp://127.0.0.1:1337', mtu: 300, fs: { root: '/nand' } } }));
    const run = JSON.parse(JSON.stringify(runTargetOf(t, { transport: 'udp', seed: 1, isStrict: false, faults: [] })));
    expect(run.smpOptions).toEqual({ mtu: 300, fs: { root: '/nand' } });
    const driver = driversFor(run)[0] as SmpDriver;
    await driver.open({ target: run, smp: run.smp, listening: {} });
    try {
      expect(driver.transportMtu).toEqual({ bytes: 300, source: 'declared' });
      expect(driver.maxRequestBytes).toBe(300);
    } finally {
      await driver.close();
    }
  });
});

const rows: { name: string; text: string; pointer: string; says: RegExp }[] = [
  { name: 'smp a number', text: serial(5), pointer: '/targets/t/smp', says: /expected a connection string .* or an object/ },
  { name: 'mtu below 32', text: serial({ connection: 'serial:///dev/ttyACM0', mtu: 10 }), pointer: '/targets/t/smp/mtu', says: /bytes, an integer from 32 to 65535, got 10/ },
  { name: 'mtu not an integer', text: serial({ connection: 'serial:///dev/ttyACM0', mtu: 'big' }), pointer: '/targets/t/smp/mtu', says: /bytes, an integer from 32 to 65535, got "big"/ },
  { name: 'mtu disagreeing with ?mtu=', text: serial({ connection: 'serial:///dev/ttyACM0?mtu=128', mtu: 256 }), pointer: '/targets/t/smp/mtu', says: /256 disagrees with mtu=128/ },
  { name: 'unknown smp key', text: serial({ connection: 'serial:///dev/ttyACM0', mtus: 256 }), pointer: '/targets/t/smp/mtus', says: /unknown key 'mtus' \(allowed: connection, mtu, fs\)/ },
  { name: 'fs root relative', text: serial({ connection: 'serial:///dev/ttyACM0', fs: { root: 'lfs1' } }), pointer: '/targets/t/smp/fs/root', says: /an absolute mount point like "\/lfs1", got "lfs1"/ },
  { name: 'fs budget too small', text: serial({ connection: 'serial:///dev/ttyACM0', fs: { budgetBytes: 10 } }), pointer: '/targets/t/smp/fs/budgetBytes', says: /bytes, an integer >= 64, got 10/ },
  { name: 'unknown fs key', text: serial({ connection: 'serial:///dev/ttyACM0', fs: { size: 4 } }), pointer: '/targets/t/smp/fs/size', says: /unknown key 'size' \(allowed: root, budgetBytes\)/ },
  { name: 'serial target without a connection', text: serial({ mtu: 256 }), pointer: '/targets/t/smp/connection', says: /needs a connection string/ },
  { name: 'bad connection in the object', text: serial({ connection: 'tcp://1.2.3.4:1' }), pointer: '/targets/t/smp/connection', says: /unknown scheme 'tcp'/ },
  { name: 'sim serial MTU too small', text: one({ kind: 'sim', sim: { serialMtu: 8 } }), pointer: '/targets/t/sim/serialMtu', says: /bytes, an integer from 32 to 65535, got 8/ },
  { name: 'sim target with a connection', text: one({ kind: 'sim', smp: { connection: 'udp://127.0.0.1:1' } }), pointer: '/targets/t/smp/connection', says: /belongs to kind "udp", "serial" or "process"/ },
];

describe('bad smp options', () => {
  it.each(rows)('$name', ({ text, pointer, says }) => {
    const r = parseTargets(text, 'targets.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = r.error.filter((e) => e.pointer === pointer);
    expect(at, r.error.map((e) => `${e.pointer}: ${e.message}`).join('\n')).toHaveLength(1);
    expect(at[0]!.message).toMatch(says);
  });
});
