/**
 * Serving large response bodies block-wise (RFC 7959 §2.2-2.4): a handler answers with the
 * whole representation and the endpoint hands out the block the request asks for, in the
 * smaller of the requested SZX and its own (early and late negotiation), with an ETag derived
 * from the body (stable while the body is), Size2 when the request carries Size2, and 4.02 for
 * a block past the end of the body. Handlers are run again for every block, so a static body
 * costs nothing to keep and a changing one is told apart by its ETag.
 * @see docs/spec/lwm2m.md §1.8 (Block2), §5 (block beyond the end: 4.02)
 */
import { createHash } from 'node:crypto';
import { blockOption, optionValue } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { blockSize, encodeBlockValue, encodeUintValue } from '../../codec/coap/values.ts';
import type { CoapOptionValue } from '../../codec/coap/message.ts';
import type { CoapIncomingRequest, CoapRequestHandler, CoapResponseSpec } from './router.ts';

/** Largest SZX on UDP (1024-byte blocks); 7 is reserved (RFC 7959 §2.2). */
export const MAX_UDP_SZX = 6;

const etags = new WeakMap<Uint8Array, Uint8Array>();

/** An 8-byte entity tag of a body: the same bytes give the same tag (cached per body array). */
export function bodyEtag(body: Uint8Array): Uint8Array {
  const known = etags.get(body);
  if (known) return known;
  const tag = new Uint8Array(createHash('sha256').update(body).digest().subarray(0, 8));
  etags.set(body, tag);
  return tag;
}

const diagnostic = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * The block of `response` that `request` asks for. Responses that are not 2.xx, or that fit in
 * one block when no Block2 was asked for, pass unchanged. `maxSzx` is the server's own limit.
 */
export function serveBlock(request: Pick<CoapIncomingRequest, 'message'>, response: CoapResponseSpec, maxSzx: number): CoapResponseSpec {
  const body = response.payload ?? new Uint8Array(0);
  if (!response.code.startsWith('2.')) return response;
  const asked = blockOption(request.message, CoapOption.BLOCK2);
  // A malformed critical option (Block2 is critical) is refused with 4.02 (RFC 7252 §5.4.1).
  if (asked && !asked.ok) return { code: '4.02', payload: diagnostic(asked.error) };
  if (!asked && body.length <= blockSize(maxSzx)) return response;
  const szx = Math.min(maxSzx, asked?.value.szx ?? maxSzx);
  // Late negotiation: NUM counts in the requested size; a smaller served size scales it (§2.4).
  const offset = (asked?.value.num ?? 0) * blockSize(asked?.value.szx ?? szx);
  if (offset > 0 && offset >= body.length) return { code: '4.02', payload: diagnostic(`block at byte ${offset} is beyond the ${body.length}-byte body`) };
  const size = blockSize(szx);
  const more = offset + size < body.length;
  const own = (response.options ?? []).filter((o) => o.number !== CoapOption.BLOCK2 && o.number !== CoapOption.SIZE2);
  const options: CoapOptionValue[] = [...own, { number: CoapOption.BLOCK2, value: encodeBlockValue({ num: offset / size, more, szx }) }];
  if (!own.some((o) => o.number === CoapOption.ETAG)) options.push({ number: CoapOption.ETAG, value: bodyEtag(body) });
  if (optionValue(request.message, CoapOption.SIZE2) !== undefined) options.push({ number: CoapOption.SIZE2, value: encodeUintValue(body.length) });
  return { ...response, options, payload: body.subarray(offset, offset + size) };
}

/** Wrap a handler so its large answers are served block-wise. */
export function withBlock2(handler: CoapRequestHandler, maxSzx: () => number): CoapRequestHandler {
  // A handler that answers at once is served at once: no promise turn, so the ACK carries it without waiting.
  return (request) => {
    const answer = handler(request);
    return answer instanceof Promise ? answer.then((spec) => serveBlock(request, spec, maxSzx())) : serveBlock(request, answer, maxSzx());
  };
}

/** A body served by `resourceHandler`. */
export interface ServedBody {
  body: Uint8Array;
  contentFormat?: number;
}

/**
 * A GET handler answering 2.05 with `served.body` at exactly `path` (deeper paths 4.04);
 * `served` is read on every request, so replacing its body changes the representation.
 */
export function resourceHandler(path: readonly string[], served: ServedBody, onRequest?: (request: CoapIncomingRequest) => void): CoapRequestHandler {
  return (request) => {
    if (request.path.length !== path.length) return { code: '4.04' };
    onRequest?.(request);
    const options = served.contentFormat === undefined ? [] : [{ number: CoapOption.CONTENT_FORMAT, value: encodeUintValue(served.contentFormat) }];
    return { code: '2.05', options, payload: served.body };
  };
}
