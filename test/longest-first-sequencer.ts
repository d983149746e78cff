/**
 * Test order for the `unit` project: the self-test (test/selftest/) starts first. It is the longest
 * file by far and mostly waits on its CLI child processes, so the other worker runs every other
 * file beside it; started last, it would run alone at the end and add its whole length to the run.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const FIRST = /[\\/]test[\\/]selftest[\\/]/;

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => FIRST.test(f.moduleId)), ...sorted.filter((f) => !FIRST.test(f.moduleId))];
  }
}
