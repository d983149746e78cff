/**
 * CoAP Content-Format numbers that LwM2M uses (IANA "CoAP Content-Formats" registry).
 * @see docs/spec/lwm2m.md §3.1
 */
export const ContentFormat = {
  TEXT_PLAIN: 0,
  LINK_FORMAT: 40,
  OCTET_STREAM: 42,
  CBOR: 60,
  SENML_JSON: 110,
  SENML_CBOR: 112,
  LWM2M_TLV_LEGACY: 1542,
  LWM2M_JSON_LEGACY: 1543,
  LWM2M_TLV: 11542,
  LWM2M_JSON: 11543,
  LWM2M_CBOR: 11544,
} as const;

/** One of the Content-Format numbers above. */
export type ContentFormatNumber = (typeof ContentFormat)[keyof typeof ContentFormat];
