/**
 * An LwM2M observation from the server's side: the CoAP observation (first response,
 * notifications with arrival times, Observe numbers, CON/NON) plus each payload decoded by its
 * Content-Format against the observed path, and the two ways to cancel.
 * @see docs/spec/lwm2m.md §2.6, §1.9
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { Lwm2mRecord, ResourceTypeOf } from '../../codec/lwm2m/types.ts';
import type { CoapNotification, CoapObservation, ObservationEnd } from '../coap/observation.ts';
import type { CoapOutcome, CoapRequestOptions } from '../coap/types.ts';
import { decodeValues, responseOf, type Lwm2mDecoded, type Lwm2mResponse } from './dm-response.ts';

/** One notification with its values. */
export interface Lwm2mNotification extends CoapNotification {
  /** Response code (2.05 normally; an error code ends the observation). */
  code: string;
  contentFormat: number | undefined;
  /** Values decoded by the notification's Content-Format (undefined for an error code). */
  decoded: Lwm2mDecoded<Lwm2mRecord[]> | undefined;
}

/** An observation established by `Lwm2mServer.observe`. */
export class Lwm2mObservation {
  readonly coap: CoapObservation;
  /** The observed path ([] for composite observations). */
  readonly path: Lwm2mPath;
  /** The answer to the Observe request, decoded like a Read. */
  readonly first: Lwm2mResponse<Lwm2mRecord[]>;
  readonly #typeOf: ResourceTypeOf;
  #delivered = 0;

  constructor(coap: CoapObservation, path: Lwm2mPath, typeOf: ResourceTypeOf) {
    this.coap = coap;
    this.path = path;
    this.#typeOf = typeOf;
    this.first = responseOf(coap.first, (x) => decodeValues(x.contentFormat, x.payload, path, typeOf));
  }

  /** True while notifications are accepted (established, not cancelled or ended by the client). */
  get isActive(): boolean {
    return this.coap.isActive;
  }

  /** Why the observation ended; undefined while active. */
  get ended(): ObservationEnd | undefined {
    return this.coap.ended;
  }

  /** Every notification so far, in arrival order, decoded. */
  get notifications(): Lwm2mNotification[] {
    return this.coap.notifications.map((n) => this.#decode(n));
  }

  /** The next notification not yet taken, waiting up to `timeoutMs` (rejects with ResponseTimeoutError). */
  async next(timeoutMs: number): Promise<Lwm2mNotification> {
    const n = await this.coap.next(timeoutMs);
    this.#delivered++;
    return this.#decode(n);
  }

  /** Notifications taken with `next` so far. */
  get taken(): number {
    return this.#delivered;
  }

  /**
   * Cancel. `reset` (passive): stop acknowledging; the next notification is answered with RST.
   * `deregister` (active): GET with Observe 1 on the same token; resolves with that answer.
   */
  async cancel(mode: 'reset' | 'deregister', options: CoapRequestOptions = {}): Promise<Lwm2mResponse<Lwm2mRecord[]> | undefined> {
    const outcome: CoapOutcome | undefined = await this.coap.cancel(mode, options);
    if (!outcome) return undefined;
    return responseOf(outcome, (x) => decodeValues(x.contentFormat, x.payload, this.path, this.#typeOf));
  }

  #decode(n: CoapNotification): Lwm2mNotification {
    const code = n.message.code;
    const contentFormat = uintOptionOrUndefined(n.message, CoapOption.CONTENT_FORMAT);
    const decoded = code.startsWith('2.') ? decodeValues(contentFormat, n.message.payload, this.path, this.#typeOf) : undefined;
    return { ...n, code, contentFormat, decoded };
  }
}
