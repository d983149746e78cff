/**
 * Footprint tables: one or more builds side by side (ROM and RAM per build), rows for the total,
 * each layer and the subsystems under it; with two builds a delta column pair. Text or Markdown.
 */
import { FOOTPRINT_LAYERS } from './attribute.ts';
import type { BudgetVerdict, FootprintBuild } from './budget.ts';
import type { FootprintLayer } from './subsystem-rules.ts';
import type { MemoryKind } from './types.ts';

export interface FootprintTableOptions {
  /** Show subsystem rows under each layer (default true). */
  subsystems?: boolean;
  /** Add ROM/RAM delta columns of the last build against the first (default: when there are two). */
  delta?: boolean;
}

interface TableRow {
  label: string;
  layer?: FootprintLayer;
  bytes: (build: FootprintBuild, memory: MemoryKind) => number | undefined;
}

function rowsFor(builds: readonly FootprintBuild[], withSubsystems: boolean): TableRow[] {
  const rows: TableRow[] = [{ label: 'total', bytes: (b, m) => b[m]?.deviceBytes }];
  for (const layer of FOOTPRINT_LAYERS) {
    const present = builds.some((b) => (b.rom?.layers[layer] ?? 0) > 0 || (b.ram?.layers[layer] ?? 0) > 0);
    if (!present) continue;
    rows.push({ label: layer, layer, bytes: (b, m) => b[m]?.layers[layer] });
    if (!withSubsystems || layer === 'hidden' || layer === 'unattributed' || layer === 'emulation') continue;
    const names = new Set<string>();
    for (const b of builds) for (const m of ['rom', 'ram'] as const) for (const s of b[m]?.subsystems ?? []) if (s.layer === layer) names.add(s.subsystem);
    for (const name of [...names].sort()) {
      rows.push({ label: `  ${name}`, bytes: (b, m) => (b[m] ? (b[m].subsystems.find((s) => s.subsystem === name)?.bytes ?? 0) : undefined) });
    }
  }
  return rows;
}

const cell = (n: number | undefined): string => (n === undefined ? '-' : String(n));
const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** Header and body cells of the table. */
export function footprintTableCells(builds: readonly FootprintBuild[], options: FootprintTableOptions = {}): { header: string[]; body: string[][] } {
  const withDelta = options.delta ?? builds.length === 2;
  const header = ['subsystem', ...builds.flatMap((b) => [`${b.name} ROM`, `${b.name} RAM`])];
  if (withDelta) header.push('Δ ROM', 'Δ RAM');
  const first = builds[0];
  const last = builds[builds.length - 1];
  const body = rowsFor(builds, options.subsystems ?? true).map((row) => {
    const cells = [row.label, ...builds.flatMap((b) => [cell(row.bytes(b, 'rom')), cell(row.bytes(b, 'ram'))])];
    if (withDelta && first && last) {
      for (const m of ['rom', 'ram'] as const) {
        const a = row.bytes(first, m);
        const z = row.bytes(last, m);
        cells.push(a === undefined || z === undefined ? '-' : signed(z - a));
      }
    }
    return cells;
  });
  return { header, body };
}

/** The table as aligned text (numbers right-aligned). */
export function formatFootprintTable(builds: readonly FootprintBuild[], options: FootprintTableOptions = {}): string {
  const { header, body } = footprintTableCells(builds, options);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

/** The table as Markdown (numbers right-aligned). */
export function formatFootprintMarkdown(builds: readonly FootprintBuild[], options: FootprintTableOptions = {}): string {
  const { header, body } = footprintTableCells(builds, options);
  const row = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.replace(/^ {2}/, '&nbsp;&nbsp;') : c)).join(' | ')} |`;
  return [row(header), `|${header.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`, ...body.map(row)].join('\n');
}

/** Budget findings, one line each, with a verdict line. */
export function formatBudgetVerdict(verdict: BudgetVerdict): string {
  const lines = verdict.findings.map((f) => `${f.status === 'pass' ? 'ok  ' : f.status === 'fail' ? 'OVER' : 'MISS'}  ${f.message}`);
  lines.push(verdict.pass ? 'budget: within limits' : `budget: ${verdict.findings.filter((f) => f.status !== 'pass').length} limit(s) not met`);
  return lines.join('\n');
}
