/**
 * Payload distortions of the fault profiles that change what the client sends on its own: the
 * object list of its Register, the values of its Send.
 * @see docs/spec/lwm2m.md §2.4 (Register links), §2.7 (Send)
 */
import type { ValueRecord } from './object-store.ts';

/** A numeric value re-typed as the string of its digits (what a client sending SenML `vs` for everything puts on the wire). */
export function numberAsString(r: ValueRecord): ValueRecord {
  const v = r.value;
  return v.type === 'integer' || v.type === 'unsigned' || v.type === 'float' || v.type === 'time' ? { ...r, value: { type: 'string', value: String(v.value) } } : r;
}

/** A link list with </3/0> left out; </3> stays or takes its place (a client listing the Device object by object only). */
export function withoutDeviceInstance(links: string): string {
  const kept = links.split(',').filter((l) => l !== '</3/0>');
  return (kept.some((l) => l.startsWith('</3>')) ? kept : [...kept, '</3>']).join(',');
}
