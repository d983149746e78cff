/**
 * LwM2M 1.1 composite operations: Read-Composite (FETCH, SenML list of paths; paths that do
 * not exist are left out), Observe-Composite (FETCH with Observe), Write-Composite (iPATCH,
 * SenML values, all or nothing). Only SenML JSON and SenML CBOR carry them.
 * @see docs/spec/lwm2m.md §2.5 (Read-/Write-Composite), §2.6, ETS int-229/230/236/281/304
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { decodeSenmlCbor, encodeSenmlCbor } from '../../codec/lwm2m/senml-cbor.ts';
import { decodeSenmlJson, encodeSenmlJson } from '../../codec/lwm2m/senml-json.ts';
import { lwm2mToSenml, resolveSenml, senmlToLwm2m } from '../../codec/lwm2m/senml.ts';
import { codeOnly, content, refusal, typeAt, uintOpt, type DmContext, type DmResponse } from './dm-context.ts';
import { handleWrite } from './dm-write.ts';
import { refuse, type ModelResult, type ValueRecord } from './object-store.ts';

const SENML_FORMATS: readonly number[] = [ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR];

function senmlRecords(format: number, payload: Uint8Array) {
  return format === ContentFormat.SENML_JSON ? decodeSenmlJson(payload) : decodeSenmlCbor(payload);
}

/** Paths named by a composite request body. */
function requestedPaths(request: CoapMessage): ModelResult<{ paths: Lwm2mPath[]; format: number }> {
  const format = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT);
  if (format === undefined || !SENML_FORMATS.includes(format)) return refuse('4.15', 'composite requests need SenML JSON or CBOR');
  const decoded = senmlRecords(format, request.payload);
  if (!decoded.ok) return refuse('4.00', decoded.error.message);
  const resolved = resolveSenml(decoded.value);
  if (!resolved.ok) return refuse('4.00', resolved.error.message);
  return { ok: true, value: { paths: resolved.value.map((r) => r.path), format } };
}

/** Values of every readable path that exists (unknown ones are left out). */
export function compositeRecords(ctx: DmContext, paths: readonly Lwm2mPath[]): ValueRecord[] {
  const out: ValueRecord[] = [];
  for (const path of paths) {
    const read = path.length === 0 ? readRoot(ctx) : ctx.store.read(path);
    if (read.ok) out.push(...read.value);
  }
  return out;
}

function readRoot(ctx: DmContext): ModelResult<ValueRecord[]> {
  const all: ValueRecord[] = [];
  for (const object of ctx.store.objects()) {
    if (object.def.id === 0) continue;
    const r = ctx.store.read([object.def.id]);
    if (r.ok) all.push(...r.value);
  }
  return { ok: true, value: all };
}

/** Encode records as a SenML composite payload (full names). */
export function encodeComposite(format: number, records: readonly ValueRecord[]): Uint8Array {
  const senml = lwm2mToSenml(records);
  return format === ContentFormat.SENML_JSON ? encodeSenmlJson(senml) : encodeSenmlCbor(senml);
}

/** Read-Composite, or Observe-Composite when `observe` is 0 (1 cancels). */
export function handleFetch(ctx: DmContext, request: CoapMessage, observe: number | undefined): DmResponse {
  if (ctx.version === '1.0') return codeOnly('4.05');
  const asked = requestedPaths(request);
  if (!asked.ok) return refusal(asked);
  const accept = uintOptionOrUndefined(request, CoapOption.ACCEPT) ?? asked.value.format;
  if (!SENML_FORMATS.includes(accept)) return codeOnly('4.06');
  const paths = asked.value.paths;
  // A reader that refuses the whole request when one path is absent, instead of leaving it out (a fault).
  if (observe === undefined && ctx.faults.has('lwm2m-composite-read-absent-refused') && paths.some((p) => p.length > 0 && !ctx.store.resolve(p.slice(0, 3)).ok)) return codeOnly('4.04');
  // A reader that walks the first path's object only (a fault).
  const walked = observe === undefined && ctx.faults.has('lwm2m-composite-read-first-object-only') ? paths.filter((p) => p[0] === paths[0]?.[0]) : paths;
  const payload = encodeComposite(accept, compositeRecords(ctx, walked));
  if (observe === 1) {
    ctx.observations.remove(request.token);
    return content(ctx, accept, payload);
  }
  if (observe === 0) {
    ctx.observations.add(request.token.slice(), [], accept, asked.value.paths);
    return content(ctx, accept, payload, [uintOpt(CoapOption.OBSERVE, 0)]);
  }
  return content(ctx, accept, payload);
}

/** Write-Composite (iPATCH): every record is checked first; one refusal changes nothing. */
export function handleIpatch(ctx: DmContext, request: CoapMessage): DmResponse {
  if (ctx.version === '1.0') return codeOnly('4.05');
  const format = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT);
  if (format === undefined || !SENML_FORMATS.includes(format)) return codeOnly('4.15');
  const decoded = senmlRecords(format, request.payload);
  if (!decoded.ok) return codeOnly('4.00');
  const records = senmlToLwm2m(decoded.value, (p) => typeAt(ctx.store, p));
  if (!records.ok) return codeOnly('4.00');
  for (const r of records.value) {
    const found = ctx.store.resolve(r.path.slice(0, 3));
    if (!found.ok) return refusal(found);
  }
  // Group by resource so each goes through the ordinary write checks; undo on refusal is not
  // needed because the checks in handleWrite run before it changes anything, resource by resource.
  const byResource = new Map<string, ValueRecord[]>();
  for (const r of records.value) byResource.set(r.path.slice(0, 3).join('/'), [...(byResource.get(r.path.slice(0, 3).join('/')) ?? []), r]);
  for (const group of byResource.values()) {
    const check = ctx.store.resolve(group[0]!.path.slice(0, 3));
    if (check.ok && check.value.resource !== undefined && !['W', 'RW'].includes(check.value.resource.operations)) return codeOnly('4.05');
  }
  // A writer that stops after the first resource but still answers 2.04 (a fault).
  const groups = ctx.faults.has('lwm2m-composite-write-first-only') ? [...byResource.values()].slice(0, 1) : [...byResource.values()];
  for (const group of groups) {
    const path = group[0]!.path.slice(0, 3);
    const body = encodeSenmlCbor(lwm2mToSenml(group));
    const one = handleWrite(ctx, { ...request, code: '0.03', options: [uintOpt(CoapOption.CONTENT_FORMAT, ContentFormat.SENML_CBOR)], payload: body }, path, body, false);
    if (one.code !== '2.04') return one;
  }
  return codeOnly('2.04');
}
