/**
 * A chunk of an image upload on its way, and how it ended: the settlement of the client's wait
 * for its reply, so the upload pays no promise per chunk and can send the next chunk from inside
 * the reply's delivery, as a bare-socket client would.
 * @see docs/spec/smp.md §3.2.3
 */
import type { SmpResponseBody } from '../codec/smp/message.ts';
import { HarnessError, ResponseTimeoutError } from '../errors.ts';
import { describeErrorBody } from './device-probe.ts';
import type { ReceivedPacket } from './packet-view.ts';
import type { WaitSettlement } from './packet-waits.ts';

/** The device refused a chunk (an error reply), or answered outside the protocol. */
export class UploadRejectedError extends HarnessError {
  readonly body: SmpResponseBody | undefined;
  readonly off: number;
  constructor(message: string, off: number, body?: SmpResponseBody) {
    super('E_UPLOAD_REJECTED', message);
    this.off = off;
    this.body = body;
  }
}

/** How a chunk ended: the device's next offset, a lost reply, or an error. */
export type Outcome = { kind: 'reply'; off: number; match?: boolean } | { kind: 'timeout' } | { kind: 'error'; error: Error };

/** A chunk in flight: `[off, end)` of the image; `outcome` once its reply (or its failure) is in. */
export class Flight implements WaitSettlement {
  readonly off: number;
  readonly end: number;
  outcome: Outcome | undefined;
  readonly #onSettled: (flight: Flight) => void;
  #waiter: ((outcome: Outcome) => void) | undefined;

  /** `onSettled` is told once, when the outcome is in. */
  constructor(off: number, end: number, onSettled: (flight: Flight) => void) {
    this.off = off;
    this.end = end;
    this.#onSettled = onSettled;
  }

  resolve(p: ReceivedPacket): void {
    this.#settle(p.body ? toOutcome(p.body, this.off) : { kind: 'error', error: new UploadRejectedError(`reply to the chunk at ${this.off} has no body`, this.off) });
  }

  reject(e: Error): void {
    this.#settle(e instanceof ResponseTimeoutError ? { kind: 'timeout' } : { kind: 'error', error: e });
  }

  /** True when the device acknowledged exactly this chunk: the upload goes on without recovery. */
  get isAcknowledged(): boolean {
    return this.outcome?.kind === 'reply' && this.outcome.off === this.end;
  }

  /** The outcome, once it is in. */
  settled(): Promise<Outcome> {
    if (this.outcome !== undefined) return Promise.resolve(this.outcome);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  #settle(outcome: Outcome): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    this.#waiter?.(outcome);
    this.#onSettled(this);
  }
}

/** A reply body as an outcome: the device's next offset, or an error naming the reply. */
export function toOutcome(body: SmpResponseBody, off: number): Outcome {
  if (body.kind !== 'ok') {
    return { kind: 'error', error: new UploadRejectedError(`chunk at offset ${off} refused: ${describeErrorBody(body)}`, off, body) };
  }
  const next = body.rsp['off'];
  const match = body.rsp['match'];
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) {
    return { kind: 'error', error: new UploadRejectedError(`reply to the chunk at offset ${off} has no valid "off"`, off, body) };
  }
  return typeof match === 'boolean' ? { kind: 'reply', off: next, match } : { kind: 'reply', off: next };
}
