/**
 * Compare the evidence of two runs' Allure results: every case's attachments (trace as annotated
 * hex and as JSON, step names, status), with what legitimately differs from run to run taken out —
 * times, durations, uuids, ports, uptime. Used to show a change to the wire path left the reports'
 * trace and evidence as they were: run the same selection on a fixed seed before and after, then
 * `node --import tsx bench/allure-evidence.ts BEFORE/allure-results AFTER/allure-results`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainModule } from './is-main.ts';

/** Blank out what varies between two runs of the same cases on the same seed. */
export function normaliseEvidence(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\[\+\d+\.\d+ ms\]/g, '[+t]')
    .replace(/"atNs":\s*"?\d+"?/g, '"atNs":<t>')
    .replace(/"(rttMs|elapsedMs|durationMs|uptimeMs|start|stop)":\s*[\d.]+/g, '"$1":<t>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<date>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\/dev\/pts\/\d+/g, '/dev/pts/<n>')
    // Sequence numbers and liveness-check counters follow how many exchanges came before on the
    // shared client (readiness polls vary with timing): the header's seq byte, the decoded field,
    // step names, and the `alive-N` text with its hex.
    .replace(/((?:>>> out|<<< in)\s+(?:[0-9a-f]{2} ){6})[0-9a-f]{2}/g, '$1ss')
    .replace(/("hex":\s*"[0-9a-f]{12})[0-9a-f]{2}/g, '$1ss')
    .replace(/616c6976652d(3\d)+/g, '616c6976652d<n>')
    .replace(/"seq":\s*\d+/g, '"seq":<n>')
    .replace(/\bseq \d+/g, 'seq <n>')
    .replace(/alive-\d+/g, 'alive-<n>')
    .replace(/61 6c 69 76 65 2d( 3\d)+/g, '61 6c 69 76 65 2d <n>');
}

/** One case's evidence: status, step names and normalised attachments, keyed by case name. */
export function readEvidence(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-result.json'))) {
    const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      name: string; status: string; steps?: { name: string }[]; attachments?: { name: string; source: string }[];
      parameters?: { name: string; value: string }[];
    };
    const key = `${r.name} ${JSON.stringify(r.parameters ?? [])}`;
    const parts = [`status ${r.status}`, ...(r.steps ?? []).map((s) => `step ${s.name}`)];
    for (const a of r.attachments ?? []) parts.push(`== ${a.name}\n${readFileSync(join(dir, a.source), 'utf8')}`);
    out.set(key, normaliseEvidence(parts.join('\n')));
  }
  return out;
}

/** Cases whose evidence differs, or that only one run has. */
export function diffEvidence(before: Map<string, string>, after: Map<string, string>): { cases: number; differing: string[] } {
  const differing: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) if (before.get(key) !== after.get(key)) differing.push(key);
  return { cases: before.size, differing: differing.sort() };
}

if (isMainModule(import.meta.url)) {
  const [before, after] = process.argv.slice(2);
  if (before === undefined || after === undefined) throw new Error('usage: allure-evidence.ts BEFORE_DIR AFTER_DIR');
  const result = diffEvidence(readEvidence(before), readEvidence(after));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.differing.length === 0 ? 0 : 1;
}
