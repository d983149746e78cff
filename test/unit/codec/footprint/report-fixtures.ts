/** The shipped Zephyr v4.0 size reports (test/fixtures/footprint), read and attributed. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { attributeFootprint, parseSizeReport, type FootprintBuild, type FootprintReport, type MemoryKind } from '../../../../src/codec/footprint/index.ts';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/footprint');

/** Cortex-M3 builds shipped, baseline first. */
export const CORTEX_M3_BUILDS = ['hello_world', 'smp_uart_stock', 'smp_uart', 'smp_udp', 'lwm2m_lean', 'lwm2m', 'lwm2m11'] as const;

export function fixturePath(build: string, memory: MemoryKind, board = 'mps2_an385'): string {
  return resolve(FIXTURES, `zephyr-v4.0-${build}-${board}.${memory}.json`);
}

const cache = new Map<string, FootprintReport>();

/** Parse one shipped report (cached: the large ones take a moment). */
export function loadReport(build: string, memory: MemoryKind, board = 'mps2_an385'): FootprintReport {
  const path = fixturePath(build, memory, board);
  const hit = cache.get(path);
  if (hit) return hit;
  const parsed = parseSizeReport(readFileSync(path, 'utf8'), memory, path);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  cache.set(path, parsed.value);
  return parsed.value;
}

/** A shipped build, both memories attributed. */
export function loadBuild(build: string, board = 'mps2_an385'): FootprintBuild {
  return { name: build, rom: attributeFootprint(loadReport(build, 'rom', board)), ram: attributeFootprint(loadReport(build, 'ram', board)) };
}

/** The raw JSON of a shipped report, for tests that walk the tree themselves. */
export function rawReport(build: string, memory: MemoryKind, board = 'mps2_an385'): unknown {
  return JSON.parse(readFileSync(fixturePath(build, memory, board), 'utf8'));
}
