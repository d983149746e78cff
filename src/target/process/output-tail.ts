/**
 * The output of a target process: every byte appended to a log file (the report attachment) and
 * the last lines kept in memory, so a crash can be told with what the device said last.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Lines kept for messages. */
export const TAIL_LINES = 20;

/** A process's output: file plus the last complete lines. */
export class OutputTail {
  readonly #lines: string[] = [];
  #partial = '';
  readonly #listeners = new Set<(line: string) => void>();

  /** `file` is created (emptied) now; undefined keeps the output in memory only. */
  constructor(readonly file: string | undefined) {
    if (file === undefined) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  /** Take a chunk of output (stdout or stderr). */
  push(chunk: Buffer | string): void {
    const text = chunk.toString();
    if (this.file !== undefined) {
      try {
        appendFileSync(this.file, text);
      } catch {
        // The report folder was removed while the process still spoke (a note after its exit): keep the lines in memory.
      }
    }
    const parts = (this.#partial + text).split(/\r?\n/);
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.#line(line);
  }

  /** A line the harness adds (start, exit), marked so it is not mistaken for device output. */
  note(text: string): void {
    this.push(`[mgmt-conformance] ${text}\n`);
  }

  /** Called with each complete line; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last `n` lines (an unfinished last line included). */
  last(n = 5): string[] {
    const all = this.#partial === '' ? this.#lines : [...this.#lines, this.#partial];
    return all.slice(-n);
  }

  #line(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > TAIL_LINES) this.#lines.shift();
    for (const l of this.#listeners) l(line);
  }
}
