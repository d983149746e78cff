/**
 * The bootstrap server's operations towards a client that asked for bootstrap: Discover (GET
 * Accept 40), Read (1.1, GET), Write (PUT), Delete and Finish (POST /bs), each a CON request
 * to the address the Bootstrap-Request came from, recorded as a step of the client's session
 * with its timestamp, raw exchange and typed decode.
 * @see docs/spec/lwm2m.md §2.2 (bootstrap mapping), §2.3
 */
import { uintOptionValue } from '../../codec/coap/access.ts';
import { CoapMethod } from '../../codec/coap/codes.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { CoapOptionValue } from '../../codec/coap/message.ts';
import { definitionTypeOf } from '../../codec/lwm2m/definitions/lookup.ts';
import { parsePath } from '../../codec/lwm2m/path.ts';
import type { Lwm2mRecord } from '../../codec/lwm2m/types.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import { fetchBlockwise, pushBlockwise, type BlockwiseHost } from '../coap/blockwise.ts';
import type { CoapRequestOptions } from '../coap/types.ts';
import type { BootstrapRequestRecord } from './bootstrap-request.ts';
import { bodyBytes, type Lwm2mBody } from './device-management.ts';
import { decodeDiscover, decodeValues, responseOf, type DiscoveredLink, type Lwm2mResponse } from './dm-response.ts';

/** What the bootstrap server did towards a client. */
export type BootstrapOperationKind = 'discover' | 'read' | 'write' | 'delete' | 'finish';

/** One operation of a bootstrap session, with its raw exchange (`response.exchanges`). */
export interface BootstrapStep {
  operation: BootstrapOperationKind;
  /** Request path as written (`/`, `/0/1`, `/bs`). */
  path: string;
  /** Wall-clock time the operation started. */
  atMs: number;
  /** Response code; undefined when the client answered with RST. */
  code: string | undefined;
  response: Lwm2mResponse<unknown>;
}

/** One client's bootstrap: its request and the operations that followed. */
export interface Lwm2mBootstrapSession {
  readonly endpoint: string;
  /** Where the Bootstrap-Request came from; operations go there. */
  readonly peer: DatagramPeer;
  readonly request: BootstrapRequestRecord;
  readonly steps: BootstrapStep[];
  /** Code the client gave Bootstrap-Finish, once sent (2.04 = bootstrap complete). */
  finishCode: string | undefined;
}

/** Settings of one bootstrap operation. */
export interface BootstrapOperationOptions extends CoapRequestOptions {
  extraOptions?: readonly CoapOptionValue[];
}

const accept = (format: number): CoapOptionValue => uintOptionValue(CoapOption.ACCEPT, format);
const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s.length > 0);
const lwm2mPathOf = (path: string) => {
  const parsed = parsePath(path.startsWith('/') ? path : `/${path}`);
  return parsed.ok ? parsed.value : [];
};

/** Runs bootstrap operations over an endpoint. */
export class BootstrapOperations {
  readonly #host: BlockwiseHost;

  constructor(host: BlockwiseHost) {
    this.#host = host;
  }

  /** Bootstrap-Discover: GET with Accept 40 on `/` or an object. */
  async discover(session: Lwm2mBootstrapSession, path = '/', opts: BootstrapOperationOptions = {}): Promise<Lwm2mResponse<DiscoveredLink[]>> {
    const atMs = Date.now();
    const options = [accept(ContentFormat.LINK_FORMAT), ...(opts.extraOptions ?? [])];
    const result = await fetchBlockwise(this.#host, session.peer, { method: CoapMethod.GET, path: segmentsOf(path), options }, opts);
    return record(session, 'discover', path, atMs, responseOf(result, (x) => decodeDiscover(x.contentFormat, x.payload)));
  }

  /** Bootstrap-Read (1.1): GET on a Server or Access Control object or instance. */
  async read(session: Lwm2mBootstrapSession, path: string, opts: BootstrapOperationOptions & { accept?: number } = {}): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    const atMs = Date.now();
    const options = [...(opts.accept === undefined ? [] : [accept(opts.accept)]), ...(opts.extraOptions ?? [])];
    const result = await fetchBlockwise(this.#host, session.peer, { method: CoapMethod.GET, path: segmentsOf(path), options }, opts);
    const typeOf = definitionTypeOf();
    return record(session, 'read', path, atMs, responseOf(result, (x) => decodeValues(x.contentFormat, x.payload, lwm2mPathOf(path), typeOf)));
  }

  /** Bootstrap-Write: PUT of records (or raw bytes) at an object, instance or resource. */
  async write(session: Lwm2mBootstrapSession, path: string, body: Lwm2mBody, opts: BootstrapOperationOptions & { blockSzx?: number } = {}): Promise<Lwm2mResponse<undefined>> {
    const atMs = Date.now();
    const { format, payload } = bodyBytes(body, lwm2mPathOf(path));
    const options = [...(format === undefined ? [] : [uintOptionValue(CoapOption.CONTENT_FORMAT, format)]), ...(opts.extraOptions ?? [])];
    const spec = { method: CoapMethod.PUT, path: segmentsOf(path), options, payload };
    const result = opts.blockSzx === undefined ? await this.#host.request(session.peer, spec, opts) : await pushBlockwise(this.#host, session.peer, spec, { ...opts, szx: opts.blockSzx });
    return record(session, 'write', path, atMs, responseOf<undefined>(result, () => undefined));
  }

  /** Bootstrap-Delete of `/`, an object or an instance. */
  async delete(session: Lwm2mBootstrapSession, path = '/', opts: BootstrapOperationOptions = {}): Promise<Lwm2mResponse<undefined>> {
    return this.#plain(session, 'delete', CoapMethod.DELETE, path, opts);
  }

  /** Bootstrap-Finish: POST /bs; the client answers 2.04, or 4.06 when the configuration is unusable. */
  async finish(session: Lwm2mBootstrapSession, opts: BootstrapOperationOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const response = await this.#plain(session, 'finish', CoapMethod.POST, '/bs', opts);
    session.finishCode = response.code ?? 'RST';
    return response;
  }

  async #plain(session: Lwm2mBootstrapSession, operation: BootstrapOperationKind, method: string, path: string, opts: BootstrapOperationOptions): Promise<Lwm2mResponse<undefined>> {
    const atMs = Date.now();
    const outcome = await this.#host.request(session.peer, { method, path: segmentsOf(path), options: opts.extraOptions ?? [] }, opts);
    return record(session, operation, path, atMs, responseOf<undefined>(outcome, () => undefined));
  }
}

function record<T>(session: Lwm2mBootstrapSession, operation: BootstrapOperationKind, path: string, atMs: number, response: Lwm2mResponse<T>): Lwm2mResponse<T> {
  session.steps.push({ operation, path, atMs, code: response.code, response });
  return response;
}
