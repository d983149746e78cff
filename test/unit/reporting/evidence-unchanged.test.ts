/**
 * The reports' evidence stays as it was: a fixed-seed selection of SMP cases (echo, image upload,
 * file upload/download/hash, header and malformed-frame properties) over UDP and serial runs
 * through the real CLI against the built-in simulator, and every case's Allure evidence (status,
 * step names, trace as annotated hex and as JSON), normalised by bench/allure-evidence.ts, must
 * equal the committed fixture (gzipped JSON: case name → normalised evidence). Catches a change to the wire path or the trace recording that
 * alters what the reports show.
 *
 * A case whose evidence differs is run once more on its own (same seed, same transport) before
 * the test fails: a change to the wire path or the trace differs every time, while a machine
 * loaded to the point of reordering a serial reply may differ once. Both texts of every
 * difference are kept under reports/test-artifacts/evidence-diff/ and the first differing lines
 * are printed, so a difference that went away on the second try is still on record.
 *
 * Rewrite the fixture (only when the evidence is meant to change):
 * `EVIDENCE_FIXTURE_WRITE=1 npx vitest run --project unit test/unit/reporting/evidence-unchanged.test.ts`
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffEvidence, readEvidence } from '../../../bench/allure-evidence.ts';

const root = resolve(import.meta.dirname, '../../..');
const fixturePath = join(root, 'test/fixtures/evidence/smp-seed1.json.gz');

/** The selection: SMP cases that exercise echo, image upload, fs transfers and malformed traffic. */
const SELECTION = ['--seed', '1', '--grep', '/^SMP-(OS-ECHO|IMG-UPLOAD|FS-(UPLOAD|DOWNLOAD|HASH)|PROP-(MALFORMED|HEADER))-/'];
/** Fewest cases (both transports) the fixture must hold, so the comparison cannot pass empty. */
const MIN_CASES = 60;

interface EvidenceFixture { selection: string[]; cases: Record<string, string> }

/** The CLI's child processes must not think they run inside this vitest. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV'));
}

const ARTIFACTS = join(root, 'reports', 'test-artifacts', 'evidence-diff');

function runSelection(out: string, selection: readonly string[] = SELECTION): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [join(root, 'bin/mgmt-conformance.js'), 'run', ...selection, '--out', out];
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: root, env: cleanEnv(), timeout: 170_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The case id and transport in an evidence key (`<ID> <title> [parameters]`). */
function caseOf(key: string): { id: string; transport: string | undefined } {
  const id = key.slice(0, key.indexOf(' '));
  const transport = /"name":"transport","value":"(\w+)"/.exec(key)?.[1];
  return { id, transport };
}

/** The first lines where two evidence texts part, for the log. */
function firstDifference(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [`line ${i + 1}:`, ...a.slice(i, i + 6).map((l) => `- ${l}`), ...b.slice(i, i + 6).map((l) => `+ ${l}`)].join('\n');
}

/** Keep both texts of each differing case and print where they part. */
function recordDifferences(attempt: string, fixture: ReadonlyMap<string, string>, run: ReadonlyMap<string, string>, keys: readonly string[]): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  keys.forEach((key, n) => {
    const stem = join(ARTIFACTS, `${attempt}-${n}-${caseOf(key).id}-${caseOf(key).transport ?? 'any'}`);
    writeFileSync(`${stem}.fixture.txt`, fixture.get(key) ?? '(absent)\n');
    writeFileSync(`${stem}.run.txt`, run.get(key) ?? '(absent)\n');
    console.warn(`evidence differs (${attempt}): ${key}\n${firstDifference(fixture.get(key) ?? '', run.get(key) ?? '')}`);
  });
}

/** Run only the given cases again (same seed; one transport when they share it) and read their evidence. */
async function rerun(keys: readonly string[]): Promise<Map<string, string>> {
  const cases = keys.map(caseOf);
  const transports = new Set(cases.map((c) => c.transport));
  const only = transports.size === 1 && [...transports][0] !== undefined ? ['--transport', [...transports][0]!] : [];
  const out = mkdtempSync(join(tmpdir(), 'evidence-rerun-'));
  try {
    const run = await runSelection(out, ['--seed', '1', '--grep', `/^(${[...new Set(cases.map((c) => c.id))].join('|')}) /`, ...only]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    return readEvidence(join(out, 'allure-results'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('Allure evidence on a fixed seed', () => {
  it('equals the committed fixture, case by case', async () => {
    const out = mkdtempSync(join(tmpdir(), 'evidence-'));
    try {
      const run = await runSelection(out);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const after = readEvidence(join(out, 'allure-results'));
      if (process.env['EVIDENCE_FIXTURE_WRITE'] === '1') {
        const fixture: EvidenceFixture = { selection: SELECTION, cases: Object.fromEntries([...after].sort(([a], [b]) => a.localeCompare(b))) };
        writeFileSync(fixturePath, gzipSync(`${JSON.stringify(fixture, null, 1)}\n`, { level: 9 }));
      }
      const fixture = JSON.parse(gunzipSync(readFileSync(fixturePath)).toString('utf8')) as EvidenceFixture;
      expect(fixture.selection).toEqual(SELECTION);
      expect(Object.keys(fixture.cases).length).toBeGreaterThanOrEqual(MIN_CASES);
      expect(after.size).toBeGreaterThanOrEqual(MIN_CASES);
      const expected = new Map(Object.entries(fixture.cases));
      const result = diffEvidence(expected, after);
      if (result.differing.length === 0) return;
      recordDifferences('first', expected, after, result.differing);
      // Cases only one side has are not a matter of timing: no second try for them.
      const absent = result.differing.filter((k) => !expected.has(k) || !after.has(k));
      expect(absent).toEqual([]);
      const again = await rerun(result.differing);
      const still = result.differing.filter((k) => again.get(k) !== expected.get(k));
      if (still.length > 0) recordDifferences('second', expected, again, still);
      expect(still).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
