/**
 * What the device-management handlers share: the data model, attributes, observations, the
 * formats of the build, fault switches, and the hooks back into the client (Update after a
 * change, notifications after a write). Also the small response builders every handler uses.
 * @see docs/spec/lwm2m.md §2.2 (operation ↔ CoAP mapping), §5
 */
import { CoapOption } from '../../codec/coap/options.ts';
import { encodeUintValue } from '../../codec/coap/values.ts';
import type { CoapMessage, CoapOptionValue } from '../../codec/coap/message.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { ResourceType } from '../../codec/lwm2m/types.ts';
import { resourceDef } from './definitions.ts';
import type { AttributeStore } from './attributes.ts';
import type { Lwm2mFaults } from './faults.ts';
import type { ObjectStore, Refusal } from './object-store.ts';
import type { ObservationTable } from './observe.ts';
import type { Lwm2mVersion } from './sample.ts';

/** A response as the handlers build it (the socket adds type, message id and token). */
export type DmResponse = Pick<CoapMessage, 'code' | 'options' | 'payload'>;

/** How the client answers a Block1 block larger than its own size (RFC 7959 §2.9.3, §2.5). */
export type Block1Negotiation = '4.13' | '2.31';

/** Shared state of the device-management handlers. */
export interface DmContext {
  readonly version: Lwm2mVersion;
  readonly store: ObjectStore;
  readonly attributes: AttributeStore;
  readonly observations: ObservationTable;
  readonly faults: Lwm2mFaults;
  /** Formats the build answers and accepts, and its default for reads without Accept. */
  readonly formats: { read: readonly number[]; write: readonly number[]; defaultHierarchical: number };
  /** `ver=` announced per object id (Discover on the object shows it). */
  readonly announcedVersions: ReadonlyMap<number, string>;
  /** Largest response payload before Block2 splits it. */
  readonly blockSizeBytes: number;
  /** The client's own Block1 size exponent: larger blocks are negotiated down to it. */
  readonly block1Szx: number;
  /** How a larger block is negotiated down: 4.13 naming the size, or the first block taken and 2.31 naming it. */
  readonly block1Negotiation: Block1Negotiation;
  /** Largest request body accepted through Block1 (other than the firmware package). */
  readonly maxBodyBytes: number;
  /**
   * One block of a Firmware Package (/5/0/0) write; a whole write is one last block at offset 0.
   * `announcedBytes` is the Size1 of the first block, when the server sent one.
   */
  packageBlock(offset: number, data: Uint8Array, isLast: boolean, announcedBytes?: number): Refusal | void;
  /** The object list changed (Create/Delete): an Update with the new links follows. */
  objectsChanged(): void;
  /** A value changed: observations re-evaluate. */
  valueChanged(path: Lwm2mPath): void;
}

/** A response with a code only. */
export function codeOnly(code: string): DmResponse {
  return { code, options: [], payload: new Uint8Array(0) };
}

/** The response for a refusal. */
export function refusal(r: Refusal): DmResponse {
  return codeOnly(r.code);
}

/** A uint option. */
export function uintOpt(number: number, value: number): CoapOptionValue {
  return { number, value: encodeUintValue(value) };
}

/** A 2.05 with Content-Format (left out under the no-content-format fault). */
export function content(ctx: DmContext, format: number, payload: Uint8Array, extra: CoapOptionValue[] = []): DmResponse {
  const cf = ctx.faults.has('lwm2m-no-content-format') ? [] : [uintOpt(CoapOption.CONTENT_FORMAT, format)];
  return { code: ctx.faults.has('lwm2m-read-answers-changed') ? '2.04' : '2.05', options: [...extra, ...cf], payload };
}

/** The type of the resource at a path (resource or resource-instance level). */
export function typeAt(store: ObjectStore, path: Lwm2mPath): ResourceType | undefined {
  const object = store.object(path[0]!);
  return object === undefined || path.length < 3 ? undefined : resourceDef(object.def, path[2]!)?.type;
}
