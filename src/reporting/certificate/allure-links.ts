/**
 * Links from certificates into a rendered Allure report: the report's own test-result files name
 * each result's case (`ALLURE_ID` label) and target (`target` and `transport` parameters), and
 * its page is `index.html#/<result id>`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AllureLinks } from './certificate.ts';
import type { SummaryTarget } from './summary-file.ts';

interface ResultFile {
  id?: unknown;
  labels?: { name?: unknown; value?: unknown }[];
  parameters?: { name?: unknown; value?: unknown }[];
}

function valueOf(list: ResultFile['labels'], name: string): string | undefined {
  const v = list?.find((x) => x.name === name)?.value;
  return typeof v === 'string' ? v : undefined;
}

/** Per `target/transport`: case id → Allure result id, from a rendered report folder. */
export function readAllureResultIds(reportDir: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const dir = join(reportDir, 'data', 'test-results');
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    let result: ResultFile;
    try {
      result = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ResultFile;
    } catch {
      continue;
    }
    const caseId = valueOf(result.labels, 'ALLURE_ID');
    const target = valueOf(result.parameters, 'target');
    const transport = valueOf(result.parameters, 'transport');
    if (typeof result.id !== 'string' || caseId === undefined || target === undefined || transport === undefined) continue;
    const key = `${target}/${transport}`;
    const map = out.get(key) ?? new Map<string, string>();
    map.set(caseId, result.id);
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
