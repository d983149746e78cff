/**
 * The files of an Allure result set besides the results: the categories (a failed case is a device
 * defect, a broken one is not) and the environment shown on the report's overview.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';

/** Allure categories in the harness's words: a failed case is a device defect, a broken one is not. */
export function allureCategories(): { name: string; matchedStatuses: ('failed' | 'broken' | 'skipped')[] }[] {
  return [
    { name: 'Device defects (conformance failures)', matchedStatuses: ['failed'] },
    { name: 'Harness or link trouble (broken: no verdict)', matchedStatuses: ['broken'] },
    { name: 'Unsupported by the target', matchedStatuses: ['skipped'] },
  ];
}

/** `environment.properties`: one `key=value` line each (line breaks in values folded to spaces). */
export function environmentProperties(info: Readonly<Record<string, string>>): string {
  return Object.entries(info)
    .map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}\n`)
    .join('');
}

/** Write `categories.json` and `environment.properties` into an Allure results folder. */
export function writeAllureRunFiles(resultsDir: string, environmentInfo: Readonly<Record<string, string>>): void {
  writeJsonAtomic(join(resultsDir, 'categories.json'), allureCategories());
  writeFileAtomic(join(resultsDir, 'environment.properties'), environmentProperties(environmentInfo));
}
