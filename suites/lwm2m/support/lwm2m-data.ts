/**
 * What the LwM2M suites share: the object versions a registration announced, which formats a
 * client answers (from its capabilities), value builders, and restoring a resource a case changed.
 * @see docs/spec/lwm2m.md §2.4, §3.1, §3.2
 */
import { ContentFormat } from '../../../src/codec/coap/content-format.ts';
import type { Lwm2mValue } from '../../../src/codec/lwm2m/types.ts';
import type { CaseContext } from '../../../src/conformance/index.ts';

/** The LwM2M side of a case (target's server, endpoint, registration). */
export type Lwm2mSide = CaseContext['lwm2m'];

/** A registration as the server keeps it. */
export type Registration = ReturnType<Lwm2mSide['registration']>;

/** Object id → announced object version (`ver=`). */
export function announcedVersions(r: Registration): Map<number, string> {
  const out = new Map<number, string>();
  for (const o of r.content.objects) if (o.version !== undefined) out.set(o.objectId, o.version);
  return out;
}

/** True when the registration says LwM2M 1.1 or later. */
export function isV11(r: Registration): boolean {
  return r.lwm2mVersion !== undefined && r.lwm2mVersion !== '1.0';
}

/** Hierarchical formats by the capability that says a client answers them. */
export const HIERARCHICAL_FORMATS = [
  { format: ContentFormat.LWM2M_TLV, capability: 'lwm2m.fmt.tlv', name: 'OMA-TLV' },
  { format: ContentFormat.SENML_JSON, capability: 'lwm2m.fmt.senml-json', name: 'SenML JSON' },
  { format: ContentFormat.SENML_CBOR, capability: 'lwm2m.fmt.senml-cbor', name: 'SenML CBOR' },
  { format: ContentFormat.LWM2M_CBOR, capability: 'lwm2m.fmt.lwm2m-cbor', name: 'LwM2M CBOR' },
] as const;

/** Hierarchical formats this client answers. */
export function answeredHierarchical(ctx: CaseContext): (typeof HIERARCHICAL_FORMATS)[number][] {
  return HIERARCHICAL_FORMATS.filter((f) => ctx.session.capability(f.capability).present);
}

/** Value builders. */
export const v = {
  int: (n: number | bigint): Lwm2mValue => ({ type: 'integer', value: BigInt(n) }),
  str: (s: string): Lwm2mValue => ({ type: 'string', value: s }),
  bool: (b: boolean): Lwm2mValue => ({ type: 'boolean', value: b }),
};

/** UTF-8 bytes of a text. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Wait. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Restore an integer resource written as text/plain (best effort: the case's verdict is already made). */
export async function restoreText(side: Lwm2mSide, path: string, text: string): Promise<void> {
  await side.server.write(side.endpoint, path, { format: ContentFormat.TEXT_PLAIN, payload: utf8(text) }).catch(() => undefined);
}

/** The endpoint's interface messages (Register/Update/De-register) as the server recorded them. */
export function historyOf(side: Lwm2mSide, kind?: string): Lwm2mSide['server']['history'][number][] {
  return side.server.history.filter((h) => h.endpoint === side.endpoint && (kind === undefined || h.kind === kind));
}
