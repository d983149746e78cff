/**
 * Device Management & Service Enablement towards a registered client: every operation is a CON
 * request with a fresh token to the client's registered address, answered with the raw
 * exchange and a typed decode. Reads follow Block2; writes use Block1 when a block size is given.
 * @see docs/spec/lwm2m.md §2.2, §2.5, §1.8
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapMethod } from '../../codec/coap/codes.ts';
import { locationPath, uintOptionValue } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { CoapOptionValue } from '../../codec/coap/message.ts';
import { encodeContent, type ValueFormat } from '../../codec/lwm2m/content.ts';
import { formatWriteAttributes, type AttributeChange } from '../../codec/lwm2m/attributes.ts';
import { parseSegments, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { compositeRequestRecords } from '../../codec/lwm2m/senml.ts';
import { encodeSenmlCbor } from '../../codec/lwm2m/senml-cbor.ts';
import { encodeSenmlJson } from '../../codec/lwm2m/senml-json.ts';
import type { Lwm2mRecord } from '../../codec/lwm2m/types.ts';
import { fetchBlockwise, pushBlockwise, type BlockwiseHost } from '../coap/blockwise.ts';
import type { CoapOutcome, CoapRequestOptions, CoapRequestSpec } from '../coap/types.ts';
import { decodeDiscover, decodeValues, responseOf, type DiscoveredLink, type Lwm2mDecoded, type Lwm2mResponse } from './dm-response.ts';
import { registrationTypeOf, resolvePath, type Lwm2mPathInput } from './dm-target.ts';
import type { Lwm2mRegistration } from './registration-types.ts';

/** A request body: records to encode in a format, or bytes sent as given (malformed on purpose). */
export type Lwm2mBody = { format: ValueFormat; records: readonly Lwm2mRecord[] } | { format: number | undefined; payload: Uint8Array };

/** Settings every operation takes. */
export interface Lwm2mOperationOptions extends CoapRequestOptions {
  /** Further CoAP options (an unknown critical option, a second Accept …), added as given. */
  extraOptions?: readonly CoapOptionValue[];
}

/** Read/Discover settings. */
export interface Lwm2mReadOptions extends Lwm2mOperationOptions {
  /** Accept option (omitted when undefined: the client picks its format). */
  accept?: number;
  /** Ask for this Block2 size exponent on the first request (2^(szx+4) bytes). */
  blockSzx?: number;
}

/** Write settings. */
export interface Lwm2mWriteOptions extends Lwm2mOperationOptions {
  /** POST partial update instead of PUT replace. */
  partial?: boolean;
  /** Send the payload in Block1 blocks of 2^(szx+4) bytes. */
  blockSzx?: number;
  /** With `blockSzx`: abandon the transfer after this many blocks (an interrupted push). */
  stopAfterBlocks?: number;
  /** With `blockSzx`: the Size1 announced on the first block instead of the payload's length (a wrong-size package). */
  size1?: number;
}

/** What the operations need from the endpoint: requests and fresh tokens. */
export type DmHost = BlockwiseHost;

const cf = (format: number): CoapOptionValue => uintOptionValue(CoapOption.CONTENT_FORMAT, format);
const accept = (format: number): CoapOptionValue => uintOptionValue(CoapOption.ACCEPT, format);

/** Encode a body; `path` is the request path records are relative to. */
export function bodyBytes(body: Lwm2mBody, path: Lwm2mPath): { format: number | undefined; payload: Uint8Array } {
  if ('payload' in body) return body;
  return { format: body.format, payload: encodeContent(body.format, body.records, path) };
}

/** Operations towards one registration. */
export class DeviceManagement {
  readonly #host: DmHost;

  constructor(host: DmHost) {
    this.#host = host;
  }

  /** Read (GET). Decoded as LwM2M records by the answer's Content-Format. */
  async read(r: Lwm2mRegistration, input: Lwm2mPathInput, opts: Lwm2mReadOptions = {}): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    const { segments, path } = resolvePath(r, input);
    const options = [...(opts.accept === undefined ? [] : [accept(opts.accept)]), ...(opts.extraOptions ?? [])];
    const result = await fetchBlockwise(this.#host, r.peer, { method: CoapMethod.GET, path: segments, options }, { ...opts, szx: opts.blockSzx });
    const typeOf = registrationTypeOf(r);
    return responseOf(result, (x) => decodeValues(x.contentFormat, x.payload, path ?? [], typeOf));
  }

  /** Discover (GET with Accept 40): the links with typed attributes. */
  async discover(r: Lwm2mRegistration, input: Lwm2mPathInput, opts: Lwm2mOperationOptions = {}): Promise<Lwm2mResponse<DiscoveredLink[]>> {
    const { segments } = resolvePath(r, input);
    const options = [accept(ContentFormat.LINK_FORMAT), ...(opts.extraOptions ?? [])];
    const result = await fetchBlockwise(this.#host, r.peer, { method: CoapMethod.GET, path: segments, options }, opts);
    return responseOf(result, (x) => decodeDiscover(x.contentFormat, x.payload));
  }

  /** Write: PUT replace, or POST partial update with `partial`. */
  async write(r: Lwm2mRegistration, input: Lwm2mPathInput, body: Lwm2mBody, opts: Lwm2mWriteOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const { segments, path } = resolvePath(r, input);
    const { format, payload } = bodyBytes(body, path ?? []);
    const spec: CoapRequestSpec = { method: opts.partial ? CoapMethod.POST : CoapMethod.PUT, path: segments, options: [...(format === undefined ? [] : [cf(format)]), ...(opts.extraOptions ?? [])], payload };
    return this.#send(r, spec, opts.blockSzx, opts);
  }

  /** Write-Attributes: PUT with Uri-Query only (changes, or query items as written). */
  async writeAttributes(r: Lwm2mRegistration, input: Lwm2mPathInput, attributes: readonly AttributeChange[] | readonly string[], opts: Lwm2mOperationOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const { segments } = resolvePath(r, input);
    const query = attributes.every((a) => typeof a === 'string') ? (attributes as readonly string[]) : formatWriteAttributes(attributes as readonly AttributeChange[]);
    return this.#send(r, { method: CoapMethod.PUT, path: segments, query, options: opts.extraOptions ?? [] }, undefined, opts);
  }

  /** Execute (POST on a resource), with optional arguments as the payload (`0,1='x'`). */
  async execute(r: Lwm2mRegistration, input: Lwm2mPathInput, args?: string, opts: Lwm2mOperationOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const { segments } = resolvePath(r, input);
    const payload = args === undefined ? new Uint8Array(0) : new TextEncoder().encode(args);
    const options = [...(args === undefined ? [] : [cf(ContentFormat.TEXT_PLAIN)]), ...(opts.extraOptions ?? [])];
    return this.#send(r, { method: CoapMethod.POST, path: segments, options, payload }, undefined, opts);
  }

  /** Create (POST on an object); decoded: the new instance's path from the Location-Path (absent when the payload named the instance). */
  async create(r: Lwm2mRegistration, input: Lwm2mPathInput, body?: Lwm2mBody, opts: Lwm2mWriteOptions = {}): Promise<Lwm2mResponse<Lwm2mPath>> {
    const { segments, path } = resolvePath(r, input);
    const encoded = body ? bodyBytes(body, path ?? []) : { format: undefined, payload: new Uint8Array(0) };
    const spec: CoapRequestSpec = { method: CoapMethod.POST, path: segments, options: [...(encoded.format === undefined ? [] : [cf(encoded.format)]), ...(opts.extraOptions ?? [])], payload: encoded.payload };
    const result = opts.blockSzx === undefined ? await this.#host.request(r.peer, spec, opts) : await pushBlockwise(this.#host, r.peer, spec, { ...opts, szx: opts.blockSzx });
    const rootDepth = resolvePath(r, []).segments.length;
    return responseOf(result, (x) => (x.code === '2.01' ? createdPath(x.outcome, rootDepth) : undefined));
  }

  /** Delete an instance (or any path, to test refusals). */
  async delete(r: Lwm2mRegistration, input: Lwm2mPathInput, opts: Lwm2mOperationOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const { segments } = resolvePath(r, input);
    return this.#send(r, { method: CoapMethod.DELETE, path: segments, options: opts.extraOptions ?? [] }, undefined, opts);
  }

  /** Read-Composite (1.1): FETCH on the root with a SenML list of paths. */
  async readComposite(r: Lwm2mRegistration, paths: readonly Lwm2mPath[], opts: Lwm2mOperationOptions & { format?: 110 | 112; accept?: number } = {}): Promise<Lwm2mResponse<Lwm2mRecord[]>> {
    const format = opts.format ?? ContentFormat.SENML_CBOR;
    const records = compositeRequestRecords(paths);
    const payload = format === ContentFormat.SENML_JSON ? encodeSenmlJson(records) : encodeSenmlCbor(records);
    const { segments } = resolvePath(r, []);
    const options = [cf(format), accept(opts.accept ?? format), ...(opts.extraOptions ?? [])];
    const result = await fetchBlockwise(this.#host, r.peer, { method: CoapMethod.FETCH, path: segments, options, payload }, opts);
    const typeOf = registrationTypeOf(r);
    return responseOf(result, (x) => decodeValues(x.contentFormat, x.payload, [], typeOf));
  }

  /** Write-Composite (1.1): iPATCH on the root with SenML records carrying full paths. */
  async writeComposite(r: Lwm2mRegistration, body: Lwm2mBody, opts: Lwm2mWriteOptions = {}): Promise<Lwm2mResponse<undefined>> {
    const { segments } = resolvePath(r, []);
    const { format, payload } = bodyBytes(body, []);
    const spec: CoapRequestSpec = { method: CoapMethod.IPATCH, path: segments, options: [...(format === undefined ? [] : [cf(format)]), ...(opts.extraOptions ?? [])], payload };
    return this.#send(r, spec, opts.blockSzx, opts);
  }

  async #send(r: Lwm2mRegistration, spec: CoapRequestSpec, blockSzx: number | undefined, opts: CoapRequestOptions): Promise<Lwm2mResponse<undefined>> {
    const result = blockSzx === undefined ? await this.#host.request(r.peer, spec, opts) : await pushBlockwise(this.#host, r.peer, spec, { ...opts, szx: blockSzx });
    return responseOf<undefined>(result, () => undefined);
  }
}

/** The new instance from the Location-Path; undefined when there is none (the request named the instance). */
function createdPath(outcome: CoapOutcome, rootDepth: number): Lwm2mDecoded<Lwm2mPath> | undefined {
  const location = outcome.kind === 'response' ? locationPath(outcome.response) : [];
  if (location.length === 0) return undefined;
  const segments = location.slice(rootDepth);
  const parsed = parseSegments(segments);
  if (!parsed.ok || parsed.value.length !== 2) return { ok: false, error: { kind: 'undecodable', message: `Location-Path "${segments.join('/')}" is not /<object>/<instance>` } };
  return parsed;
}
