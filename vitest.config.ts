import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/longest-first-sequencer.ts';

/**
 * Two projects:
 * - `unit`: the harness's own tests (test/**), including the self-test against the simulator.
 * - `conformance`: the suites (suites/**). One Session per target lives across suite files, so
 *   this project runs in a single worker with no isolation and no file parallelism.
 */
export default defineConfig({
  test: {
    // Transformed modules are kept on disk between runs: every CLI run the self-test starts (and
    // every `run` a user starts) reloads the same suites and sources (node_modules/.experimental-vitest-cache).
    experimental: { fsModuleCache: true },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Two files at a time on 2 cores (vitest's default is cores − 1): the self-test mostly
          // waits on its child processes, and the other files run beside it.
          maxWorkers: 2,
          sequence: { sequencer: LongestFirstSequencer },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['suites/**/*.suite.ts'],
          pool: 'forks',
          maxWorkers: 1,
          isolate: false,
          fileParallelism: false,
          // Opens the target session on first use and closes it when the worker stops; the
          // session is shared by every suite file (see src/target/conformance-environment.ts).
          environment: './src/target/conformance-environment.ts',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
