/**
 * Progress of a run, per target run: on a terminal a live block with one line per target run
 * (cases done / total, failures so far), redrawn in place, with each failing case printed above
 * it as it happens; elsewhere (a pipe, a file, `CI=true`) one plain line per finished case,
 * carrying the same count.
 */
import { OUTCOME_TAG } from '../reporting/index.ts';
import type { OutcomeClass } from '../reporting/index.ts';

/** What a finished case tells the progress display. */
export interface CaseEvent {
  id: string;
  title: string;
  outcome: OutcomeClass;
  /** Set when it passed only on a retry. */
  flaky?: boolean;
}

/** A target-run process prints each finished case as this prefix and the `CaseEvent` as JSON, one line. */
export const CASE_EVENT_PREFIX = '\u001e@case ';

/** The case event of a line a target-run process printed, or `undefined` for any other line. */
export function parseCaseEvent(line: string): CaseEvent | undefined {
  if (!line.startsWith(CASE_EVENT_PREFIX)) return undefined;
  try {
    const e = JSON.parse(line.slice(CASE_EVENT_PREFIX.length)) as Partial<CaseEvent>;
    if (typeof e.id !== 'string' || typeof e.title !== 'string' || typeof e.outcome !== 'string' || !(e.outcome in OUTCOME_TAG)) return undefined;
    return { id: e.id, title: e.title, outcome: e.outcome, ...(e.flaky === true ? { flaky: true } : {}) };
  } catch {
    return undefined;
  }
}

/** The event line for a finished case. */
export function caseEventLine(c: CaseEvent): string {
  return `${CASE_EVENT_PREFIX}${JSON.stringify({ id: c.id, title: c.title, outcome: c.outcome, ...(c.flaky === true ? { flaky: true } : {}) })}\n`;
}

/** `tty`: live lines redrawn in place; `plain`: a line per case; `off`: nothing (`--json`). */
export type ProgressMode = 'tty' | 'plain' | 'off';

/** The mode for an output stream: live only on a terminal outside CI. */
export function progressMode(options: { isJson: boolean; isTty: boolean; env: NodeJS.ProcessEnv }): ProgressMode {
  if (options.isJson) return 'off';
  const ci = options.env['CI'];
  const isCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return options.isTty && !isCi && options.env['TERM'] !== 'dumb' ? 'tty' : 'plain';
}

interface TargetLine {
  key: string;
  total: number;
  done: number;
  failed: number;
  broken: number;
  state: 'waiting' | 'running' | 'done';
}

/** Fewest milliseconds between two redraws of the live block. */
const REDRAW_MS = 100;

/** Counts per target run and their display. */
export class RunProgress {
  readonly #mode: ProgressMode;
  readonly #write: (text: string) => void;
  readonly #lines: TargetLine[];
  #drawn = 0;
  #lastDrawMs = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `write` gets raw text (no newline added): the live block moves the cursor itself. */
  constructor(mode: ProgressMode, targets: readonly { key: string; total: number }[], write: (text: string) => void) {
    this.#mode = mode;
    this.#write = write;
    this.#lines = targets.map((t) => ({ key: t.key, total: t.total, done: 0, failed: 0, broken: 0, state: 'waiting' }));
  }

  /** A target run's process started. */
  started(key: string): void {
    const line = this.#line(key);
    if (line) line.state = 'running';
    this.#redraw();
  }

  /** A case of `key` finished. */
  caseDone(key: string, c: CaseEvent): void {
    const line = this.#line(key);
    if (!line) return;
    line.state = 'running';
    line.done++;
    if (c.outcome === 'fail') line.failed++;
    if (c.outcome === 'broken') line.broken++;
    if (this.#mode === 'plain') this.#write(this.#plainLine(line, c));
    if (this.#mode !== 'tty') return;
    if (c.outcome === 'fail' || c.outcome === 'broken') this.#above(`  ${OUTCOME_TAG[c.outcome].padEnd(13)} ${key}  ${c.id}  ${c.title}\n`);
    else this.#redraw();
  }

  /** A target run ended (its counts are final). */
  finished(key: string): void {
    const line = this.#line(key);
    if (line) line.state = 'done';
    this.#redraw(true);
  }

  /** Any other output while the block is live: printed above it. */
  message(text: string): void {
    if (this.#mode === 'tty') this.#above(text.endsWith('\n') ? text : `${text}\n`);
    else this.#write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Leave the live block as it is (final) and stop redrawing. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#mode === 'tty' && this.#drawn > 0) this.#draw();
    this.#drawn = 0;
  }

  /** The live block's text: one line per target run. */
  renderBlock(): string {
    const width = Math.max(...this.#lines.map((l) => l.key.length));
    const digits = Math.max(...this.#lines.map((l) => String(l.total).length));
    return this.#lines
      .map((l) => {
        const state = l.state === 'done' ? 'done' : l.state === 'waiting' ? 'waiting' : 'running';
        return `  ${l.key.padEnd(width)}  ${String(l.done).padStart(digits)}/${l.total} cases  ${l.failed} failed  ${l.broken} broken  ${state}\n`;
      })
      .join('');
  }

  #line(key: string): TargetLine | undefined {
    return this.#lines.find((l) => l.key === key);
  }

  #plainLine(line: TargetLine, c: CaseEvent): string {
    const count = `[${String(line.done).padStart(String(line.total).length)}/${line.total}, ${line.failed + line.broken} failing]`;
    return `  ${OUTCOME_TAG[c.outcome].padEnd(13)} ${line.key}  ${count}  ${c.id}  ${c.title}${c.flaky ? '  (flaky: passed on a retry)' : ''}\n`;
  }

  /** Print a permanent line above the live block. */
  #above(text: string): void {
    this.#erase();
    this.#write(text);
    this.#draw();
  }

  #redraw(isNow = false): void {
    if (this.#mode !== 'tty') return;
    const wait = REDRAW_MS - (Date.now() - this.#lastDrawMs);
    if (isNow || wait <= 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#erase();
      this.#draw();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#redraw(true);
      }, wait);
      this.#timer.unref();
    }
  }

  #erase(): void {
    // Cursor up over the block, then clear to the end of the screen.
    if (this.#drawn > 0) this.#write(`\x1b[${this.#drawn}A\r\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    this.#erase();
    this.#write(this.renderBlock());
    this.#drawn = this.#lines.length;
    this.#lastDrawMs = Date.now();
  }
}
