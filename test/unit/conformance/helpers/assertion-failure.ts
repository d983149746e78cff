import { ConformanceAssertionError } from '../../../../src/conformance/errors.ts';

/** The failure a check throws; the calling test fails if `check` throws none or another error. */
export function assertionFailure(check: () => unknown): ConformanceAssertionError {
  try {
    check();
  } catch (e) {
    if (e instanceof ConformanceAssertionError) return e;
    throw e;
  }
  throw new Error('expected a ConformanceAssertionError');
}
