/**
 * Observations and notifications: one observation per token, notifications as CON 2.05 with
 * Observe 1, 2, 3... (Zephyr's form), sent at pmax when nothing changed and on a change no
 * sooner than pmin after the previous one, honouring gt/lt/st for numeric resources. A
 * notification answered with RST (or never acknowledged) ends the observation.
 * @see docs/spec/lwm2m.md §1.9, §2.6; captures lwm2m-operations.jsonl notify-* rows
 */
import { pathStartsWith, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { AttributeSet } from './attributes.ts';
import type { ValueRecord } from './object-store.ts';

/** One active observation. */
export interface Observation {
  readonly token: Uint8Array;
  readonly path: Lwm2mPath;
  /** Observe-Composite: the paths observed together (`path` is then the root). */
  readonly composite?: readonly Lwm2mPath[];
  /** Content format of the notifications (the Observe request's Accept or the default). */
  readonly format: number;
  /** Observe value of the last notification (0 = the registration response). */
  seq: number;
  lastSentMs: number;
  /** Numeric value last reported (for gt/lt/st), single-resource observations only. */
  lastNumber: number | undefined;
  isChangePending: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** What the observation table needs from the client. */
export interface ObserveDeps {
  /** Effective attributes of a path. */
  attributes: (path: Lwm2mPath) => AttributeSet & { pmin: number; pmax: number };
  /** Build and send one notification; resolves false when the server reset or never acknowledged it. */
  notify: (o: Observation) => Promise<boolean>;
  /** Read the observed records (for gt/lt/st). */
  read: (o: Pick<Observation, 'path' | 'composite'>) => ValueRecord[] | undefined;
  /** Ignore pmin (fault). */
  ignoresPmin: boolean;
  /** Send the pmax notification this much later than pmax (fault; 0 = on time). */
  lateAfterPmaxMs?: number;
  /** Notify every change, whatever gt/lt/st say (fault). */
  ignoresValueConditions?: boolean;
  nowMs: () => number;
}

/** The observations of one client. */
export class ObservationTable {
  readonly #byToken = new Map<string, Observation>();
  readonly #deps: ObserveDeps;

  constructor(deps: ObserveDeps) {
    this.#deps = deps;
  }

  /** Start (or restart, for the same token) an observation; the 2.05 response carries Observe 0. */
  add(token: Uint8Array, path: Lwm2mPath, format: number, composite?: readonly Lwm2mPath[]): Observation {
    this.remove(token);
    const records = this.#deps.read({ path, ...(composite === undefined ? {} : { composite }) });
    const o: Observation = { token, path, ...(composite === undefined ? {} : { composite }), format, seq: 0, lastSentMs: this.#deps.nowMs(), lastNumber: numberOf(records), isChangePending: false, timer: undefined };
    this.#byToken.set(key(token), o);
    this.#schedule(o);
    return o;
  }

  /** End the observation with this token; true when there was one. */
  remove(token: Uint8Array): boolean {
    const o = this.#byToken.get(key(token));
    if (o === undefined) return false;
    if (o.timer !== undefined) clearTimeout(o.timer);
    this.#byToken.delete(key(token));
    return true;
  }

  /** Every observation. */
  all(): Observation[] {
    return [...this.#byToken.values()];
  }

  /** End every observation (new registration, stop). */
  clear(): void {
    for (const o of this.all()) this.remove(o.token);
  }

  /** A value at `path` changed: observations covering it notify as their attributes allow. */
  changed(path: Lwm2mPath): void {
    const covers = (p: Lwm2mPath): boolean => pathStartsWith(path, p) || pathStartsWith(p, path);
    for (const o of this.all()) {
      if (!(o.composite === undefined ? covers(o.path) : o.composite.some(covers))) continue;
      if (!this.#passesValueConditions(o)) continue;
      o.isChangePending = true;
      this.#schedule(o);
    }
  }

  #passesValueConditions(o: Observation): boolean {
    const a = this.#deps.attributes(o.path);
    if (this.#deps.ignoresValueConditions === true || (a.gt === undefined && a.lt === undefined && a.st === undefined)) return true;
    const now = numberOf(this.#deps.read(o));
    const last = o.lastNumber;
    if (now === undefined || last === undefined) return true;
    const crossed = (t: number | undefined): boolean => t !== undefined && (last - t) * (now - t) < 0;
    return crossed(a.gt) || crossed(a.lt) || (a.st !== undefined && Math.abs(now - last) >= a.st);
  }

  #schedule(o: Observation): void {
    if (o.timer !== undefined) clearTimeout(o.timer);
    const a = this.#deps.attributes(o.path);
    const now = this.#deps.nowMs();
    const pminAt = o.lastSentMs + (this.#deps.ignoresPmin ? 0 : a.pmin * 1000);
    const pmaxAt = a.pmax > 0 && a.pmax >= a.pmin ? o.lastSentMs + a.pmax * 1000 + (this.#deps.lateAfterPmaxMs ?? 0) : undefined;
    const dueAt = o.isChangePending ? Math.max(pminAt, now) : pmaxAt;
    if (dueAt === undefined) return;
    o.timer = setTimeout(() => void this.#fire(o), Math.max(0, dueAt - now));
  }

  async #fire(o: Observation): Promise<void> {
    o.timer = undefined;
    if (this.#byToken.get(key(o.token)) !== o) return;
    o.seq = (o.seq + 1) & 0xffffff;
    o.lastSentMs = this.#deps.nowMs();
    o.isChangePending = false;
    o.lastNumber = numberOf(this.#deps.read(o));
    this.#schedule(o);
    const isAlive = await this.#deps.notify(o);
    if (!isAlive) this.remove(o.token);
  }
}

function key(token: Uint8Array): string {
  return Buffer.from(token).toString('hex');
}

function numberOf(records: ValueRecord[] | undefined): number | undefined {
  const v = records?.length === 1 ? records[0]!.value : undefined;
  if (v === undefined) return undefined;
  return v.type === 'float' ? v.value : v.type === 'integer' || v.type === 'unsigned' || v.type === 'time' ? Number(v.value) : undefined;
}
