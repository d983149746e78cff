/** Public surface of the footprint codec: Zephyr size reports, ELF sizes, attribution, budgets, growth. */
export type * from './types.ts';
export { formatSizeReportError, MAX_REPORT_DEPTH, parseSizeReport } from './size-report.ts';
export { ELF_LIMITS, ElfSectionFlag, ElfSectionType, ElfSymbolType, parseElf, type ElfError, type ElfImage, type ElfMemory, type ElfSection, type ElfSymbol } from './elf.ts';
export { elfFootprintReport, elfSectionTotals, sectionCounts } from './elf-footprint.ts';
export { SUBSYSTEM_RULES, type FootprintLayer, type SubsystemRule } from './subsystem-rules.ts';
export {
  attributeFootprint, classifySymbol, FOOTPRINT_LAYERS, HIDDEN_SUBSYSTEM, pathMatches, ruleFor, subsystemBytes, symbolMatches,
  UNATTRIBUTED_SUBSYSTEM, type FootprintAttribution, type SubsystemShare,
} from './attribute.ts';
export {
  evaluateFootprintBudget, footprintBuild, isKnownBudgetScope, parseFootprintBudget, scopeBytes,
  type BudgetError, type BudgetFinding, type BudgetVerdict, type FootprintBudget, type FootprintBuild, type MemoryLimits,
} from './budget.ts';
export { compareFootprints, growthOf, type FootprintGrowth, type GrowthRow } from './growth.ts';
export { footprintTableCells, formatBudgetVerdict, formatFootprintMarkdown, formatFootprintTable, type FootprintTableOptions } from './format.ts';
export {
  deviceMemoryFromLwm2m, evaluateRuntimeMemory, poolsFromMpstat, TASKSTAT_WORD_BYTES, threadStacksFromTaskstat,
  type DeviceMemory, type PoolUsage, type RuntimeFinding, type RuntimeMemoryBudget, type RuntimeMemorySample, type ThreadStackUsage,
} from './runtime.ts';
