/**
 * Attribution of a footprint report's bytes to subsystems, by the rules in `subsystem-rules.ts`.
 */
import type { FootprintReport, FootprintSymbol } from './types.ts';
import { SUBSYSTEM_RULES, type FootprintLayer, type SubsystemRule } from './subsystem-rules.ts';

/** Subsystem name for bytes the size tool itself could not place. */
export const HIDDEN_SUBSYSTEM = '(hidden)';
/** Subsystem name for symbols no rule places. */
export const UNATTRIBUTED_SUBSYSTEM = 'unattributed';

/** Bytes of one subsystem in one report. */
export interface SubsystemShare {
  subsystem: string;
  layer: FootprintLayer;
  bytes: number;
  symbolCount: number;
}

/** A report's bytes split by subsystem and by layer. */
export interface FootprintAttribution {
  memory: FootprintReport['memory'];
  totalBytes: number;
  /** Subsystems with bytes, largest first. */
  subsystems: SubsystemShare[];
  /** Bytes per layer (every layer present, zero when empty). */
  layers: Record<FootprintLayer, number>;
  /** Bytes placed in a named subsystem (not hidden, not unattributed, not emulation). */
  namedBytes: number;
  /** Bytes a real board would have: the total without the `emulation` layer. */
  deviceBytes: number;
  /** The largest unattributed symbols, for telling what a rule misses. */
  largestUnattributed: FootprintSymbol[];
}

const LAYERS: readonly FootprintLayer[] = ['management', 'transport', 'services', 'kernel', 'libc', 'platform', 'application', 'emulation', 'hidden', 'unattributed'];

/** Does `path` match a rule path pattern (prefix, or `**\/x` anywhere at a segment start)? */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.startsWith('**/')) return path.startsWith(pattern);
  const rest = pattern.slice(3);
  return path.startsWith(rest) || path.includes(`/${rest}`);
}

const symbolRegexCache = new Map<string, RegExp>();

/** Does `name` match a symbol pattern (`*` = any run of characters, anchored)? */
export function symbolMatches(pattern: string, name: string): boolean {
  let re = symbolRegexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    symbolRegexCache.set(pattern, re);
  }
  return re.test(name);
}

/** The rule that places `symbol`, if any: section rules, then path rules, then symbol-name rules. */
export function ruleFor(symbol: FootprintSymbol, rules: readonly SubsystemRule[] = SUBSYSTEM_RULES): SubsystemRule | undefined {
  const { section } = symbol;
  const bySection = section === undefined ? undefined : rules.find((r) => r.sections?.includes(section));
  if (bySection) return bySection;
  if (symbol.path) {
    const byPath = rules.find((r) => r.paths?.some((p) => pathMatches(p, symbol.path)));
    if (byPath) return byPath;
  }
  return rules.find((r) => r.symbols?.some((p) => symbolMatches(p, symbol.name)));
}

/** Subsystem and layer of one symbol. */
export function classifySymbol(symbol: FootprintSymbol, rules: readonly SubsystemRule[] = SUBSYSTEM_RULES): { subsystem: string; layer: FootprintLayer } {
  if (symbol.origin === 'hidden') return { subsystem: HIDDEN_SUBSYSTEM, layer: 'hidden' };
  const rule = ruleFor(symbol, rules);
  return rule ? { subsystem: rule.subsystem, layer: rule.layer } : { subsystem: UNATTRIBUTED_SUBSYSTEM, layer: 'unattributed' };
}

/** Split a report's bytes by subsystem and layer. */
export function attributeFootprint(report: FootprintReport, rules: readonly SubsystemRule[] = SUBSYSTEM_RULES): FootprintAttribution {
  const shares = new Map<string, SubsystemShare>();
  const layers = Object.fromEntries(LAYERS.map((l) => [l, 0])) as Record<FootprintLayer, number>;
  const unattributed: FootprintSymbol[] = [];
  for (const symbol of report.symbols) {
    const { subsystem, layer } = classifySymbol(symbol, rules);
    const share = shares.get(subsystem) ?? { subsystem, layer, bytes: 0, symbolCount: 0 };
    share.bytes += symbol.sizeBytes;
    share.symbolCount += 1;
    shares.set(subsystem, share);
    layers[layer] += symbol.sizeBytes;
    if (layer === 'unattributed') unattributed.push(symbol);
  }
  const subsystems = [...shares.values()].filter((s) => s.bytes > 0).sort((a, b) => b.bytes - a.bytes || a.subsystem.localeCompare(b.subsystem));
  const namedBytes = subsystems.filter((s) => !['hidden', 'unattributed', 'emulation'].includes(s.layer)).reduce((n, s) => n + s.bytes, 0);
  return {
    memory: report.memory, totalBytes: report.totalBytes, subsystems, layers, namedBytes,
    deviceBytes: report.totalBytes - layers.emulation,
    largestUnattributed: unattributed.sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, 10),
  };
}

/** Bytes of one subsystem, or of every subsystem under a dotted prefix (`mcumgr` covers `mcumgr.img`). */
export function subsystemBytes(attribution: FootprintAttribution, name: string): number {
  return attribution.subsystems
    .filter((s) => s.subsystem === name || s.subsystem.startsWith(`${name}.`))
    .reduce((n, s) => n + s.bytes, 0);
}

export { LAYERS as FOOTPRINT_LAYERS };
