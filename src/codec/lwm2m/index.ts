/**
 * Public names of the LwM2M codec: paths, link format and registration meaning, every content
 * format (TLV, SenML JSON/CBOR, LwM2M CBOR/JSON, CBOR, text/plain, opaque), object definitions,
 * and fast-check arbitraries.
 * @see docs/spec/lwm2m.md
 */
export * from './types.ts';
export * from './path.ts';
export * from './link-format.ts';
export * from './registration.ts';
export * from './attributes.ts';
export * from './tlv.ts';
export * from './tlv-values.ts';
export * from './tlv-encode.ts';
export * from './text.ts';
export * from './senml.ts';
export * from './senml-json.ts';
export * from './senml-cbor.ts';
export * from './lwm2m-cbor.ts';
export * from './lwm2m-json.ts';
export * from './content.ts';
export * from './definitions/model.ts';
export * from './definitions/lookup.ts';
export { CORE_OBJECTS } from './definitions/core-objects.ts';
export { IPSO_OBJECTS } from './definitions/ipso-objects.ts';
export * from './arbitraries.ts';
export { ContentFormat, type ContentFormatNumber } from '../coap/content-format.ts';
