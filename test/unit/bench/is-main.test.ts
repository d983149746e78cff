/** isMainModule: whole-path match, never a file-name suffix match. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isMainModule } from '../../../bench/is-main.ts';

describe('isMainModule', () => {
  const saved = process.argv[1];
  afterEach(() => {
    process.argv[1] = saved ?? '';
  });

  it('is true for the entry script, by relative or absolute path', () => {
    process.argv[1] = 'bench/run.ts';
    expect(isMainModule(pathToFileURL(resolve('bench/run.ts')).href)).toBe(true);
  });

  it('is false for a module whose name only ends like the entry (full-run.ts vs run.ts)', () => {
    process.argv[1] = 'bench/run.ts';
    expect(isMainModule(pathToFileURL(resolve('bench/full-run.ts')).href)).toBe(false);
  });
});
