/**
 * Zephyr's SMP request loop over one received buffer: several requests per buffer, header
 * checks, handler lookup, error forms, response header rules, buffer-size limit.
 * @see docs/spec/smp.md §1.3–1.5, §2.3, §6.1
 */
import { concatBytes } from '../core/bytes.ts';
import { encodeCborIndefinite } from '../codec/cbor/writer.ts';
import { MgmtErr, SMP_HEADER_BYTES, SmpOp } from '../codec/smp/constants.ts';
import { decodeSmpHeader, encodeSmpHeader, responseOpFor, responseVersionFor, type SmpHeader } from '../codec/smp/header.ts';
import type { SimDevice } from './device.ts';
import { bombBody } from './hostile-faults.ts';
import { duplicateKeyBody, lookupOp, pickHandler, refusedBody, refusesReservedVersion, rememberResponses, replayedResponses, replyHeaderFaults, shortBufferAnswer, stopsAfterFirst } from './dispatch-faults.ts';
import { findGroup } from './groups/registry.ts';
import { isWellFormedMap } from './request.ts';
import type { HandlerResult, RspMap } from './types.ts';
import { translateToV1 } from './v1-translation.ts';

/** What one buffer produced: the response packets, and whether a request was malformed CBOR. */
export interface DispatchOutcome {
  responses: Uint8Array[];
  hadMalformedBody: boolean;
}

/**
 * Process one received SMP buffer the way `smp_process_request_packet` does. Without a free
 * response buffer, a request with a real op is answered `{rc: 2}` from its own buffer.
 */
export function dispatchBuffer(device: SimDevice, buffer: Uint8Array, options: { hasResponseBuffer?: boolean } = {}): DispatchOutcome {
  const outcome: DispatchOutcome = { responses: [], hadMalformedBody: false };
  const short = shortBufferAnswer(device, buffer);
  if (short !== undefined) return { responses: [short], hadMalformedBody: false };
  const replayed = replayedResponses(device, buffer);
  if (replayed !== undefined) return { responses: replayed, hadMalformedBody: false };
  let rest = buffer;
  // Fewer than 8 bytes: no header was parsed, so nothing is answered.
  while (rest.length >= SMP_HEADER_BYTES) {
    const parsed = decodeSmpHeader(rest);
    if (!parsed.ok) break;
    const header = parsed.value;
    const payload = rest.subarray(SMP_HEADER_BYTES);
    device.counters.requests++;
    const result = handleOne(device, header, payload, outcome, options.hasResponseBuffer ?? true);
    if (result.kind === 'silent') break;
    outcome.responses.push(buildResponse(device, header, result));
    const isError = result.kind === 'rc' || (result.kind === 'group' && !isV2ErrorForm(device, header));
    if (isError && !device.faults.has('continue-after-error')) break;
    if (payload.length < header.length || stopsAfterFirst(device)) break;
    rest = payload.subarray(header.length);
  }
  rememberResponses(device, buffer, outcome.responses);
  return outcome;
}

function handleOne(device: SimDevice, header: SmpHeader, payload: Uint8Array, outcome: DispatchOutcome, hasResponseBuffer: boolean): HandlerResult {
  if (payload.length < header.length) {
    return device.faults.has('silent-on-bad-length') ? { kind: 'silent' } : { kind: 'rc', rc: MgmtErr.ECORRUPT };
  }
  // Zephyr checks the op before the version: op 5 with version bits 11 → rc 8, not 13.
  const op = lookupOp(device, header.op);
  if (op !== SmpOp.READ && op !== SmpOp.WRITE) return { kind: 'rc', rc: MgmtErr.ENOTSUP };
  if (!hasResponseBuffer) {
    if (!isWellFormedMap(payload)) outcome.hadMalformedBody = true;
    return { kind: 'rc', rc: MgmtErr.ENOMEM };
  }
  if (device.options.errorForm === 'v2' && header.version > 1 && refusesReservedVersion(device)) return { kind: 'rc', rc: MgmtErr.UNSUPPORTED_TOO_NEW };
  const group = findGroup(header.group);
  if (group === undefined) {
    return device.faults.has('unknown-group-ok') ? { kind: 'ok', body: {} } : { kind: 'rc', rc: MgmtErr.ENOTSUP };
  }
  const handler = pickHandler(device, group.commands.get(header.id), op);
  if (handler === undefined) return { kind: 'rc', rc: MgmtErr.ENOTSUP };
  const result = refusedBody(device, header, payload) ?? handler(device, { header, payload });
  if (result.kind === 'rc' && result.rc === MgmtErr.EINVAL && !isWellFormedMap(payload)) outcome.hadMalformedBody = true;
  return result;
}

/** True when group errors go out as `err{group,rc}` for this request. */
function isV2ErrorForm(device: SimDevice, header: SmpHeader): boolean {
  return device.options.errorForm === 'v2' && header.version >= 1 && !device.faults.has('v1-errors-under-v2');
}

function responseBody(device: SimDevice, header: SmpHeader, result: HandlerResult): RspMap {
  switch (result.kind) {
    case 'ok':
      return result.body;
    case 'rc':
      return result.rsn === undefined ? { rc: result.rc } : { rc: result.rc, rsn: result.rsn };
    case 'group':
      if (isV2ErrorForm(device, header)) return { err: { group: result.taggedGroup ?? header.group, rc: result.rc }, ...result.extra };
      return { rc: translateToV1(header.group, result.rc) };
    case 'silent':
      return {};
  }
}

/** Header rules of `smp_make_rsp_hdr`, then the buffer-size check (too big → rc 7). */
export function buildResponse(device: SimDevice, request: SmpHeader, result: HandlerResult): Uint8Array {
  let payload = duplicateKeyBody(device, request, result) ?? bombBody(device, request, result) ?? encodeCborIndefinite(responseBody(device, request, result));
  if (SMP_HEADER_BYTES + payload.length > device.options.bufSize && !device.faults.has('no-emsgsize')) {
    payload = encodeCborIndefinite({ rc: MgmtErr.EMSGSIZE });
  }
  const normal = {
    op: device.faults.has('wrong-response-op') ? request.op : responseOpFor(request.op),
    version: device.options.errorForm === 'v1' ? 0 : responseVersionFor(request.version),
    seq: device.faults.has('wrong-seq') ? (request.seq + 1) & 0xff : request.seq,
  };
  const isError = result.kind === 'rc' || result.kind === 'group';
  const header = encodeSmpHeader({
    ...normal,
    ...replyHeaderFaults(device, request, isError, normal),
    length: payload.length + (device.faults.has('length-off-by-one') ? 1 : 0),
    group: request.group,
    id: request.id,
  });
  return concatBytes(header, payload);
}
