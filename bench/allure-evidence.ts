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

/** Hex of the text `alive-`: the body of the shared client's liveness-check echoes. */
const ALIVE_HEX = '616c6976652d';
const ALIVE_SPACED = '61 6c 69 76 65 2d';

/**
 * Characters a decoded line cut at its length bound may gain or lose when a number before the cut
 * (sequence number, counter) changes width; compared only up to that much before the cut.
 */
const CUT_SLACK = 12;
/** Longest decoded line the annotated hex writes: indent, 400 characters, the ellipsis. */
const DECODED_LINE_CHARS = 4 + 400 + 1;
/** Hex of `tasks` opening a map: a task-statistics reply, whose stack and run-time figures follow timing. */
const TASKS_HEX = '657461736b73bf';
const TASKS_SPACED = '65 74 61 73 6b 73 bf';

/**
 * The annotated-hex trace with what depends on timing rather than on the case taken out: console
 * log lines (serial; which case's trace a device log line lands in, and its uptime stamp, follow
 * timing) and the liveness-check echoes (their counter follows how many came before on the shared
 * client, which changes the frame's length bytes). Both become one marker line.
 */
function stableAnnotatedHex(text: string): string {
  const out: string[] = [];
  let skipDecoded = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('    ')) {
      if (!skipDecoded) out.push(normaliseEvidence(line).slice(0, DECODED_LINE_CHARS - CUT_SLACK));
      continue;
    }
    skipDecoded = false;
    if (/^\[\+[\d.]+ ms\] --- event \(console\)/.test(line)) {
      skipDecoded = true;
    } else if (line.includes(ALIVE_SPACED)) {
      skipDecoded = true;
      out.push(`${line.includes('>>> out') ? 'out' : 'in'} <liveness check>`);
    } else if (line.includes(TASKS_SPACED)) {
      skipDecoded = true;
      out.push(`${line.slice(0, line.indexOf('  '))} <task statistics>`);
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

interface JsonTrace { dropped?: number; evidence?: { direction?: string; hex?: string; note?: string }[] }

/** The JSON trace with the same timing-dependent entries taken out as {@link stableAnnotatedHex}. */
function stableJsonTrace(text: string): string {
  let trace: JsonTrace;
  try {
    trace = JSON.parse(text) as JsonTrace;
  } catch {
    return text;
  }
  if (!Array.isArray(trace.evidence)) return text;
  const evidence = trace.evidence
    .filter((e) => e.note !== 'console')
    .map((e) => {
      if (e.hex?.includes(ALIVE_HEX) === true) return { direction: e.direction, liveness: true };
      if (e.hex?.includes(TASKS_HEX) === true) return { direction: e.direction, note: e.note, taskStatistics: true };
      return e;
    });
  return JSON.stringify({ ...trace, evidence }, null, 2);
}

interface AllureStep { name: string; attachments?: { source: string }[] }

/** A step's name, or one marker for a liveness-check exchange (its byte count follows the counter). */
function stableStepName(dir: string, step: AllureStep): string {
  const frames = (step.attachments ?? []).map((a) => readFileSync(join(dir, a.source), 'utf8')).join('\n');
  return frames.includes(ALIVE_SPACED) ? '<liveness check>' : step.name;
}

/** One case's evidence: status, step names and normalised attachments, keyed by case name. */
export function readEvidence(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-result.json'))) {
    const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      name: string; status: string; steps?: AllureStep[]; attachments?: { name: string; source: string }[];
      parameters?: { name: string; value: string }[];
    };
    const key = `${r.name} ${JSON.stringify(r.parameters ?? [])}`;
    const parts = [`status ${r.status}`, ...(r.steps ?? []).map((s) => `step ${stableStepName(dir, s)}`)];
    for (const a of r.attachments ?? []) {
      const text = readFileSync(join(dir, a.source), 'utf8');
      parts.push(`== ${a.name}\n${a.source.endsWith('.json') ? stableJsonTrace(text) : stableAnnotatedHex(text)}`);
    }
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
