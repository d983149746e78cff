/**
 * The Send operation (LwM2M 1.1, POST /dp) as a server answers it: 2.04 for SenML values from a
 * registered client, 4.00 from an unregistered peer or with a payload that does not decode,
 * 4.15 for a Content-Format other than SenML JSON/CBOR (Leshan's rules).
 * @see docs/spec/lwm2m.md §2.7
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { decodeContent } from '../../codec/lwm2m/content.ts';
import { definitionTypeOf } from '../../codec/lwm2m/definitions/lookup.ts';
import type { CoapIncomingRequest } from '../coap/router.ts';
import { registrationTypeOf } from './dm-target.ts';
import type { Lwm2mRegistration, Lwm2mSendReport } from './registration-types.ts';

/** Judge one Send request; the report holds the answer code. */
export function judgeSend(request: CoapIncomingRequest, registration: Lwm2mRegistration | undefined): Lwm2mSendReport {
  const contentFormat = uintOptionOrUndefined(request.message, CoapOption.CONTENT_FORMAT);
  const base = { endpoint: registration?.endpoint, peer: request.peer, atMs: Date.now(), atNs: request.atNs, message: request.message, contentFormat };
  const typeOf = registration ? registrationTypeOf(registration) : definitionTypeOf();
  const isSenml = contentFormat === ContentFormat.SENML_JSON || contentFormat === ContentFormat.SENML_CBOR;
  const decoded = isSenml ? decodeContent(contentFormat, request.message.payload, [], typeOf) : undefined;
  const records: Lwm2mSendReport['records'] = decoded === undefined
    ? { ok: false, error: `Content-Format ${contentFormat ?? 'absent'} is not SenML JSON (110) or SenML CBOR (112)` }
    : decoded.ok ? decoded : { ok: false, error: decoded.error.message };
  const answered = !isSenml ? '4.15' : !registration || !records.ok ? '4.00' : '2.04';
  return { ...base, records, answered };
}
