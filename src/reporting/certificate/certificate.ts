/**
 * A certificate per target of a run: the model both renderers share, and writing
 * `<dir>/<target>/certificate.html` and `.md` for every target of a summary.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import type { JsonValue } from '../summary.ts';
import { securityFindings, type SecurityFinding } from './findings.ts';
import { renderCertificateHtml } from './html.ts';
import { renderCertificateMarkdown } from './markdown.ts';
import { type CaseGroup, caseTimingByGroup, commandTimingRows, groupCases, type TimingRow, type Verdict, verdictOf } from './model.ts';
import { type ExtendedSummary, type SummaryTarget, targetKeys } from './summary-file.ts';

/** Links from a certificate into the Allure report, relative to the certificate's folder. */
export interface AllureLinks {
  /** The report's start page. */
  index: string;
  /** Per case id: the case's page for this target. */
  cases: ReadonlyMap<string, string>;
}

/** Everything a certificate shows. */
export interface CertificateModel {
  summary: ExtendedSummary;
  target: SummaryTarget;
  verdict: Verdict;
  groups: CaseGroup[];
  findings: SecurityFinding[];
  commandTiming: TimingRow[];
  caseTiming: TimingRow[];
  allure?: AllureLinks;
}

/** The certificate model of one target of `summary`. */
export function certificateModel(summary: ExtendedSummary, target: SummaryTarget, allure?: AllureLinks): CertificateModel {
  const model: CertificateModel = {
    summary,
    target,
    verdict: verdictOf(target.cases, target.error),
    groups: groupCases(target.cases),
    findings: securityFindings(target),
    commandTiming: commandTimingRows(target),
    caseTiming: caseTimingByGroup(target.cases),
  };
  if (allure) model.allure = allure;
  return model;
}

/** One identity line: a label and its value as text, or the images table. */
export type IdentityRow = { label: string; text: string } | { label: string; images: ImageRow[] };

/** One image slot as the device listed it. */
export interface ImageRow {
  image: string;
  slot: string;
  version: string;
  hash: string;
  flags: string;
}

const IDENTITY_LABELS: Readonly<Record<string, string>> = {
  osInfo: 'OS info',
  bootloader: 'Bootloader',
  images: 'Images',
  mcumgrParams: 'MCUmgr parameters',
  smpVersion: 'SMP version',
  smpVersions: 'SMP versions answered',
  responseVersionBits: 'Response version bits',
  groupsSource: 'Groups found by',
  groups: 'Management groups',
  lwm2m: 'LwM2M',
};

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function imageRows(value: JsonValue[]): ImageRow[] {
  return value.map((v) => {
    const o = typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
    const flags = o['flags'];
    return { image: text(o['image']), slot: text(o['slot']), version: text(o['version']), hash: text(o['hash']), flags: Array.isArray(flags) ? flags.map(text).join(', ') : text(flags) };
  });
}

function groupsText(value: JsonValue[]): string {
  return value
    .map((g) => (typeof g === 'object' && g !== null && !Array.isArray(g) ? `${text(g['name'])} (${text(g['group'])})${g['present'] === false ? ' absent' : ''}` : text(g)))
    .join(', ');
}

function lwm2mText(value: JsonValue): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text(value);
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(text).join(', ') : text(v)}`)
    .join('; ');
}

/** The identity the device gave, as labelled rows (known fields first, then the rest). */
export function identityRows(identity: SummaryTarget['identity']): IdentityRow[] {
  const keys = [...Object.keys(IDENTITY_LABELS).filter((k) => k in identity), ...Object.keys(identity).filter((k) => !(k in IDENTITY_LABELS)).sort()];
  return keys.map((key) => {
    const value = identity[key] ?? null;
    const label = IDENTITY_LABELS[key] ?? key;
    if (key === 'images' && Array.isArray(value)) return { label, images: imageRows(value) };
    if (key === 'groups' && Array.isArray(value)) return { label, text: groupsText(value) };
    if (key === 'lwm2m') return { label, text: lwm2mText(value) };
    return { label, text: text(value) };
  });
}

/** Write `certificate.html` and `.md` for every target under `<dir>/<key>/`; returns the paths. */
export function writeCertificates(summary: ExtendedSummary, dir: string, allureFor: (target: SummaryTarget, folder: string) => AllureLinks | undefined = () => undefined): string[] {
  const keys = targetKeys(summary.targets);
  const written: string[] = [];
  summary.targets.forEach((target, i) => {
    const folder = join(dir, keys[i] ?? `target-${i}`);
    mkdirSync(folder, { recursive: true });
    const model = certificateModel(summary, target, allureFor(target, folder));
    writeFileAtomic(join(folder, 'certificate.html'), renderCertificateHtml(model));
    writeFileAtomic(join(folder, 'certificate.md'), renderCertificateMarkdown(model));
    written.push(join(folder, 'certificate.html'), join(folder, 'certificate.md'));
  });
  return written;
}
