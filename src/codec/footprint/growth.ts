/**
 * Growth between two builds: per subsystem, per layer and in total, absolute and in percent.
 */
import { FOOTPRINT_LAYERS, type FootprintAttribution } from './attribute.ts';
import type { FootprintBuild } from './budget.ts';
import type { FootprintLayer } from './subsystem-rules.ts';
import type { MemoryKind } from './types.ts';

/** One row of a growth table. */
export interface GrowthRow {
  /** Subsystem name, `layer:NAME`, or `total`. */
  scope: string;
  layer?: FootprintLayer;
  memory: MemoryKind;
  baseBytes: number;
  otherBytes: number;
  deltaBytes: number;
  /** Growth relative to the base; undefined when the base has none of it. */
  deltaPercent?: number;
}

/** Growth of `other` against `base`. */
export interface FootprintGrowth {
  baseName: string;
  otherName: string;
  /** Rows for each memory both builds report: total, then layers, then subsystems (largest change first). */
  rows: GrowthRow[];
}

function row(scope: string, memory: MemoryKind, baseBytes: number, otherBytes: number, layer?: FootprintLayer): GrowthRow {
  const deltaBytes = otherBytes - baseBytes;
  return {
    scope, memory, baseBytes, otherBytes, deltaBytes, ...(layer ? { layer } : {}),
    ...(baseBytes > 0 ? { deltaPercent: Math.round((deltaBytes / baseBytes) * 1000) / 10 } : {}),
  };
}

function memoryRows(memory: MemoryKind, base: FootprintAttribution, other: FootprintAttribution): GrowthRow[] {
  const rows = [row('total', memory, base.deviceBytes, other.deviceBytes)];
  for (const layer of FOOTPRINT_LAYERS) {
    if (base.layers[layer] || other.layers[layer]) rows.push(row(`layer:${layer}`, memory, base.layers[layer], other.layers[layer], layer));
  }
  const names = new Map<string, FootprintLayer>();
  for (const s of [...base.subsystems, ...other.subsystems]) names.set(s.subsystem, s.layer);
  const bytesOf = (a: FootprintAttribution, name: string): number => a.subsystems.find((s) => s.subsystem === name)?.bytes ?? 0;
  const subsystemRows = [...names].map(([name, layer]) => row(name, memory, bytesOf(base, name), bytesOf(other, name), layer));
  subsystemRows.sort((a, b) => Math.abs(b.deltaBytes) - Math.abs(a.deltaBytes) || a.scope.localeCompare(b.scope));
  return [...rows, ...subsystemRows];
}

/** Compare two builds per memory both of them report. */
export function compareFootprints(base: FootprintBuild, other: FootprintBuild): FootprintGrowth {
  const rows: GrowthRow[] = [];
  for (const memory of ['rom', 'ram'] as const) {
    const a = base[memory];
    const b = other[memory];
    if (a && b) rows.push(...memoryRows(memory, a, b));
  }
  return { baseName: base.name, otherName: other.name, rows };
}

/** The growth row of one scope, if the comparison has it. */
export function growthOf(growth: FootprintGrowth, scope: string, memory: MemoryKind): GrowthRow | undefined {
  return growth.rows.find((r) => r.scope === scope && r.memory === memory);
}
