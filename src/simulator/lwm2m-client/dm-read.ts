/**
 * Read, Discover, Observe / cancel and Write-Attributes, answered as Zephyr's engine does:
 * Accept chooses the format (4.06 when the build lacks it), no Accept means the build's
 * hierarchical default, Discover lists links with attributes, Observe answers 2.05 with
 * Observe 0 and starts notifications, Observe 1 answers 2.05 without Observe.
 * @see docs/spec/lwm2m.md §2.5, §2.6, §3.2
 */
import { blockOption, uintOptionOrUndefined, uriQuery } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { encodeBlockValue, szxForSize, blockSize } from '../../codec/coap/values.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { AttributeStore, discoverLinks } from './attributes.ts';
import { codeOnly, content, refusal, uintOpt, type DmContext, type DmResponse } from './dm-context.ts';
import { encodeContent } from './formats.ts';
import type { ValueRecord } from './object-store.ts';

/** The format a read answers in, or the 4.06 refusal. */
export function readFormat(ctx: DmContext, request: CoapMessage): number | DmResponse {
  const accept = uintOptionOrUndefined(request, CoapOption.ACCEPT);
  if (accept === undefined || ctx.faults.has('lwm2m-ignores-accept')) return ctx.formats.defaultHierarchical;
  // A client that only looks Accept up among the LwM2M formats falls back to its default for any other (a fault).
  if (!LWM2M_FORMATS.has(accept) && ctx.faults.has('lwm2m-foreign-accept-default')) return ctx.formats.defaultHierarchical;
  return ctx.formats.read.includes(accept) ? accept : codeOnly('4.06');
}

/** Content-Formats LwM2M defines for data (docs/spec/lwm2m.md §3): text, opaque, CBOR, SenML, TLV, JSON, LwM2M CBOR, and the legacy numbers. */
const LWM2M_FORMATS: ReadonlySet<number> = new Set([0, 42, 60, 110, 112, 1541, 1542, 1543, 11542, 11543, 11544]);

/** Read (GET without Observe, Accept ≠ 40). */
export function handleRead(ctx: DmContext, request: CoapMessage, path: Lwm2mPath): DmResponse {
  const format = readFormat(ctx, request);
  if (typeof format !== 'number') return format;
  if (path.length === 4 && ctx.faults.has('lwm2m-resource-instance-read-refused')) return codeOnly('4.00');
  const records = ctx.store.read(path);
  if (!records.ok) return readRefusal(ctx, format, path, records);
  const payload = encodeContent(format, records.value, path);
  if (!payload.ok) return refusal(payload);
  return blockwise(ctx, request, readAnswer(ctx, request, path, format, records.value, payload.value));
}

/** The 2.05 of a Read, as the format faults distort it. */
function readAnswer(ctx: DmContext, request: CoapMessage, path: Lwm2mPath, format: number, records: readonly ValueRecord[], payload: Uint8Array): DmResponse {
  // Numbers and booleans in text/plain ending in a newline, as a printf("%d\n") formatter leaves them.
  const value = records[0]?.value;
  if (format === ContentFormat.TEXT_PLAIN && value !== undefined && value.type !== 'string' && ctx.faults.has('lwm2m-text-number-newline')) {
    return content(ctx, format, new Uint8Array([...payload, 0x0a]));
  }
  if (isServerDefaultMislabelled(ctx, request, path)) {
    const json = encodeContent(ContentFormat.SENML_JSON, records, path);
    if (json.ok) return content(ctx, APPLICATION_JSON, json.value);
  }
  return content(ctx, format, payload);
}

/** application/json (RFC 7159), which is no LwM2M format. */
const APPLICATION_JSON = 50;

/**
 * Under a fault a Server object instance read without Accept is answered in SenML JSON
 * labelled application/json (50): plain JSON's number, not SenML JSON's 110.
 */
function isServerDefaultMislabelled(ctx: DmContext, request: CoapMessage, path: Lwm2mPath): boolean {
  const isDefault = uintOptionOrUndefined(request, CoapOption.ACCEPT) === undefined;
  return isDefault && path.length === 2 && path[0] === 1 && ctx.faults.has('lwm2m-default-format-mislabelled');
}

/**
 * A refused Read, or under a fault the empty 2.05 of a client that skips the check: a resource
 * id the object does not define (4.04), an executable resource (4.05).
 */
function readRefusal(ctx: DmContext, format: number, path: Lwm2mPath, r: { code: string }): DmResponse {
  const isUnknownResource = r.code === '4.04' && path.length === 3 && ctx.faults.has('lwm2m-unknown-resource-empty-content') && ctx.store.resolve(path.slice(0, 2)).ok;
  const isExecutable = r.code === '4.05' && ctx.faults.has('lwm2m-read-executable-answered');
  return isUnknownResource || isExecutable ? content(ctx, format, new Uint8Array(0)) : codeOnly(r.code);
}

/** Discover (GET, Accept 40) on an object, instance or resource. */
export function handleDiscover(ctx: DmContext, path: Lwm2mPath): DmResponse {
  if (path.length === 0 || path.length > 3) return codeOnly(path.length === 0 ? '4.05' : '4.04');
  const found = ctx.store.resolve(path);
  if (!found.ok) return refusal(found);
  const attrs = ctx.faults.has('lwm2m-discover-without-attributes') ? new AttributeStore() : ctx.attributes;
  const version = ctx.announcedVersions.get(path[0]!);
  const hasDim = !ctx.faults.has('lwm2m-discover-no-dim');
  const text = discoverLinks(ctx.store, attrs, path, { ...(version === undefined ? {} : { objectVersion: version }), listResourceInstances: ctx.version === '1.1', hasDim });
  return content(ctx, ContentFormat.LINK_FORMAT, new TextEncoder().encode(text));
}

/** Observe (GET with Observe 0) or cancel (Observe 1). */
export function handleObserve(ctx: DmContext, request: CoapMessage, path: Lwm2mPath, action: number): DmResponse {
  const format = readFormat(ctx, request);
  if (typeof format !== 'number') return format;
  // An observation needs a token to be told apart; Zephyr answers 5.00 here (fault profile), Wakaama 4.00 (§1.4).
  if (action === 0 && request.token.length === 0) return codeOnly(ctx.faults.has('lwm2m-observe-empty-token-5-00') ? '5.00' : '4.00');
  const records = ctx.store.read(path);
  if (!records.ok) return refusal(records);
  const payload = encodeContent(format, records.value, path);
  if (!payload.ok) return refusal(payload);
  if (action === 1) {
    if (!ctx.faults.has('lwm2m-cancel-ignored')) ctx.observations.remove(request.token);
    return content(ctx, format, payload.value);
  }
  ctx.observations.add(request.token.slice(), path, format);
  // Under a fault the observation starts but its first 2.05 carries no Observe option.
  return content(ctx, format, payload.value, ctx.faults.has('lwm2m-observe-first-without-option') ? [] : [uintOpt(CoapOption.OBSERVE, 0)]);
}

/** Write-Attributes (PUT without Content-Format): queries set or remove attributes; 2.04. */
export function handleWriteAttributes(ctx: DmContext, request: CoapMessage, path: Lwm2mPath): DmResponse {
  if (path.length === 0) return codeOnly('4.05');
  const found = ctx.store.resolve(path.slice(0, 3));
  if (!found.ok) return refusal(found);
  // A client that checks value attributes for presence only takes gt/lt/st on any resource (a fault).
  const resource = found.value.resource !== undefined && ctx.faults.has('lwm2m-value-attributes-any-type') ? { ...found.value.resource, type: 'float' as const } : found.value.resource;
  const refused = ctx.attributes.write(path, uriQuery(request), resource);
  if (refused) return refusal(refused);
  for (const o of ctx.observations.all()) ctx.valueChanged(o.path);
  return codeOnly('2.04');
}

/**
 * Split a large 2.05 into Block2 blocks (the block the request asks for, default 0, in the
 * smaller of the asked and the configured size).
 */
export function blockwise(ctx: DmContext, request: CoapMessage, response: DmResponse): DmResponse {
  const asked = blockOption(request, CoapOption.BLOCK2);
  if (asked !== undefined && !asked.ok) return codeOnly('4.02');
  const own = szxForSize(ctx.blockSizeBytes) ?? 6;
  const szx = Math.min(own, asked?.value.szx ?? own);
  const size = blockSize(szx);
  const num = asked?.value.num ?? 0;
  if (asked === undefined && response.payload.length <= ctx.blockSizeBytes) return response;
  const start = num * size;
  if (start >= response.payload.length && !(start === 0 && response.payload.length === 0)) return codeOnly('4.02');
  const more = start + size < response.payload.length;
  return {
    code: response.code,
    options: [...response.options, { number: CoapOption.BLOCK2, value: encodeBlockValue({ num, more, szx }) }],
    payload: response.payload.subarray(start, start + size),
  };
}
