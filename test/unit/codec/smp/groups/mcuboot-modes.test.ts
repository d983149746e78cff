import { describe, expect, it } from 'vitest';
import { MCUBOOT_MODES, mcubootModeName } from '../../../../../src/codec/smp/groups/os.ts';

describe('mcubootModeName', () => {
  it('names every mode from -1 to 9 and nothing else', () => {
    expect(Object.keys(MCUBOOT_MODES).map(Number).sort((a, b) => a - b)).toEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mcubootModeName(3)).toBe('swap without scratch (swap-move)');
    expect(mcubootModeName(-1)).toBe('unknown');
    expect(mcubootModeName(10)).toBeUndefined();
    expect(mcubootModeName(-2)).toBeUndefined();
  });
});
