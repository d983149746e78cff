/** Reading Zephyr `rom.json` / `ram.json` size reports: real reports, path forms, malformed input. */
import { describe, expect, it } from 'vitest';
import { MAX_REPORT_DEPTH, parseSizeReport, formatSizeReportError, type SizeReportError } from '../../../../src/codec/footprint/index.ts';
import { CORTEX_M3_BUILDS, loadReport, rawReport } from './report-fixtures.ts';

interface RawNode { name: string; identifier: string; size: number; children?: RawNode[] }

/** Sum of leaf sizes under the node whose identifier is `id` (an independent walk of the JSON). */
function subtreeSize(node: RawNode, id: string): number | undefined {
  if (node.identifier === id) return node.size;
  for (const c of node.children ?? []) {
    const hit = subtreeSize(c, id);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

describe('parseSizeReport on the shipped Zephyr v4.0 reports', () => {
  const boards = [...CORTEX_M3_BUILDS.map((b) => [b, 'mps2_an385'] as const), ['smp_serial', 'native_sim'] as const];
  for (const [build, board] of boards) {
    for (const memory of ['rom', 'ram'] as const) {
      it(`${build} ${board} ${memory}: symbol sizes add up to total_size, no findings`, () => {
        const report = loadReport(build, memory, board);
        const raw = rawReport(build, memory, board) as { total_size: number };
        expect(report.totalBytes).toBe(raw.total_size);
        expect(report.symbols.reduce((n, s) => n + s.sizeBytes, 0)).toBe(raw.total_size);
        expect(report.findings).toEqual([]);
        expect(report.symbols.every((s) => s.sizeBytes >= 0 && Number.isInteger(s.sizeBytes))).toBe(true);
      });
    }
  }

  it('reads the ZEPHYR_BASE, OUTPUT_DIR, "/" and "(no paths)" roots into paths relative to ZEPHYR_BASE', () => {
    const report = loadReport('smp_udp', 'rom');
    expect(report.zephyrBase).toBe('/zephyrproject/zephyr');
    const byName = (name: string) => report.symbols.find((s) => s.name === name);
    expect(byName('zcbor_map_start_encode')).toMatchObject({ origin: 'external', path: '../modules/zcbor/src/zcbor_encode.c', section: 'text' });
    expect(byName('_sw_isr_table')).toMatchObject({ origin: 'no-paths', path: '' });
    expect(report.symbols.find((s) => s.path.endsWith('isr_tables.c'))).toMatchObject({ origin: 'output', path: '../build/smp_udp/zephyr/isr_tables.c' });
    expect(report.symbols.find((s) => s.path.startsWith('subsys/mgmt/mcumgr/grp/img_mgmt/'))?.origin).toBe('zephyr');
    expect(report.symbols.filter((s) => s.origin === 'hidden')).toEqual([{ name: '(hidden)', sizeBytes: 20918, origin: 'hidden', path: '' }]);
  });

  it('reads the flat layout (every file under ZEPHYR_BASE, no ZEPHYR_BASE node) as ZEPHYR_BASE-relative paths', () => {
    const raw = rawReport('lwm2m', 'ram') as { symbols: RawNode };
    expect(raw.symbols.children?.some((c) => c.name === 'ZEPHYR_BASE')).toBe(false);
    const report = loadReport('lwm2m', 'ram');
    expect(report.zephyrBase).toBeUndefined();
    const lwm2m = report.symbols.filter((s) => s.path.startsWith('subsys/net/lib/lwm2m/'));
    expect(lwm2m.length).toBeGreaterThan(20);
    expect(lwm2m.every((s) => s.origin === 'zephyr')).toBe(true);
  });

  it('subtree sums match the figures the shared README quotes', () => {
    const sum = (build: string, memory: 'rom' | 'ram', prefix: string) =>
      loadReport(build, memory).symbols.filter((s) => s.path.startsWith(prefix)).reduce((n, s) => n + s.sizeBytes, 0);
    expect([sum('smp_uart_stock', 'rom', 'subsys/mgmt/mcumgr/'), sum('smp_uart_stock', 'ram', 'subsys/mgmt/mcumgr/')]).toEqual([7162, 4116]);
    expect([sum('smp_uart', 'rom', 'subsys/mgmt/mcumgr/'), sum('smp_uart', 'ram', 'subsys/mgmt/mcumgr/')]).toEqual([13594, 11140]);
    expect([sum('lwm2m', 'rom', 'subsys/net/lib/lwm2m/'), sum('lwm2m', 'ram', 'subsys/net/lib/lwm2m/')]).toEqual([49543, 17959]);
    expect([sum('lwm2m11', 'rom', 'subsys/net/lib/lwm2m/'), sum('lwm2m11', 'ram', 'subsys/net/lib/lwm2m/')]).toEqual([55201, 25570]);
    // The same figure from an independent walk of the JSON tree.
    const raw = rawReport('lwm2m', 'rom') as { symbols: RawNode };
    expect(subtreeSize(raw.symbols, 'subsys/net/lib/lwm2m')).toBe(49543);
  });
});

const leaf = (name: string, size: number) => ({ name, identifier: `x/${name}`, size, address: 0, section: 'text' });
const doc = (children: unknown[], size = 10, total: unknown = size) => ({ symbols: { name: 'Root', identifier: 'root', size, children }, total_size: total });

describe('parseSizeReport on malformed reports: one error naming the JSON pointer', () => {
  const cases: [string, unknown, Partial<SizeReportError>][] = [
    ['not an object', [1, 2], { kind: 'shape', pointer: '' }],
    ['no symbols', { total_size: 3 }, { kind: 'shape', pointer: '/symbols' }],
    ['root without name', { symbols: { identifier: 'root', size: 1 } }, { pointer: '/symbols/name' }],
    ['root identifier a number', { symbols: { name: 'Root', identifier: 1, size: 1 } }, { pointer: '/symbols/identifier' }],
    ['size missing', doc([{ name: 'a', identifier: 'a' }]), { pointer: '/symbols/children/0/size' }],
    ['size a string', doc([{ name: 'a', identifier: 'a', size: '10' }]), { pointer: '/symbols/children/0/size' }],
    ['negative size', doc([{ name: 'kernel', identifier: 'kernel', size: 10, children: [leaf('a', -4)] }]), { pointer: '/symbols/children/0/children/0/size' }],
    ['fractional size', doc([{ name: 'a', identifier: 'a', size: 1.5 }]), { pointer: '/symbols/children/0/size' }],
    ['children not an array', doc([{ name: 'a', identifier: 'a', size: 10, children: {} }]), { pointer: '/symbols/children/0/children' }],
    ['child not an object', doc([{ name: 'a', identifier: 'a', size: 10, children: [7] }]), { pointer: '/symbols/children/0/children/0' }],
    ['negative address', doc([{ name: 'a', identifier: 'a', size: 10, children: [{ ...leaf('f', 10), address: -1 }] }]), { pointer: '/symbols/children/0/children/0/address' }],
    ['section a number', doc([{ name: 'a', identifier: 'a', size: 10, children: [{ ...leaf('f', 10), section: 3 }] }]), { pointer: '/symbols/children/0/children/0/section' }],
    ['total_size negative', doc([leaf('a', 10)], 10, -1), { pointer: '/total_size' }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const r = parseSizeReport(JSON.stringify(input), 'rom');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject(expected);
        expect(formatSizeReportError(r.error)).toContain(expected.pointer === '' ? 'at /' : `at ${expected.pointer}`);
      }
    });
  }

  it('bad JSON: the offset of the syntax error', () => {
    const r = parseSizeReport('{"symbols": {"name": "Root",, }}', 'rom');
    expect(r).toMatchObject({ ok: false, error: { kind: 'json', offset: 28 } });
    if (!r.ok) expect(formatSizeReportError(r.error)).toMatch(/^at offset 28: not JSON/);
  });

  it(`a tree deeper than ${MAX_REPORT_DEPTH} levels is refused, not followed`, () => {
    let node: Record<string, unknown> = leaf('deep', 1);
    for (let i = 0; i < MAX_REPORT_DEPTH + 5; i++) node = { name: `d${i}`, identifier: `d${i}`, size: 1, children: [node] };
    const r = parseSizeReport(JSON.stringify(doc([node], 1)), 'rom');
    expect(r).toMatchObject({ ok: false, error: { kind: 'limit' } });
  });
});

describe('parseSizeReport: a WORKSPACE root (west workspace given to the size tool)', () => {
  it('reads its relative paths against the workspace, then relative to ZEPHYR_BASE', () => {
    const file = (id: string, sym: string, size: number) => ({ name: id.split('/').pop(), identifier: id, size, children: [{ name: sym, identifier: `${id}/${sym}`, size, address: 0, section: 'text' }] });
    const r = parseSizeReport({
      symbols: {
        name: 'Root', identifier: 'root', size: 30, children: [
          { name: 'ZEPHYR_BASE', identifier: '/ws/zephyr', size: 10, children: [file('kernel/sem.c', 'z_impl_k_sem_give', 10)] },
          { name: 'WORKSPACE', identifier: '/ws', size: 20, children: [file('modules/lib/zcbor/src/zcbor_encode.c', 'zcbor_uint32_put', 20)] },
        ],
      },
      total_size: 30,
    }, 'rom');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.symbols.map((s) => [s.name, s.origin, s.path])).toEqual([
      ['z_impl_k_sem_give', 'zephyr', 'kernel/sem.c'],
      ['zcbor_uint32_put', 'workspace', '../modules/lib/zcbor/src/zcbor_encode.c'],
    ]);
  });
});

describe('parseSizeReport findings: sizes that do not add up', () => {
  it('children smaller than their parent: a finding, and the difference kept as (unaccounted)', () => {
    const r = parseSizeReport(doc([{ name: 'kernel', identifier: 'kernel', size: 10, children: [leaf('a', 6)] }]), 'ram');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.findings).toEqual([expect.objectContaining({ kind: 'children-sum', pointer: '/symbols/children/0' })]);
    expect(r.value.symbols).toContainEqual({ name: '(unaccounted)', sizeBytes: 4, origin: 'zephyr', path: 'kernel/' });
    expect(r.value.symbols.reduce((n, s) => n + s.sizeBytes, 0)).toBe(10);
  });

  it('children larger than their parent, total_size differing from the root: findings', () => {
    const r = parseSizeReport(doc([{ name: 'kernel', identifier: 'kernel', size: 10, children: [leaf('a', 12)] }], 10, 11), 'rom');
    expect(r.ok && r.value.findings.map((f) => f.kind)).toEqual(['children-exceed', 'total-mismatch']);
    expect(r.ok && r.value.totalBytes).toBe(11);
  });
});
