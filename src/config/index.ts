/** Public names of the config layer. */
export {
  builtInTargets,
  defaultReset,
  loadTargets,
  resetOf,
  RESET_METHODS,
  parseTargets,
  resolveTarget,
  DEFAULT_TIMEOUT_MS,
  SIM_DECLARED_CAPABILITIES,
  SIM_LWM2M_VERSIONS,
  SIM_TRANSPORTS,
  type SimLwm2mOptions,
  type SimLwm2mVersion,
  TARGET_KINDS,
  type BaselineReports,
  type BuildOutputs,
  type HardwareInfo,
  type ProcessTargetOptions,
  type ReadinessSignal,
  type ResetMethod,
  type ResetOptions,
  type SimTargetOptions,
  type SmpFsOptions,
  type SmpTargetOptions,
  DEFAULT_FS_ROOT,
  type SimTransport,
  type TargetConfig,
  type TargetKind,
  type TargetsCheckOptions,
  type TargetsFile,
} from './targets.ts';
export {
  BUDGETS, BUDGET_NAMES, SIM_DEFAULT_BUDGETS, flattenBudgets, footprintBudgetOf, isBudgetName, timingBudgetFor,
  type BudgetName, type BudgetsInput, type MemoryBytesBudget, type PercentileBudget,
} from './budgets.ts';
export { schemaProblems, targetsSchema, TARGETS_SCHEMA_URL } from './targets-schema.ts';
export { locateJsonError, type JsonSyntaxProblem } from './json-locate.ts';
export { checkLwm2m, DEFAULT_REGISTRATION_TIMEOUT_MS, parseListenAddress, type Lwm2mTargetOptions } from './lwm2m-target.ts';
export { checkLwm2mSecurity, pskKeyBytes, pskKeyProblem, usesDtls, type Lwm2mSecurity } from './lwm2m-target.ts';
export { LWM2M_FIRMWARE_PACKAGES, simLwm2mFirmware, type Lwm2mFirmwareCapability } from './lwm2m-target.ts';
export {
  DEFAULT_READY_TIMEOUT_MS,
  RUN_TARGET_ENV,
  SESSION_INFO_FILE_ENV,
  SESSION_PROVIDER_KEY,
  encodeRunTarget,
  randomSeed,
  runTargetFromEnv,
  runTargetOf,
  TARGET_PROTOCOLS,
  type ListenAddresses,
  targetProtocols,
  type TargetProtocol,
  type RunChoices,
  type RunTarget,
} from './run-target.ts';
export { crashOf, DEFAULT_FAULT_PATTERNS, type CrashHandling, type CrashOptions } from './crash.ts';
