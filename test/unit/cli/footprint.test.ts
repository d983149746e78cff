/** `mgmt-conformance footprint`: tables from the shipped reports, compare, JSON, budgets, ELF, input errors. */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNames } from '../../../src/cli/footprint.ts';
import { main } from '../../../src/cli/main.ts';

const root = resolve(import.meta.dirname, '../../..');
const fixtures = resolve(root, 'test/fixtures/footprint');
const report = (build: string, memory: 'rom' | 'ram' = 'rom') => join(fixtures, `zephyr-v4.0-${build}-mps2_an385.${memory}.json`);
const dir = mkdtempSync(join(tmpdir(), 'footprint-cli-'));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['footprint', ...argv], { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Cells of the table row whose label is `label`. */
function row(table: string, label: string): string[] {
  const line = table.split('\n').find((l) => l.trim().split(/\s{2,}/)[0] === label);
  return line ? line.trim().split(/\s+/) : [];
}

describe('footprint table', () => {
  it('one build: totals and the management / transport / kernel split, with subsystems', async () => {
    const r = await run(report('smp_uart'));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^subsystem\s+zephyr-v4\.0-smp_uart-mps2_an385 ROM\s+zephyr-v4\.0-smp_uart-mps2_an385 RAM$/);
    expect(row(r.out, 'total')).toEqual(['total', '110764', '47214']);
    for (const label of ['management', 'mcumgr.img', 'mcumgr.fs', 'zcbor', 'transport', 'mcumgr.transport.uart', 'services', 'kernel', 'libc', 'platform', 'hidden']) {
      expect(row(r.out, label).length, label).toBe(3);
    }
    expect(row(r.out, 'emulation')).toEqual(['emulation', '0', '1048576']);
  });

  it('--compare: builds side by side with short names and the delta of the last against the first', async () => {
    const r = await run(report('lwm2m'), '--compare', report('lwm2m11'));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^subsystem\s+lwm2m ROM\s+lwm2m RAM\s+lwm2m11 ROM\s+lwm2m11 RAM\s+Δ ROM\s+Δ RAM$/);
    expect(row(r.out, 'total')).toEqual(['total', '185086', '46893', '196710', '54504', '+11624', '+7611']);
    expect(row(r.out, 'lwm2m.formats')[5]).toMatch(/^\+\d+$/);
  });

  it('--layers --markdown: a Markdown table of the layers only', async () => {
    const r = await run(report('hello_world'), '--compare', report('smp_uart_stock'), '--compare', report('lwm2m_lean'), '--layers', '--markdown');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('| subsystem | hello_world ROM | hello_world RAM | smp_uart_stock ROM | smp_uart_stock RAM | lwm2m_lean ROM | lwm2m_lean RAM |');
    expect(lines[1]).toBe('|---|--:|--:|--:|--:|--:|--:|');
    expect(lines[2]).toBe('| total | 11596 | 4363 | 55810 | 17293 | 137934 | 41015 |');
    expect(r.out).not.toContain('mcumgr.img');
  });

  it('--json: builds with attribution, and growth per subsystem', async () => {
    const r = await run(report('lwm2m'), '--compare', report('lwm2m11'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { builds: { name: string; rom: { totalBytes: number } }[]; growth: { rows: { scope: string; memory: string; deltaBytes: number }[] }[] };
    expect(doc.builds.map((b) => [b.name, b.rom.totalBytes])).toEqual([['lwm2m', 185086], ['lwm2m11', 196710]]);
    expect(doc.growth[0]!.rows.find((x) => x.scope === 'total' && x.memory === 'rom')?.deltaBytes).toBe(11624);
  });

  it('a build directory with zephyr/rom.json and zephyr/ram.json', async () => {
    const build = join(dir, 'build-smp');
    mkdirSync(join(build, 'zephyr'), { recursive: true });
    copyFileSync(report('smp_uart_stock'), join(build, 'zephyr/rom.json'));
    copyFileSync(report('smp_uart_stock', 'ram'), join(build, 'zephyr/ram.json'));
    const r = await run(build);
    expect(r.code).toBe(0);
    expect(row(r.out, 'total')).toEqual(['total', '55810', '17293']);
  });

  it('a build directory with only zephyr/zephyr.elf is read from the ELF', async () => {
    const build = join(dir, 'build-elf');
    mkdirSync(join(build, 'zephyr'), { recursive: true });
    copyFileSync(join(fixtures, 'elf/tiny-elf32-i386.elf'), join(build, 'zephyr/zephyr.elf'));
    const r = await run(build, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { builds: { rom: { totalBytes: number }; ram: { totalBytes: number } }[] };
    // .text 114 + .rodata 18 + .got.plt 12 + .data 64 in ROM; .got.plt, .data, .bss 96, .noinit 32 in RAM.
    expect([doc.builds[0]!.rom.totalBytes, doc.builds[0]!.ram.totalBytes]).toEqual([114 + 18 + 12 + 64, 12 + 64 + 96 + 32]);
  });

  it('ROM.json RAM.json given explicitly; --elf reads an ELF', async () => {
    const r = await run(report('hello_world'), report('hello_world', 'ram'));
    expect(row(r.out, 'total')).toEqual(['total', '11596', '4363']);
    const elf = await run('--elf', join(fixtures, 'elf/tiny-elf64-x86_64.elf'));
    expect(elf.code).toBe(0);
    expect(row(elf.out, 'total')).toEqual(['total', String(92 + 18 + 64), String(64 + 96 + 32)]);
  });

  it('a report whose sizes do not add up is still read, with a warning naming the node', async () => {
    const odd = write('odd.rom.json', JSON.stringify({
      symbols: { name: 'Root', identifier: 'root', size: 10, children: [{ name: 'kernel', identifier: 'kernel', size: 10, children: [{ name: 'k_sem_give', identifier: 'kernel/k_sem_give', size: 7 }] }] },
      total_size: 10,
    }));
    const r = await run(odd);
    expect(r.code).toBe(0);
    expect(row(r.out, 'kernel')).toEqual(['kernel', '10', '-']);
    expect(r.err).toBe(`mgmt-conformance footprint: warning: ${odd}: /symbols/children/0: 'kernel' is 10 bytes but its children add up to 7; 3 bytes kept as (unaccounted)`);
  });

  it('short names drop the prefix and suffix every build shares', () => {
    expect(buildNames(['a/zephyr-v4.0-smp_uart-mps2_an385.rom.json', 'zephyr-v4.0-lwm2m-mps2_an385.rom.json'])).toEqual(['smp_uart', 'lwm2m']);
    expect(buildNames(['x/build/rom.json'])).toEqual(['build']);
  });
});

describe('footprint --budget', () => {
  it('under budget: exit 0 with the figures', async () => {
    const budget = write('ok.json', JSON.stringify({ romBytes: 56_000, ramBytes: 17_293, subsystems: { mcumgr: { romBytes: 8_000 }, zcbor: { romBytes: 2_100 } } }));
    const r = await run(report('smp_uart_stock'), '--budget', budget);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ok    zephyr-v4.0-smp_uart_stock-mps2_an385: total RAM 17293 bytes, budget 17293 (0 under)');
    expect(r.out).toMatch(/ok {4}\S+: zcbor ROM 2068 bytes, budget 2100 \(32 under\)/);
    expect(r.out).toContain('budget: within limits');
  });

  it('over budget: exit 1 naming the limit and by how much', async () => {
    const budget = write('over.json', JSON.stringify({ romBytes: 55_000, subsystems: { 'layer:management': { romBytes: 9_400 } } }));
    const r = await run(report('smp_uart_stock'), '--budget', budget);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/OVER {2}\S+: total ROM 55810 bytes, budget 55000 \(810 over\)/);
    expect(r.out).toMatch(/OVER {2}\S+: layer:management ROM 9466 bytes, budget 9400 \(66 over\)/);
    expect(r.out).toContain('budget: 2 limit(s) not met');
  });
});

describe('footprint input errors: exit 2, one line naming the file and where', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing report', () => [join(dir, 'nope.rom.json')], /nope\.rom\.json: cannot read build: no such file or directory/],
    ['empty build directory', () => [mkdtempSync(join(dir, 'empty-'))], /no rom\.json, ram\.json or zephyr\.elf/],
    ['bad JSON', () => [write('bad.rom.json', '{"symbols": [')], /bad\.rom\.json: malformed size report at offset \d+: not JSON/],
    ['negative size', () => [write('neg.rom.json', JSON.stringify({ symbols: { name: 'Root', identifier: 'root', size: -3 } }))], /neg\.rom\.json: malformed size report at \/symbols\/size: expected a byte count/],
    ['missing field deep in the tree', () => [write('deep.rom.json', JSON.stringify({ symbols: { name: 'Root', identifier: 'root', size: 1, children: [{ name: 'k', size: 1 }] } }))], /deep\.rom\.json: malformed size report at \/symbols\/children\/0\/identifier/],
    ['missing RAM report given explicitly', () => [report('hello_world'), join(dir, 'none.ram.json')], /none\.ram\.json: cannot read ram size report: no such file/],
    ['not an ELF', () => ['--elf', report('hello_world')], /unreadable ELF \(invalid\) at offset 0: no ELF magic/],
    ['budget not JSON', () => [report('hello_world'), '--budget', write('b1.json', '{')], /b1\.json: not JSON/],
    ['budget with a bad limit', () => [report('hello_world'), '--budget', write('b2.json', '{"subsystems": {"zcbor": {"romBytes": "2k"}}}')], /b2\.json#\/subsystems\/zcbor\/romBytes: expected a byte count/],
    ['budget naming an unknown subsystem', () => [report('hello_world'), '--budget', write('b3.json', '{"subsystems": {"mcumrg": {}}}')], /b3\.json#\/subsystems\/mcumrg: unknown subsystem 'mcumrg'/],
    ['no input', () => [], /missing BUILD_DIR, ROM\.json or --elf FILE/],
    ['--elf and a positional', () => ['--elf', 'x.elf', 'y'], /either --elf FILE or BUILD_DIR/],
    ['--json with --markdown', () => ['x', '--json', '--markdown'], /exclude each other/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await run(...args());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^mgmt-conformance footprint: /);
      expect(r.err).toMatch(message);
      expect(r.err.split('\n')).toHaveLength(1);
    });
  }
});

describe('the README footprint tables', () => {
  it('are what the command prints for the shipped reports', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Memory footprint'));
    const layers = ['--layers', '--markdown'];
    const smp = await run(report('hello_world'), '--compare', report('smp_uart_stock'), '--compare', report('smp_uart'), '--compare', report('smp_udp'), ...layers);
    const lwm2m = await run(report('hello_world'), '--compare', report('lwm2m_lean'), '--compare', report('lwm2m'), '--compare', report('lwm2m11'), ...layers);
    const growth = await run(report('lwm2m'), '--compare', report('lwm2m11'), '--markdown');
    expect(section).toContain(smp.out);
    expect(section).toContain(lwm2m.out);
    // The README leaves out the growth rows that did not change.
    expect(section).toContain(growth.out.split('\n').filter((l) => !l.endsWith('| 0 | 0 |')).join('\n'));
  });
});

describe('footprint through bin/mgmt-conformance.js', () => {
  it('--help lists the options; the command shows in the top-level help', async () => {
    const exec = (args: string[]) => new Promise<{ code: number; stdout: string }>((done) => {
      execFile(process.execPath, [join(root, 'bin/mgmt-conformance.js'), ...args], { cwd: root }, (e, stdout) => done({ code: e ? Number(e.code) : 0, stdout }));
    });
    const help = await exec(['footprint', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--elf', '--compare', '--budget', '--json', '--markdown', '--layers']) expect(help.stdout).toContain(flag);
    const top = await exec(['--help']);
    expect(top.stdout).toMatch(/^ {2}footprint +ROM\/RAM of a Zephyr build/m);
  });
});
