/**
 * v1 translation of group errors (smp.md §2.3–2.4), the codec's tables plus the ones read from
 * Zephyr's fs/stat/settings/enum/basic `*_translate_error_code` functions.
 */
import { describe, expect, it } from 'vitest';
import { translateToV1 } from '../../../src/simulator/v1-translation.ts';

describe('translateToV1', () => {
  it.each([
    ['os RTC not set', 0, 4, 5],
    ['os invalid format', 0, 2, 3],
    ['img no free slot', 1, 9, 6],
    ['img bad magic', 1, 23, 1],
    ['fs not found', 8, 3, 5],
    ['fs mount point not found', 8, 14, 5],
    ['fs unknown hash type', 8, 13, 3],
    ['fs offset not valid', 8, 11, 1],
    ['stat invalid group', 2, 2, 5],
    ['settings key too long', 3, 2, 3],
    ['settings key not found', 3, 3, 5],
    ['settings root not found (no entry)', 3, 5, 1],
    ['enum too many entries', 10, 2, 3],
    ['enum index too large (no entry)', 10, 4, 1],
    ['basic flash open failed', 63, 2, 5],
    ['shell empty command', 9, 3, 3],
    ['group without a table', 77, 1, 1],
  ])('%s: group %i rc %i → v1 rc %i', (_name, group, rc, v1) => {
    expect(translateToV1(group, rc)).toBe(v1);
  });
});
