import { describe, expect, it } from 'vitest';
import { diffEvidence, normaliseEvidence } from '../../../bench/allure-evidence.ts';

describe('allure evidence comparison', () => {
  it('blanks times, uuids, ports and sequence numbers but keeps the bytes that matter', () => {
    const a = '[+0.123 ms] >>> out  0a 00 00 14 00 00 81 00 | a1 61 64\n{"seq":129,"hex": "0a00001400008100a16164"} udp://127.0.0.1:4000 3f2a1b4c-1111-2222-3333-444455556666';
    const b = '[+9.876 ms] >>> out  0a 00 00 14 00 00 7b 00 | a1 61 64\n{"seq":123,"hex": "0a00001400007b00a16164"} udp://127.0.0.1:5123 00000000-aaaa-bbbb-cccc-ddddeeeeffff';
    expect(normaliseEvidence(a)).toBe(normaliseEvidence(b));
    // A changed body byte or command id is still a difference.
    expect(normaliseEvidence(a)).not.toBe(normaliseEvidence(a.replace('| a1 61 64', '| a1 61 65')));
    expect(normaliseEvidence(a)).not.toBe(normaliseEvidence(a.replace('81 00 |', '81 01 |')));
  });

  it('names cases that differ or exist in one run only', () => {
    const before = new Map([['x', '1'], ['y', '2']]);
    const after = new Map([['x', '1'], ['y', '3'], ['z', '4']]);
    expect(diffEvidence(before, after)).toEqual({ cases: 2, differing: ['y', 'z'] });
  });
});
