/**
 * Shapes shared by the simulator's dispatcher and its group handlers.
 * @see docs/spec/smp.md §1.5, §2.3
 */
import type { SmpHeader } from '../codec/smp/header.ts';

/** A response value as the handlers build it; maps keep insertion order on the wire. */
export type RspValue = string | number | bigint | boolean | Uint8Array | readonly RspValue[] | RspMap;

/** A response map (text keys, wire names verbatim, encoded in insertion order). */
export interface RspMap {
  readonly [key: string]: RspValue;
}

/**
 * What a handler decided. `rc` is a returned `MGMT_ERR_*` (the partial response is discarded);
 * `group` is an appended group error (v2 `err{group,rc}`, translated for v1 requests);
 * `silent` sends nothing at all (crash faults).
 * @see docs/spec/smp.md §2.3
 */
export type HandlerResult =
  | { kind: 'ok'; body: RspMap }
  | { kind: 'rc'; rc: number; rsn?: string }
  /** `taggedGroup`: the group the `err` names when it is not the request's (a server fault). */
  | { kind: 'group'; rc: number; extra?: RspMap; taggedGroup?: number }
  | { kind: 'silent' };

/** What a handler sees of one request. */
export interface HandlerContext {
  readonly header: SmpHeader;
  /**
   * Every byte after the header, not only `length` bytes: Zephyr starts its CBOR reader on the
   * whole remaining buffer.
   * @see docs/spec/smp.md §1.5
   */
  readonly payload: Uint8Array;
}

/** A command handler; absent ops answer `rc 8`. */
export interface CommandHandlers<D> {
  readonly read?: (device: D, ctx: HandlerContext) => HandlerResult;
  readonly write?: (device: D, ctx: HandlerContext) => HandlerResult;
  /** False: the command is compiled out of this device's build and is looked up as an absent id. Absent: always present. */
  readonly isPresent?: (device: D) => boolean;
}

/** One management group as registered with the dispatcher. */
export interface GroupDefinition<D> {
  readonly id: number;
  /** Name reported by enumeration details (`"os mgmt"`). */
  readonly name: string;
  /** Length of Zephyr's handler table (max command id + 1, holes included). */
  readonly handlerCount: number;
  readonly commands: ReadonlyMap<number, CommandHandlers<D>>;
}

/** Success with a body. */
export function okRsp(body: RspMap = {}): HandlerResult {
  return { kind: 'ok', body };
}

/** A returned generic `MGMT_ERR_*` code. */
export function rcRsp(rc: number): HandlerResult {
  return { kind: 'rc', rc };
}

/** An appended group error, optionally with more keys after `err`. */
export function groupErr(rc: number, extra?: RspMap): HandlerResult {
  return extra === undefined ? { kind: 'group', rc } : { kind: 'group', rc, extra };
}
