/**
 * Reading and building option lists: Uri-Path segments, Uri-Query parameters, Location-Path,
 * uint options and the typed Block/Observe options of a decoded message.
 * @see docs/spec/lwm2m.md §1.5, §2.1
 */
import type { Result } from '../../core/result.ts';
import type { CoapMessage, CoapOptionValue } from './message.ts';
import { CoapOption } from './options.ts';
import { decodeBlockValue, decodeObserveValue, decodeStringValue, decodeUintValue, encodeStringValue, encodeUintValue, type BlockValue } from './values.ts';

/** First value of an option, or undefined. */
export function optionValue(m: Pick<CoapMessage, 'options'>, number: number): Uint8Array | undefined {
  for (const o of m.options) if (o.number === number) return o.value;
  return undefined;
}

/** Every value of a (repeatable) option, in order. */
export function optionValues(m: Pick<CoapMessage, 'options'>, number: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const o of m.options) if (o.number === number) out.push(o.value);
  return out;
}

/** The uint value of an option: undefined when absent, an error text when longer than 4 bytes. */
export function uintOption(m: Pick<CoapMessage, 'options'>, number: number): Result<number, string> | undefined {
  const v = optionValue(m, number);
  return v === undefined ? undefined : decodeUintValue(v);
}

/** The uint value of an option when present and well-formed, else undefined. */
export function uintOptionOrUndefined(m: Pick<CoapMessage, 'options'>, number: number): number | undefined {
  const r = uintOption(m, number);
  return r?.ok ? r.value : undefined;
}

/** Uri-Path segments (`['rd', '5a3f']`). */
export function uriPath(m: Pick<CoapMessage, 'options'>): string[] {
  return optionValues(m, CoapOption.URI_PATH).map(decodeStringValue);
}

/** Location-Path segments. */
export function locationPath(m: Pick<CoapMessage, 'options'>): string[] {
  return optionValues(m, CoapOption.LOCATION_PATH).map(decodeStringValue);
}

/** Uri-Query items as written (`['ep=node1', 'lt=300', 'b=U']`). */
export function uriQuery(m: Pick<CoapMessage, 'options'>): string[] {
  return optionValues(m, CoapOption.URI_QUERY).map(decodeStringValue);
}

/**
 * Uri-Query as parameters: `key=value` → [key, value]; an item without `=` → [item, undefined]
 * (LwM2M flags such as `Q` in 1.0). Repeated keys stay in order.
 */
export function uriQueryParams(m: Pick<CoapMessage, 'options'>): [string, string | undefined][] {
  return uriQuery(m).map((item) => {
    const eq = item.indexOf('=');
    return eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
  });
}

/** `/rd/5a3f` or `rd/5a3f` → Uri-Path options; `/` or empty → none. */
export function uriPathOptions(path: string): CoapOptionValue[] {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return [];
  return trimmed.split('/').map((s) => ({ number: CoapOption.URI_PATH, value: encodeStringValue(s) }));
}

/** Location-Path options of segments. */
export function locationPathOptions(segments: readonly string[]): CoapOptionValue[] {
  return segments.map((s) => ({ number: CoapOption.LOCATION_PATH, value: encodeStringValue(s) }));
}

/** Uri-Query options of items (`'ep=node1'`) or of [key, value] pairs. */
export function uriQueryOptions(items: readonly (string | readonly [string, string | undefined])[]): CoapOptionValue[] {
  return items.map((item) => {
    const text = typeof item === 'string' ? item : item[1] === undefined ? item[0] : `${item[0]}=${item[1]}`;
    return { number: CoapOption.URI_QUERY, value: encodeStringValue(text) };
  });
}

/** A uint option with its minimal encoding. */
export function uintOptionValue(number: number, value: number): CoapOptionValue {
  return { number, value: encodeUintValue(value) };
}

/** The Block1 or Block2 option: undefined when absent, an error text when malformed. */
export function blockOption(m: Pick<CoapMessage, 'options'>, number: typeof CoapOption.BLOCK1 | typeof CoapOption.BLOCK2): Result<BlockValue, string> | undefined {
  const v = optionValue(m, number);
  return v === undefined ? undefined : decodeBlockValue(v);
}

/** The Observe option: undefined when absent, an error text when longer than 3 bytes. */
export function observeOption(m: Pick<CoapMessage, 'options'>): Result<number, string> | undefined {
  const v = optionValue(m, CoapOption.OBSERVE);
  return v === undefined ? undefined : decodeObserveValue(v);
}
