/**
 * A crash reproducer: the exact frames the killing case sent since the device's last good answer,
 * one JSON line each after a header line, so `mgmt-conformance replay` can send them again (and
 * `--minimize` can drop frames while the device still dies).
 *
 *   {"kind":"mgmt-conformance-reproducer","version":1,"protocol":"smp","caseId":"…","target":"…","cause":"…"}
 *   {"hex":"0800000e…","framed":true,"gapMs":0,"decoded":{…}}
 *
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEntry } from '../../core/trace.ts';
import { InputFileError } from '../../errors.ts';

/** The header line's `kind`. */
export const REPRODUCER_KIND = 'mgmt-conformance-reproducer';

/** What a reproducer says about where it came from. */
export interface ReproducerHeader {
  kind: typeof REPRODUCER_KIND;
  version: 1;
  /** `smp`: SMP packets the harness sent; `lwm2m`: CoAP requests of the harness's LwM2M server. */
  protocol: 'smp' | 'lwm2m';
  caseId: string;
  target: string;
  cause: string;
}

/** One frame to send again. */
export interface ReproducerFrame {
  /** Exact bytes, lower-case hex. */
  hex: string;
  /** True: the SMP packet, framed by the transport; false: bytes written to the link as they are. */
  framed: boolean;
  /** Milliseconds after the previous frame when it was first sent. */
  gapMs: number;
  decoded?: unknown;
}

/** A whole reproducer. */
export interface Reproducer {
  header: ReproducerHeader;
  frames: ReproducerFrame[];
}

/** The frames of trace entries: every outgoing entry with bytes, with the gaps between them. */
export function framesOf(entries: readonly TraceEntry[], decoded: (e: TraceEntry) => unknown = (e) => e.decoded): ReproducerFrame[] {
  const out: ReproducerFrame[] = [];
  let previousNs: bigint | undefined;
  for (const e of entries) {
    if (e.direction !== 'out' || e.hex === '') continue;
    const gapMs = previousNs === undefined ? 0 : Math.max(0, Number(e.atNs - previousNs) / 1e6);
    previousNs = e.atNs;
    const d = decoded(e);
    out.push({ hex: e.hex, framed: e.note !== 'raw-unframed', gapMs: Math.round(gapMs * 1000) / 1000, ...(d !== undefined ? { decoded: d } : {}) });
  }
  return out;
}

/** The reproducer as file text. */
export function renderReproducer(r: Reproducer): string {
  return [JSON.stringify(r.header), ...r.frames.map((f) => JSON.stringify(f))].join('\n') + '\n';
}

/** Write a reproducer (directories created); returns the path. */
export function writeReproducer(path: string, r: Reproducer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReproducer(r));
  return path;
}

function isHex(value: unknown): value is string {
  return typeof value === 'string' && /^(?:[0-9a-f]{2})+$/.test(value);
}

/** Parse reproducer text; a malformed line is an `InputFileError` naming the file and line. */
export function parseReproducer(text: string, file: string): Reproducer {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parse = (line: string, n: number): Record<string, unknown> => {
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    throw new InputFileError(file, `line ${n}: not a JSON object`);
  };
  const head = parse(lines[0] ?? '', 1);
  if (head['kind'] !== REPRODUCER_KIND || head['version'] !== 1) throw new InputFileError(file, `line 1: not a mgmt-conformance reproducer (expected "kind": "${REPRODUCER_KIND}", "version": 1)`);
  const protocol = head['protocol'] === 'lwm2m' ? 'lwm2m' : 'smp';
  const header: ReproducerHeader = { kind: REPRODUCER_KIND, version: 1, protocol, caseId: String(head['caseId'] ?? ''), target: String(head['target'] ?? ''), cause: String(head['cause'] ?? '') };
  const frames = lines.slice(1).map((line, i) => {
    const f = parse(line, i + 2);
    if (!isHex(f['hex'])) throw new InputFileError(file, `line ${i + 2}: "hex" must be lower-case hex bytes`);
    const gapMs = typeof f['gapMs'] === 'number' && f['gapMs'] >= 0 ? f['gapMs'] : 0;
    return { hex: f['hex'], framed: f['framed'] !== false, gapMs, ...(f['decoded'] !== undefined ? { decoded: f['decoded'] } : {}) };
  });
  return { header, frames };
}

/** Read a reproducer file. */
export function readReproducer(file: string): Reproducer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputFileError(file, (e as Error).message, { cause: e });
  }
  return parseReproducer(text, file);
}
