/**
 * The case journal: while a case runs, the worker streams its evidence (the frames in and out so
 * far) to a JSON-lines file beside the run's other journals, so a case the run never saw finish
 * (interrupted by a signal, cut by the run timeout, its process killed) still gets its steps and
 * its partial trace in the reports. The worker writes at a short interval, a batch per write
 * (never a write per frame); a killed worker loses at most the last interval. The file holds
 * one case at a time: each case start cuts it back.
 * @see docs/architecture.md "Session and run model"
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEntry } from '../core/trace.ts';
import { type EvidenceItem, readEvidence } from './allure-evidence.ts';
import { parseJsonLines } from './atomic-write.ts';

/** Names the case journal a worker writes to (set by the target run; absent: no journal). */
export const CASE_JOURNAL_FILE_ENV = 'MGMT_CASE_JOURNAL_FILE';

/** How often the worker writes what the running case added since the last write. */
export const CASE_JOURNAL_INTERVAL_MS = 200;

/** First line of a case: which case, when it started (epoch ms), and its evidence bound. */
interface StartLine {
  case: string;
  startedAtMs: number;
  /** Most entries the reports keep (the first quarter and the last three quarters of the trace). */
  limit: number;
}

/** A batch of evidence, in order; `skipped` entries came before the batch's last ones but are left out. */
interface EvidenceLine {
  case: string;
  atMs: number;
  evidence: EvidenceItem[];
  skipped: number;
}

/** What the evidence source hands over at each write. */
export interface EvidenceBatch {
  evidence: EvidenceItem[];
  /** Entries left out of this batch (the middle of a long case: neither its head nor its tail). */
  skipped: number;
}

/** The positions of a trace the journal follows (`TraceLog` in src/core/trace.ts). */
export interface TracePositions {
  since(mark: number): TraceEntry[];
  mark(): number;
}

/**
 * An evidence source following `trace` from `from`: each call returns the entries added since the
 * last one, converted by `convert`. Beyond the case's first `limit / 4` entries (always written)
 * a batch carries at most its last `limit - limit / 4`, the same head and tail the finished case's
 * evidence keeps, so a write costs at most that much however fast the frames come.
 */
export function traceEvidenceSource(trace: TracePositions, from: number, convert: (entries: readonly TraceEntry[]) => EvidenceItem[], limit: number): () => EvidenceBatch {
  const head = Math.floor(limit / 4);
  const tail = limit - head;
  let position = from;
  let written = 0;
  return () => {
    const fresh = trace.since(position);
    const now = trace.mark();
    // The ring buffer overwrote what it could not hold.
    const lost = now - position - fresh.length;
    position = now;
    const headPart = fresh.slice(0, Math.max(0, head - written));
    const rest = fresh.slice(headPart.length);
    const tailPart = rest.length > tail ? rest.slice(rest.length - tail) : rest;
    written += headPart.length;
    const picked = [...headPart, ...tailPart];
    return { evidence: picked.length > 0 ? convert(picked) : [], skipped: lost + rest.length - tailPart.length };
  };
}

/** The running case's stream; `end` writes what is left and stops it (a later case's `begin` stops it too). */
export interface CaseJournalHandle {
  end(): void;
}

/**
 * The worker's writer: one case at a time, written every `intervalMs` from its evidence source.
 * The file stays open for the writer's life and is cut back to empty at each case start (on ext4,
 * reopening a written file with O_TRUNC costs a data flush at close: milliseconds per case). A
 * file error turns the journal off for the rest of the run; it never reaches the case.
 */
export class CaseJournalWriter {
  readonly #path: string;
  readonly #intervalMs: number;
  #fd: number | undefined;
  /** Where the next line goes: the descriptor is not in append mode, so writes are positioned. */
  #position = 0;
  #timer: NodeJS.Timeout | undefined;
  #current: { id: string; take: () => EvidenceBatch; token: object } | undefined;
  #isBroken = false;

  constructor(path: string, intervalMs = CASE_JOURNAL_INTERVAL_MS) {
    this.#path = path;
    this.#intervalMs = intervalMs;
  }

  /** Start streaming case `id`: the file is cut back to this case's start line. */
  begin(id: string, startedAtMs: number, limit: number, take: () => EvidenceBatch): CaseJournalHandle {
    this.#stopStreaming();
    const token = {};
    const noop: CaseJournalHandle = { end: () => undefined };
    if (this.#isBroken) return noop;
    try {
      if (this.#fd === undefined) {
        mkdirSync(dirname(this.#path), { recursive: true });
        this.#fd = openSync(this.#path, 'w');
      } else {
        ftruncateSync(this.#fd, 0);
      }
      this.#position = 0;
      this.#write({ case: id, startedAtMs, limit } satisfies StartLine);
    } catch {
      this.#fail();
      return noop;
    }
    this.#current = { id, take, token };
    this.#timer = setInterval(() => this.flush(), this.#intervalMs);
    this.#timer.unref();
    return {
      end: () => {
        if (this.#current?.token !== token) return;
        // What came since the last write: the case may still be held up after its body (the crash
        // watch's fence and recovery), and a stop then keeps the whole body's evidence.
        this.flush();
        this.#stopStreaming();
      },
    };
  }

  /** Write what the running case added since the last write (nothing when it added nothing). */
  flush(): void {
    const current = this.#current;
    if (current === undefined || this.#fd === undefined) return;
    try {
      const batch = current.take();
      if (batch.evidence.length === 0 && batch.skipped === 0) return;
      this.#write({ case: current.id, atMs: Date.now(), evidence: batch.evidence, skipped: batch.skipped } satisfies EvidenceLine);
    } catch {
      this.#fail();
    }
  }

  /** Stop streaming and close the file (the worker leaves that to its exit). */
  close(): void {
    this.#stopStreaming();
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // Already closed or gone: nothing left to write to.
    }
  }

  #write(line: StartLine | EvidenceLine): void {
    if (this.#fd === undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    writeSync(this.#fd, bytes, 0, bytes.length, this.#position);
    this.#position += bytes.length;
  }

  #stopStreaming(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#current = undefined;
  }

  #fail(): void {
    this.#isBroken = true;
    this.close();
  }
}

let fromEnv: CaseJournalWriter | undefined;

/** The worker's case journal, when the target run named one in `CASE_JOURNAL_FILE_ENV`. */
export function caseJournalFromEnv(): CaseJournalWriter | undefined {
  const path = process.env[CASE_JOURNAL_FILE_ENV];
  if (path === undefined || path === '') return undefined;
  fromEnv ??= new CaseJournalWriter(path);
  return fromEnv;
}

/** The case a journal holds: what it had sent and received by the last write. */
export interface JournaledCase {
  id: string;
  startedAtMs: number;
  /** When the last batch was written (the start when none was). */
  lastAtMs: number;
  /** Head and tail of the trace, as a finished case's evidence keeps them. */
  evidence: EvidenceItem[];
  /** Entries left out of `evidence`. */
  dropped: number;
}

function isStartLine(v: unknown): v is StartLine {
  const l = v as Partial<StartLine> | null;
  return typeof l === 'object' && l !== null && typeof l.case === 'string' && typeof l.startedAtMs === 'number' && typeof l.limit === 'number';
}

function isEvidenceLine(v: unknown, id: string): v is EvidenceLine {
  const l = v as Partial<EvidenceLine> | null;
  return typeof l === 'object' && l !== null && l.case === id && Array.isArray(l.evidence) && typeof l.atMs === 'number' && typeof l.skipped === 'number';
}

/** Read the case a journal holds; undefined when there is none (or no start line). */
export function readCaseJournal(path: string): JournaledCase | undefined {
  let lines: unknown[];
  try {
    lines = existsSync(path) ? parseJsonLines(readFileSync(path, 'utf8')) : [];
  } catch {
    return undefined;
  }
  const start = lines.find(isStartLine);
  if (start === undefined) return undefined;
  const batches = lines.filter((l) => isEvidenceLine(l, start.case));
  const all = batches.flatMap((b) => readEvidence(b.evidence));
  let dropped = batches.reduce((n, b) => n + b.skipped, 0);
  let evidence = all;
  const limit = Math.max(1, start.limit);
  if (all.length > limit) {
    const head = Math.floor(limit / 4);
    evidence = [...all.slice(0, head), ...all.slice(all.length - (limit - head))];
    dropped += all.length - limit;
  }
  const last = batches[batches.length - 1];
  return { id: start.case, startedAtMs: start.startedAtMs, lastAtMs: last?.atMs ?? start.startedAtMs, evidence, dropped };
}
