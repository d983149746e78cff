/**
 * A device-management answer as a suite judges it: the raw exchange (code, options, payload
 * bytes, Content-Format), block-wise notes, and a typed decode of the payload by its
 * Content-Format — decode problems are values, so a malformed client payload is evidence,
 * not an exception.
 * @see docs/spec/lwm2m.md §2.5, §3, §5
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { CoapOptionValue } from '../../codec/coap/message.ts';
import { decodeContent } from '../../codec/lwm2m/content.ts';
import { parseLinkFormat, type CoreLink } from '../../codec/lwm2m/link-format.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { discoverAttributes, type DiscoverAttributes } from '../../codec/lwm2m/registration.ts';
import type { Lwm2mFormatFailure, Lwm2mRecord, ResourceTypeOf } from '../../codec/lwm2m/types.ts';
import type { BlockwiseResult } from '../coap/blockwise.ts';
import type { CoapOutcome } from '../coap/types.ts';

/** Why a payload could not be read as what the operation expects. */
export interface Lwm2mPayloadProblem {
  kind: 'no-content-format' | 'unexpected-format' | 'undecodable' | 'incomplete-transfer';
  message: string;
  /** The content decoder's failure, when one ran. */
  failure?: Lwm2mFormatFailure;
}

/** A typed payload, or the problem with it. */
export type Lwm2mDecoded<T> = { ok: true; value: T } | { ok: false; error: Lwm2mPayloadProblem };

/** The answer to one device-management operation. */
export interface Lwm2mResponse<T> {
  /** The last exchange (the final block of a block-wise transfer). */
  outcome: CoapOutcome;
  /** Every exchange of the operation (several for block-wise transfers). */
  exchanges: CoapOutcome[];
  /** Response code; undefined when the client answered with RST. */
  code: string | undefined;
  /** Options of the (last) response. */
  options: readonly CoapOptionValue[];
  /** Content-Format of the response, when it has one. */
  contentFormat: number | undefined;
  /** The payload (assembled across Block2 blocks). */
  payload: Uint8Array;
  /** Typed payload for a 2.xx answer that carries one; undefined otherwise. */
  decoded: Lwm2mDecoded<T> | undefined;
  /** Rule breaks in the response (token echo …) and block-wise notes. */
  notes: string[];
}

/** One Discover link with typed attributes. */
export interface DiscoveredLink {
  link: CoreLink;
  path: Lwm2mPath | undefined;
  attributes: DiscoverAttributes;
}

const problem = (kind: Lwm2mPayloadProblem['kind'], message: string, failure?: Lwm2mFormatFailure): { ok: false; error: Lwm2mPayloadProblem } => ({ ok: false, error: failure ? { kind, message, failure } : { kind, message } });

/** Build the response view of a single exchange or a block-wise transfer. */
export function responseOf<T>(result: CoapOutcome | BlockwiseResult, decode: (r: Omit<Lwm2mResponse<T>, 'decoded'>) => Lwm2mDecoded<T> | undefined): Lwm2mResponse<T> {
  const single = 'kind' in result;
  const outcome = single ? result : result.final;
  const exchanges = single ? [result] : result.exchanges;
  const notes = [...(outcome.kind === 'response' ? outcome.problems : []), ...(single ? [] : result.notes)];
  const base = outcome.kind === 'response'
    ? { outcome, exchanges, code: outcome.response.code, options: outcome.response.options, contentFormat: uintOptionOrUndefined(outcome.response, CoapOption.CONTENT_FORMAT), payload: single ? outcome.response.payload : result.body, notes }
    : { outcome, exchanges, code: undefined, options: [], contentFormat: undefined, payload: new Uint8Array(0), notes };
  if (!single && !result.complete && base.code?.startsWith('2.')) return { ...base, decoded: problem('incomplete-transfer', `block-wise transfer did not complete: ${result.notes.join('; ')}`) };
  return { ...base, decoded: base.code?.startsWith('2.') ? decode(base) : undefined };
}

/** Decode LwM2M values by the response's Content-Format. */
export function decodeValues(contentFormat: number | undefined, payload: Uint8Array, path: Lwm2mPath, typeOf: ResourceTypeOf): Lwm2mDecoded<Lwm2mRecord[]> {
  if (contentFormat === undefined) return problem('no-content-format', payload.length === 0 ? 'response carries neither a payload nor a Content-Format' : 'response carries a payload but no Content-Format');
  const decoded = decodeContent(contentFormat, payload, path, typeOf);
  if (decoded.ok) return decoded;
  return problem('undecodable', `${contentFormat} payload: ${decoded.error.message}`, decoded.error);
}

/** Decode a Discover answer (link format, Content-Format 40). */
export function decodeDiscover(contentFormat: number | undefined, payload: Uint8Array): Lwm2mDecoded<DiscoveredLink[]> {
  if (contentFormat === undefined) return problem('no-content-format', 'Discover answer carries no Content-Format');
  if (contentFormat !== ContentFormat.LINK_FORMAT) return problem('unexpected-format', `Discover answered in Content-Format ${contentFormat}, not 40`);
  const parsed = parseLinkFormat(new TextDecoder().decode(payload));
  if (parsed.findings.length > 0) return problem('undecodable', parsed.findings.map((f) => `at ${f.at}: ${f.message}`).join('; '));
  return { ok: true, value: parsed.links.map((link) => ({ link, path: link.path, attributes: discoverAttributes(link) })) };
}
