/**
 * How the run's own case runner (./run-direct.ts) loads a suite file. From the sources (tsx), an
 * import of the file itself. In the CLI bundle, scripts/build-cli.mjs puts a generated module in
 * this one's place whose loaders import the suites bundled into the same build, so a suite shares
 * the bundle's case kit (one registry, one set of error classes) and no TypeScript loader runs.
 * A file that build does not have (added since) gets no loader: the run then goes through vitest.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The loader of `file` (relative to `root`), or undefined when this build cannot load it. */
export function suiteLoader(root: string, file: string): (() => Promise<unknown>) | undefined {
  const url = pathToFileURL(resolve(root, file)).href;
  return () => import(url);
}
