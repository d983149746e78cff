/**
 * Byte-level damage the fault profiles put into otherwise valid payloads.
 * @see docs/spec/lwm2m.md §3.4 (TLV lengths)
 */
import { decodeTlv } from '../../codec/lwm2m/tlv.ts';
import { encodeTlvUnchecked } from '../../codec/lwm2m/tlv-encode.ts';

/** The same TLV payload with the first entry's header claiming one value byte more than it has. */
export function tlvLengthOffByOne(payload: Uint8Array): Uint8Array {
  const entries = decodeTlv(payload);
  const first = entries.ok ? entries.value[0] : undefined;
  if (first === undefined) return payload;
  const value = payload.subarray(first.valueStart, first.end);
  const header = encodeTlvUnchecked({ kind: first.kind, id: first.id, value, idBytes: first.idBytes, claimedLength: value.length + 1 });
  const out = new Uint8Array(header.length + payload.length - first.end);
  out.set(header);
  out.set(payload.subarray(first.end), header.length);
  return out;
}
