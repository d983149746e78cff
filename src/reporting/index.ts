/** Public names of the reporting layer. */
export { allureMetadataFor, OUTCOME_TAG, SEVERITY_BY_LEVEL, type AllureCaseMetadata, type AllureLabel, type AllureLink, type AllureParameter } from './allure-labels.ts';
export { annotatedHex, evidenceMessages, exchanges, readEvidence, MAX_STEPS, type EvidenceItem, type EvidenceMessage } from './allure-evidence.ts';
export { writeAllureResultFromRecord } from './allure-missing.ts';
export { appendJsonLine, parseJsonLines, writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
export { CASE_JOURNAL_FILE_ENV, CASE_JOURNAL_INTERVAL_MS, CaseJournalWriter, caseJournalFromEnv, readCaseJournal, traceEvidenceSource, type CaseJournalHandle, type EvidenceBatch, type JournaledCase, type TracePositions } from './case-journal.ts';
export { caseRecordFromTest, classifyError, conformanceMeta, missingCaseRecord, type FinishedTest } from './case-from-test.ts';
export { crashesOf, toCaseSummary, type CaseRecord } from './case-record.ts';
export { oneLine, progressLine, renderConsoleSummary } from './console-summary.ts';
export { validateJson, type JsonSchema, type SchemaProblem } from './json-schema.ts';
export { escapeXml, junitFileName, junitTestName, renderJUnit, type JUnitTarget } from './junit.ts';
export { checkSummary, SUMMARY_SCHEMA_V1 } from './summary-schema.ts';
export {
  buildTargetSummary,
  emptyTotals,
  flakyCases,
  isFailing,
  LEVELS,
  OUTCOME_CLASSES,
  runHasFailures,
  sortCases,
  totalsOf,
  type CaseSummary,
  type CrashFrame,
  type CrashRecovery,
  type CrashSummary,
  type JsonValue,
  type Level,
  type OutcomeClass,
  type RunSummary,
  type TargetSummary,
  type Totals,
} from './summary.ts';
export { certificateModel, identityRows, writeCertificates, type AllureLinks, type CertificateModel } from './certificate/certificate.ts';
export { allureLinksFor, allureResultId, readAllureResultIds } from './certificate/allure-links.ts';
export { escapeHtml, escapeMarkdown, showControls } from './certificate/escape.ts';
export { securityFindings, type SecurityFinding, type Severity } from './certificate/findings.ts';
export { renderCertificateHtml } from './certificate/html.ts';
export { renderCertificateMarkdown } from './certificate/markdown.ts';
export { groupCases, protocolAndGroup, verdictOf, type CaseGroup, type TimingRow, type Verdict } from './certificate/model.ts';
export { parseExtendedSummary, readSummaryFile, targetKeys, type CommandTiming, type CrashRecord, type ExtendedSummary, type FootprintRow, type SummaryTarget } from './certificate/summary-file.ts';
export { DEFAULT_DIFF_OPTIONS, diffSummaries, diffTarget, targetRegressed, type CaseChange, type CaseOnlyIn, type DiffOptions, type FootprintGrowth, type SummaryDiff, type TargetDiff, type TimingRegression } from './diff.ts';
export { renderSummaryDiff } from './diff-text.ts';
// The vitest reporters (./vitest-reporters.ts) are left out on purpose: they load vitest/node and
// allure-vitest, which code running inside a test worker must not pull in through this index.
export { ALLURE_CRASH_STATUS, markAllureCrashes } from './allure-crash.ts';
