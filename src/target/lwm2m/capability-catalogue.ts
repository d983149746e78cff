/**
 * LwM2M capability names the driver decides from a registration (and a few harmless reads), for
 * cases' `requires` and targets.json `capabilities`.
 * @see docs/spec/lwm2m.md §2.4 (registration), §3 (content formats), §2.5 (composite), §2.7 (Send)
 */
import { ContentFormat } from '../../codec/coap/content-format.ts';

/** One fixed capability name (objects are `lwm2m.obj.<id>`, see `LWM2M_OBJECT_CAPABILITY`). */
export interface Lwm2mCapabilityDef {
  name: string;
  description: string;
}

/** A value format and the Content-Format numbers that carry it. */
export interface Lwm2mFormatDef {
  name: string;
  /** The number a probe asks for with Accept. */
  accept: number;
  /** Numbers that announce it in `ct=` (TLV has a legacy pre-IANA number). */
  announcedAs: readonly number[];
  /** Probed on a single resource (text, opaque) rather than on /3/0. */
  singleValue: boolean;
}

/** The value formats, in probe order. */
export const LWM2M_FORMATS: readonly Lwm2mFormatDef[] = [
  { name: 'lwm2m.fmt.tlv', accept: ContentFormat.LWM2M_TLV, announcedAs: [ContentFormat.LWM2M_TLV, ContentFormat.LWM2M_TLV_LEGACY], singleValue: false },
  { name: 'lwm2m.fmt.senml-json', accept: ContentFormat.SENML_JSON, announcedAs: [ContentFormat.SENML_JSON], singleValue: false },
  { name: 'lwm2m.fmt.senml-cbor', accept: ContentFormat.SENML_CBOR, announcedAs: [ContentFormat.SENML_CBOR], singleValue: false },
  { name: 'lwm2m.fmt.lwm2m-cbor', accept: ContentFormat.LWM2M_CBOR, announcedAs: [ContentFormat.LWM2M_CBOR], singleValue: false },
  { name: 'lwm2m.fmt.text', accept: ContentFormat.TEXT_PLAIN, announcedAs: [ContentFormat.TEXT_PLAIN], singleValue: true },
  { name: 'lwm2m.fmt.opaque', accept: ContentFormat.OCTET_STREAM, announcedAs: [ContentFormat.OCTET_STREAM], singleValue: true },
];

/** Pattern of the per-object names, as targets.json's check lists it. */
export const LWM2M_OBJECT_CAPABILITY = 'lwm2m.obj.<id>';

/** Every fixed LwM2M capability. */
export const LWM2M_CAPABILITIES: readonly Lwm2mCapabilityDef[] = [
  { name: 'lwm2m', description: 'the endpoint registered with the harness' },
  { name: 'lwm2m.v1.1', description: 'registered with lwm2m= 1.1 or later' },
  { name: 'lwm2m.fmt.tlv', description: 'answers reads in LwM2M TLV (11542)' },
  { name: 'lwm2m.fmt.senml-json', description: 'answers reads in SenML JSON (110)' },
  { name: 'lwm2m.fmt.senml-cbor', description: 'answers reads in SenML CBOR (112)' },
  { name: 'lwm2m.fmt.lwm2m-cbor', description: 'answers reads in LwM2M CBOR (11544)' },
  { name: 'lwm2m.fmt.text', description: 'answers single-resource reads in plain text (0)' },
  { name: 'lwm2m.fmt.opaque', description: 'answers opaque-resource reads as application/octet-stream (42)' },
  { name: 'lwm2m.composite', description: 'answers Read-Composite (FETCH, 1.1)' },
  { name: 'lwm2m.send', description: 'sends data with the Send operation (POST /dp, 1.1)' },
  { name: 'lwm2m.bootstrap', description: 'started from the harness as Bootstrap-Server (targets.json lwm2m.bootstrap) and asked for bootstrap' },
];

/** Fixed names plus the object pattern (for targets.json's capability check). */
export const LWM2M_CAPABILITY_NAMES: readonly string[] = [...LWM2M_CAPABILITIES.map((c) => c.name), LWM2M_OBJECT_CAPABILITY];

/** `lwm2m.obj.<id>` for an object id. */
export function objectCapability(objectId: number): string {
  return `lwm2m.obj.${objectId}`;
}

/** True for a name this catalogue defines (fixed or `lwm2m.obj.<decimal id>`). */
export function isLwm2mCapabilityName(name: string): boolean {
  return LWM2M_CAPABILITIES.some((c) => c.name === name) || /^lwm2m\.obj\.(0|[1-9]\d{0,4})$/.test(name);
}
