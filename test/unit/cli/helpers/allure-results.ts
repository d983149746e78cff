/** The Allure result files a run wrote into `<out>/allure-results`, parsed. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every `*-result.json` of the run in `out`, as the caller's shape of Allure's result file. */
export function readAllureResultFiles<T>(out: string): T[] {
  const dir = join(out, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}
