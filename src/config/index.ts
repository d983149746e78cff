/** Public names of the config layer. */
export {
  builtInTargets,
  loadTargets,
  parseTargets,
  resolveTarget,
  DEFAULT_TIMEOUT_MS,
  SIM_TRANSPORTS,
  TARGET_KINDS,
  type ProcessTargetOptions,
  type SimTargetOptions,
  type SimTransport,
  type TargetConfig,
  type TargetKind,
  type TargetsCheckOptions,
  type TargetsFile,
} from './targets.ts';
export { BUDGETS, BUDGET_NAMES, SIM_DEFAULT_BUDGETS, isBudgetName, type BudgetName } from './budgets.ts';
export { locateJsonError, type JsonSyntaxProblem } from './json-locate.ts';
