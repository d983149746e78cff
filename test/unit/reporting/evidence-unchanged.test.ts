/**
 * The reports' evidence stays as it was: a fixed-seed selection of SMP cases (echo, image upload,
 * file upload/download/hash, header and malformed-frame properties) over UDP and serial runs
 * through the real CLI against the built-in simulator, and every case's Allure evidence (status,
 * step names, trace as annotated hex and as JSON), normalised by bench/allure-evidence.ts, must
 * equal the committed fixture (gzipped JSON: case name → normalised evidence). Catches a change to the wire path or the trace recording that
 * alters what the reports show.
 *
 * Rewrite the fixture (only when the evidence is meant to change):
 * `EVIDENCE_FIXTURE_WRITE=1 npx vitest run --project unit test/unit/reporting/evidence-unchanged.test.ts`
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function runSelection(out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [join(root, 'bin/mgmt-conformance.js'), 'run', ...SELECTION, '--out', out];
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: root, env: cleanEnv(), timeout: 170_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
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
      const result = diffEvidence(new Map(Object.entries(fixture.cases)), after);
      expect(result.differing).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
