/**
 * Handlers for incoming requests, chosen by the longest matching Uri-Path prefix and then by
 * method. A path with handlers but none for the method answers 4.05; no handler at all, 4.04.
 * @see docs/spec/lwm2m.md §1.3, §2.4
 */
import type { DatagramPeer } from '../../core/transport.ts';
import type { CoapMessage, CoapOptionValue } from '../../codec/coap/message.ts';

/** A request as a handler sees it. */
export interface CoapIncomingRequest {
  /** The request; for a Block1 transfer, the last block with the whole body as payload. */
  message: CoapMessage;
  /** Exact bytes received (for a Block1 transfer, those of the last block). */
  bytes: Uint8Array;
  peer: DatagramPeer;
  /** Uri-Path segments. */
  path: string[];
  /** Uri-Query items as written. */
  query: string[];
  atNs: bigint;
}

/** What a handler answers: the response code, options and payload (token and MID are filled in). */
export interface CoapResponseSpec {
  code: string;
  options?: CoapOptionValue[];
  payload?: Uint8Array;
}

export type CoapRequestHandler = (request: CoapIncomingRequest) => CoapResponseSpec | Promise<CoapResponseSpec>;

/** Where a handler applies. */
export interface CoapRoute {
  /** Uri-Path prefix (`['rd']` matches `/rd` and `/rd/5a3f`); `[]` matches every path. */
  path: readonly string[];
  /** Method codes (`'0.02'`); absent = every method. */
  methods?: readonly string[];
  /** Always answer a CON with an empty ACK first and the response as a separate CON. */
  separate?: boolean;
}

interface Entry {
  route: CoapRoute;
  handler: CoapRequestHandler;
}

/** The routing decision for one request. */
export type RouteMatch = { kind: 'handler'; route: CoapRoute; handler: CoapRequestHandler } | { kind: 'no-path' } | { kind: 'no-method' };

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

/** The registered handlers. */
export class CoapRouter {
  readonly #entries: Entry[] = [];

  /** Add a handler; returns a function that removes it. */
  add(route: CoapRoute, handler: CoapRequestHandler): () => void {
    const entry = { route, handler };
    this.#entries.push(entry);
    return () => {
      const i = this.#entries.indexOf(entry);
      if (i >= 0) this.#entries.splice(i, 1);
    };
  }

  /** The handler for `path` and `method`: longest prefix first, later registrations win ties. */
  match(path: readonly string[], method: string): RouteMatch {
    let best: Entry | undefined;
    let pathMatched = false;
    for (const e of this.#entries) {
      if (!isPrefix(e.route.path, path)) continue;
      pathMatched = true;
      if (e.route.methods && !e.route.methods.includes(method)) continue;
      if (!best || e.route.path.length >= best.route.path.length) best = e;
    }
    if (best) return { kind: 'handler', route: best.route, handler: best.handler };
    return pathMatched ? { kind: 'no-method' } : { kind: 'no-path' };
  }
}
