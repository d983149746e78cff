/** Budgets judged against real builds, and growth between builds per subsystem. */
import { describe, expect, it } from 'vitest';
import {
  compareFootprints, evaluateFootprintBudget, footprintBuild, growthOf, parseFootprintBudget, scopeBytes, subsystemBytes, type FootprintBuild,
} from '../../../../src/codec/footprint/index.ts';
import { loadBuild, loadReport } from './report-fixtures.ts';

describe('evaluateFootprintBudget on real builds', () => {
  const smp = loadBuild('smp_uart_stock');
  const rom = smp.rom!;
  const ram = smp.ram!;

  it('passes a budget just above the measured figures, quoting them', () => {
    const verdict = evaluateFootprintBudget(smp, {
      romBytes: rom.deviceBytes, ramBytes: ram.deviceBytes + 1,
      subsystems: { mcumgr: { romBytes: subsystemBytes(rom, 'mcumgr') }, 'layer:kernel': { ramBytes: ram.layers.kernel } },
    });
    expect(verdict.pass).toBe(true);
    expect(verdict.findings.map((f) => [f.scope, f.memory, f.status])).toEqual([
      ['total', 'rom', 'pass'], ['total', 'ram', 'pass'], ['mcumgr', 'rom', 'pass'], ['layer:kernel', 'ram', 'pass'],
    ]);
    expect(verdict.findings[0]!.message).toBe(`smp_uart_stock: total ROM ${rom.deviceBytes} bytes, budget ${rom.deviceBytes} (0 under)`);
  });

  it('fails one byte over, per total and per subsystem, with the figures', () => {
    const zcbor = subsystemBytes(rom, 'zcbor');
    const verdict = evaluateFootprintBudget(smp, { ramBytes: 17_292, subsystems: { zcbor: { romBytes: zcbor - 1 }, 'mcumgr.img': { romBytes: 100_000 } } });
    expect(verdict.pass).toBe(false);
    expect(verdict.findings.map((f) => f.status)).toEqual(['fail', 'fail', 'pass']);
    expect(verdict.findings[0]).toMatchObject({ actualBytes: 17_293, limitBytes: 17_292, message: 'smp_uart_stock: total RAM 17293 bytes, budget 17292 (1 over)' });
    expect(verdict.findings[1]).toMatchObject({ scope: 'zcbor', actualBytes: zcbor, message: `smp_uart_stock: zcbor ROM ${zcbor} bytes, budget ${zcbor - 1} (1 over)` });
  });

  it('a budget on a memory the build has no report for is missing, not passed', () => {
    const romOnly: FootprintBuild = footprintBuild('rom-only', { rom: loadReport('smp_uart_stock', 'rom') });
    expect(romOnly.rom).toEqual(rom);
    const verdict = evaluateFootprintBudget(romOnly, { ramBytes: 1_000_000 });
    expect(verdict).toMatchObject({ pass: false, findings: [{ status: 'missing' }] });
  });

  it('scopes: total leaves out emulation; a prefix sums its subsystems; layer:NAME a layer', () => {
    const udp = loadBuild('smp_udp').ram!;
    expect(scopeBytes(udp, 'total')).toBe(udp.totalBytes - 1_048_576);
    expect(scopeBytes(udp, 'net')).toBe(['net.ip', 'net.l2', 'net.sockets', 'net.lib'].reduce((n, s) => n + subsystemBytes(udp, s), 0));
    expect(scopeBytes(udp, 'layer:transport')).toBe(udp.layers.transport);
  });
});

describe('parseFootprintBudget: bad budgets name the JSON pointer', () => {
  const bad: [string, unknown, string][] = [
    ['not an object', 7, ''],
    ['array', [], ''],
    ['romBytes a string', { romBytes: '64k' }, '/romBytes'],
    ['ramBytes negative', { ramBytes: -1 }, '/ramBytes'],
    ['ramBytes fractional', { ramBytes: 1.5 }, '/ramBytes'],
    ['unknown top field', { flashBytes: 1 }, '/flashBytes'],
    ['subsystems an array', { subsystems: [] }, '/subsystems'],
    ['unknown subsystem', { subsystems: { mcumrg: { romBytes: 1 } } }, '/subsystems/mcumrg'],
    ['unknown layer', { subsystems: { 'layer:network': { romBytes: 1 } } }, '/subsystems/layer:network'],
    ['subsystem limits not an object', { subsystems: { zcbor: 5 } }, '/subsystems/zcbor'],
    ['subsystem limit a string', { subsystems: { zcbor: { romBytes: 'x' } } }, '/subsystems/zcbor/romBytes'],
    ['nested subsystems', { subsystems: { zcbor: { subsystems: {} } } }, '/subsystems/zcbor/subsystems'],
  ];
  for (const [name, value, pointer] of bad) {
    it(name, () => {
      expect(parseFootprintBudget(value)).toMatchObject({ ok: false, error: { pointer } });
    });
  }
  it('accepts names, prefixes, layers and $schema', () => {
    const budget = { $schema: './footprint-budget.json', romBytes: 1, subsystems: { mcumgr: { romBytes: 1 }, 'mcumgr.img': { ramBytes: 2 }, 'layer:management': {}, '(hidden)': { romBytes: 3 } } };
    expect(parseFootprintBudget(budget)).toEqual({ ok: true, value: budget });
  });
});

describe('compareFootprints: LwM2M 1.0 -> 1.1 growth per subsystem', () => {
  const lwm2m10 = loadBuild('lwm2m');
  const lwm2m11 = loadBuild('lwm2m11');
  const growth = compareFootprints(lwm2m10, lwm2m11);

  it('totals: the device figures of both builds and their difference', () => {
    expect(growthOf(growth, 'total', 'rom')).toEqual({ scope: 'total', memory: 'rom', baseBytes: 185_086, otherBytes: 196_710, deltaBytes: 11_624, deltaPercent: 6.3 });
    expect(growthOf(growth, 'total', 'ram')).toMatchObject({ baseBytes: 46_893, otherBytes: 54_504, deltaBytes: 7_611 });
  });

  it('subsystem deltas add up to the total delta', () => {
    for (const memory of ['rom', 'ram'] as const) {
      const rows = growth.rows.filter((r) => r.memory === memory && r.scope !== 'total' && !r.scope.startsWith('layer:') && r.layer !== 'emulation');
      expect(rows.reduce((n, r) => n + r.deltaBytes, 0)).toBe(growthOf(growth, 'total', memory)!.deltaBytes);
    }
  });

  it('1.1 adds SenML CBOR (formats and zcbor grow) and the engine grows in RAM', () => {
    const formats = growthOf(growth, 'lwm2m.formats', 'rom')!;
    expect(formats.deltaBytes).toBeGreaterThan(0);
    const zcbor = growthOf(growth, 'zcbor', 'rom')!;
    expect(zcbor.baseBytes).toBe(0);
    expect(zcbor.otherBytes).toBeGreaterThan(2000);
    expect(zcbor.deltaPercent).toBeUndefined();
    expect(growthOf(growth, 'lwm2m.engine', 'ram')!.deltaBytes).toBeGreaterThan(0);
    // Rows after the totals and layers are ordered by the size of the change.
    const subsystemRows = growth.rows.filter((r) => r.memory === 'rom' && r.scope !== 'total' && !r.scope.startsWith('layer:'));
    const deltas = subsystemRows.map((r) => Math.abs(r.deltaBytes));
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
  });
});
