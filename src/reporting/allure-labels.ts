/**
 * Allure metadata for a case: epic = protocol, feature = group, story = command, severity from the
 * level, `testCaseId` and `ALLURE_ID` = case id, spec link, tag = outcome class, and the target
 * and transport as parameters (so one case on two targets keeps two histories).
 * @see docs/architecture.md "Cases"
 */
import type { CaseRecord } from './case-record.ts';
import type { Level, OutcomeClass } from './summary.ts';

/** An Allure label (same shape as allure-js-commons' `Label`). */
export interface AllureLabel {
  name: string;
  value: string;
}

/** An Allure link. */
export interface AllureLink {
  url: string;
  name?: string;
  type?: string;
}

/** An Allure parameter. */
export interface AllureParameter {
  name: string;
  value: string;
}

/** Everything the reporter adds to a case's Allure result. */
export interface AllureCaseMetadata {
  labels: AllureLabel[];
  links: AllureLink[];
  parameters: AllureParameter[];
  testCaseId: string;
  description: string;
}

/** Severity from the requirement level: MUST → critical, SHOULD → normal, MAY → minor. */
export const SEVERITY_BY_LEVEL: Readonly<Record<Level, string>> = { MUST: 'critical', SHOULD: 'normal', MAY: 'minor' };

/** Tag text per outcome class, in the spelling the docs use. */
export const OUTCOME_TAG: Readonly<Record<OutcomeClass, string>> = {
  pass: 'pass',
  fail: 'fail',
  nonStrict: 'non-strict',
  informational: 'informational',
  unsupported: 'unsupported',
  broken: 'broken',
  crash: 'crash',
  blocked: 'blocked',
};

function description(c: CaseRecord): string {
  const parts = [`**Spec:** ${c.spec}`, `**Level:** ${c.level}`];
  if (c.stimulus) parts.push(`**Stimulus:** ${c.stimulus}`);
  if (c.requirement) parts.push(`**Requirement:** ${c.requirement}`);
  if (c.seed !== undefined) parts.push(`**Seed:** ${c.seed}`);
  if (c.counterexample !== undefined) parts.push(`**Counterexample:** \`${c.counterexample}\``);
  if (c.outcome !== 'pass' && c.message) parts.push(`**${OUTCOME_TAG[c.outcome]}:** ${c.message}`);
  for (const w of c.warnings ?? []) parts.push(`**Warning:** ${w}`);
  return parts.join('\n\n');
}

/** Allure labels, links and parameters for one case run on one target. */
export function allureMetadataFor(c: CaseRecord, target: { name: string; transport: string }): AllureCaseMetadata {
  const labels: AllureLabel[] = [
    { name: 'epic', value: c.protocol },
    { name: 'feature', value: c.group },
    { name: 'severity', value: SEVERITY_BY_LEVEL[c.level] },
    { name: 'ALLURE_ID', value: c.id },
    { name: 'tag', value: OUTCOME_TAG[c.outcome] },
    { name: 'tag', value: c.level },
  ];
  if (c.command) labels.push({ name: 'story', value: c.command });
  const links: AllureLink[] = c.specUrl ? [{ url: c.specUrl, name: c.spec, type: 'spec' }] : [];
  return {
    labels,
    links,
    parameters: [
      { name: 'target', value: target.name },
      { name: 'transport', value: target.transport },
    ],
    testCaseId: c.id,
    description: description(c),
  };
}
