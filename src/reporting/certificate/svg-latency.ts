/**
 * Latency plot as inline SVG: one row per command or group, a bar to the median, a whisker to the
 * 95th percentile and a tick at the maximum, on a logarithmic millisecond axis.
 */
import { escapeHtml } from './escape.ts';
import type { TimingRow } from './model.ts';

const LABEL_WIDTH = 190;
const PLOT_WIDTH = 500;
const ROW_HEIGHT = 20;
const TOP = 8;
const AXIS_HEIGHT = 28;

function decades(rows: readonly TimingRow[]): { low: number; high: number } {
  const positive = rows.flatMap((r) => [r.p50, r.p95, r.max]).filter((v) => v > 0);
  const min = positive.length > 0 ? Math.min(...positive) : 1;
  const max = positive.length > 0 ? Math.max(...positive) : 10;
  const low = Math.floor(Math.log10(min));
  return { low, high: Math.max(low + 1, Math.ceil(Math.log10(max))) };
}

function axisLabel(exponent: number): string {
  const ms = 10 ** exponent;
  return ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${Number(ms.toPrecision(1))} ms`;
}

/** The plot for `rows` (an empty string when there is nothing to plot). */
export function latencySvg(rows: readonly TimingRow[], title: string): string {
  if (rows.length === 0) return '';
  const { low, high } = decades(rows);
  const x = (ms: number): number => {
    const clamped = Math.max(ms, 10 ** low);
    return LABEL_WIDTH + ((Math.log10(clamped) - low) / (high - low)) * PLOT_WIDTH;
  };
  const height = TOP + rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const width = LABEL_WIDTH + PLOT_WIDTH + 20;
  const parts: string[] = [];
  for (let e = low; e <= high; e++) {
    const gx = x(10 ** e).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${TOP}" x2="${gx}" y2="${height - AXIS_HEIGHT + 4}" class="grid"/>`);
    parts.push(`<text x="${gx}" y="${height - 8}" text-anchor="middle" class="axis">${axisLabel(e)}</text>`);
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const mid = y + ROW_HEIGHT / 2;
    const x0 = LABEL_WIDTH;
    const tip = `${r.name}: n=${r.count}, p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`;
    parts.push(`<g><title>${escapeHtml(tip)}</title>`);
    parts.push(`<text x="${x0 - 8}" y="${mid + 4}" text-anchor="end" class="label">${escapeHtml(r.name)}</text>`);
    parts.push(`<rect x="${x0}" y="${y + 4}" width="${Math.max(1, x(r.p50) - x0).toFixed(1)}" height="${ROW_HEIGHT - 8}" class="p50"/>`);
    parts.push(`<line x1="${x(r.p50).toFixed(1)}" y1="${mid}" x2="${x(r.p95).toFixed(1)}" y2="${mid}" class="p95"/>`);
    parts.push(`<line x1="${x(r.max).toFixed(1)}" y1="${y + 3}" x2="${x(r.max).toFixed(1)}" y2="${y + ROW_HEIGHT - 3}" class="max"/></g>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" class="latency">`,
    `<title>${escapeHtml(title)}</title>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
