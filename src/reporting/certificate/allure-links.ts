/**
 * Links from certificates into the Allure report. Allure 3 names a test result's page
 * `index.html#/<id>` with `id` = MD5 of the result file's `uuid` (@allurereport/core,
 * store/convert.js), so the links come from `allure-results/` itself: each result file names its
 * case (`ALLURE_ID` label) and target (`target` and `transport` parameters). That works for the
 * single-file report, which keeps no per-result files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AllureLinks } from './certificate.ts';
import type { SummaryTarget } from './summary-file.ts';

interface ResultFile {
  uuid?: unknown;
  labels?: { name?: unknown; value?: unknown }[];
  parameters?: { name?: unknown; value?: unknown }[];
}

function valueOf(list: ResultFile['labels'], name: string): string | undefined {
  const v = Array.isArray(list) ? list.find((x) => x.name === name)?.value : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The id Allure 3 gives the result with this `uuid`. */
export function allureResultId(uuid: string): string {
  return createHash('md5').update(uuid).digest('hex');
}

/** Per `target/transport`: case id → Allure report result id, from an allure-results folder. */
export function readAllureResultIds(resultsDir: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (!existsSync(resultsDir)) return out;
  for (const name of readdirSync(resultsDir)) {
    if (!name.endsWith('-result.json')) continue;
    let result: ResultFile;
    try {
      result = JSON.parse(readFileSync(join(resultsDir, name), 'utf8')) as ResultFile;
    } catch {
      continue;
    }
    const caseId = valueOf(result.labels, 'ALLURE_ID');
    const target = valueOf(result.parameters, 'target');
    const transport = valueOf(result.parameters, 'transport');
    if (typeof result.uuid !== 'string' || caseId === undefined || target === undefined || transport === undefined) continue;
    const key = `${target}/${transport}`;
    const map = out.get(key) ?? new Map<string, string>();
    map.set(caseId, allureResultId(result.uuid));
    out.set(key, map);
  }
  return out;
}

/** The links of one target's certificate in `certificateDir`, into the report at `reportDir`. */
export function allureLinksFor(target: Pick<SummaryTarget, 'name' | 'transport'>, ids: ReadonlyMap<string, ReadonlyMap<string, string>>, reportDir: string, certificateDir: string): AllureLinks {
  const index = `${relative(certificateDir, reportDir).split(sep).join('/') || '.'}/index.html`;
  const cases = new Map<string, string>();
  for (const [caseId, resultId] of ids.get(`${target.name}/${target.transport}`) ?? []) cases.set(caseId, `${index}#/${encodeURIComponent(resultId)}`);
  return { index, cases };
}
