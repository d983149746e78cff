import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffEvidence, normaliseEvidence, readEvidence } from '../../../bench/allure-evidence.ts';

/** An Allure results folder with one case whose annotated-hex trace is `trace`. */
function resultsWith(trace: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-unit-'));
  writeFileSync(join(dir, 't.txt'), trace);
  writeFileSync(join(dir, 'r-result.json'), JSON.stringify({ name: 'SMP-X-001 case', status: 'passed', steps: [], attachments: [{ name: 'trace (annotated hex)', source: 't.txt' }] }));
  return dir;
}

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

  it('liveness echoes and console lines follow timing and compare equal; a changed frame does not', () => {
    const frame = '[+0.100 ms] >>> out  0a 00 00 08 00 00 05 00 | a1 61 64 44 10 96 c2 45\n';
    const a = `${frame}[+0.200 ms] >>> out  0a 00 00 0d 00 00 07 00 | a1 61 64 69 61 6c 69 76 65 2d 32 33 37\n    {"d":"alive-237"}\n`;
    const b = `[+0.050 ms] --- event (console)  5b 30 30\n${frame}[+0.300 ms] >>> out  0a 00 00 0b 00 00 09 00 | a1 61 64 67 61 6c 69 76 65 2d 39\n    {"d":"alive-9"}\n`;
    const read = (t: string) => readEvidence(resultsWith(t));
    expect(diffEvidence(read(a), read(b)).differing).toEqual([]);
    expect(diffEvidence(read(a), read(a.replace('c2 45', 'c2 46'))).differing).toEqual(['SMP-X-001 case []']);
  });
});
