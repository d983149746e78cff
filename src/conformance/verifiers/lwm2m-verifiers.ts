/**
 * LwM2M verifiers: a payload that decodes in its Content-Format, values typed as the object
 * definitions say, link-format answers compared as sets (order is the client's choice), and
 * timings within a window with the measured deviation kept as evidence.
 * @see docs/spec/lwm2m.md §2.5, §2.6, §3, §4, §8
 */
import type { DiscoveredLink, Lwm2mResponse } from '../../client/lwm2m-server.ts';
import { resourceDefinition } from '../../codec/lwm2m/definitions/lookup.ts';
import { formatPath, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { Lwm2mRecord, Lwm2mValue, ResourceType } from '../../codec/lwm2m/types.ts';
import { toSpacedHex } from '../../core/bytes.ts';
import { coapCode, describeAnswer } from './coap-verifiers.ts';
import { failCheck, type VerifierScope } from './scope.ts';

/** Where the timing and type checks leave their figures. */
export interface Lwm2mEvidence {
  note(message: string): void;
}

/** A window a measured time must fall in, both ends inclusive. */
export interface TimingWindow {
  minMs: number;
  maxMs: number;
}

const RULES: Record<string, string> = {
  'no-content-format': 'a 2.05 with a payload carries its Content-Format (RFC 7252 §5.10.3, docs/spec/lwm2m.md §3)',
  'unexpected-format': 'the payload is in the Content-Format the operation calls for',
  undecodable: 'the payload decodes in the Content-Format it declares (docs/spec/lwm2m.md §3)',
  'incomplete-transfer': 'a block-wise transfer completes (RFC 7959 §2)',
};

/** The answer is 2.05 and its payload decodes in its Content-Format; returns the decoded value. */
export function lwm2mContent<T>(scope: VerifierScope, rsp: Lwm2mResponse<T>): T {
  coapCode(scope, rsp, '2.05');
  const d = rsp.decoded;
  if (d?.ok) return d.value;
  const rule = d === undefined ? 'the payload decodes' : (RULES[d.error.kind] ?? d.error.kind);
  const at = d?.ok === false && d.error.failure ? ` at ${d.error.failure.at} (${d.error.failure.kind})` : '';
  failCheck(scope, {
    check: 'payload',
    expected: [rule],
    actual: `${d?.ok === false ? d.error.message : 'no payload decoded'}${at}\n${describeAnswer(rsp)}`,
    frame: toSpacedHex(rsp.payload),
  });
}

/** Value types each definition type may arrive as (formats without their own time or unsigned type). */
const COMPATIBLE: Partial<Record<ResourceType, readonly Lwm2mValue['type'][]>> = {
  time: ['time', 'integer', 'unsigned'],
  unsigned: ['unsigned', 'integer'],
  integer: ['integer', 'unsigned'],
  float: ['float', 'integer', 'unsigned'],
  corelnk: ['corelnk', 'string'],
};

/** Why a record's value does not fit the definition of its resource; undefined when it fits. */
export function typeProblem(record: Lwm2mRecord, versions: ReadonlyMap<number, string>): string | undefined {
  const [oid, , rid] = record.path;
  if (oid === undefined || rid === undefined) return `${formatPath(record.path)} is not a resource path`;
  const def = resourceDefinition(oid, rid, versions.get(oid));
  if (def === undefined) return undefined;
  const allowed = COMPATIBLE[def.type] ?? [def.type];
  if (!allowed.includes(record.value.type)) return `${formatPath(record.path)} (${def.name}) is ${def.type}, the value is ${record.value.type}`;
  const isMultiPath = record.path.length === 4;
  if (isMultiPath !== def.multiple) return `${formatPath(record.path)} (${def.name}) is ${def.multiple ? 'multiple-instance' : 'single-instance'}, the record is at ${isMultiPath ? 'a resource-instance' : 'a resource'} path`;
  return undefined;
}

/** Every record's value has the type its definition gives (unknown resources pass and are noted). */
export function lwm2mTypes(scope: VerifierScope, evidence: Lwm2mEvidence, records: readonly Lwm2mRecord[], versions: ReadonlyMap<number, string> = new Map()): readonly Lwm2mRecord[] {
  const problems = records.flatMap((r) => typeProblem(r, versions) ?? []);
  const undefinedPaths = records.filter((r) => r.path.length >= 3 && resourceDefinition(r.path[0]!, r.path[2]!, versions.get(r.path[0]!)) === undefined);
  if (undefinedPaths.length > 0) evidence.note(`resources the definitions do not know (type not checked): ${undefinedPaths.map((r) => formatPath(r.path)).join(', ')}`);
  if (problems.length > 0) failCheck(scope, { check: 'types', expected: ['every value typed as its resource definition says (OMA LwM2M registry)'], actual: problems.join('\n') });
  return records;
}

/** The record at `path`, failing when the answer has none. */
export function recordAt(scope: VerifierScope, records: readonly Lwm2mRecord[], path: Lwm2mPath): Lwm2mRecord {
  const key = formatPath(path);
  const found = records.find((r) => formatPath(r.path) === key);
  if (found) return found;
  failCheck(scope, { check: `value ${key}`, expected: [`a record for ${key}`], actual: `records: ${records.map((r) => formatPath(r.path)).join(', ') || 'none'}` });
}

/** A value shown for messages. */
export function valueText(v: Lwm2mValue): string {
  if (v.value instanceof Uint8Array) return `opaque ${toSpacedHex(v.value, 32) || '(empty)'}`;
  if (typeof v.value === 'object') return `objlnk ${v.value.objectId}:${v.value.instanceId}`;
  return `${v.type} ${typeof v.value === 'string' ? JSON.stringify(v.value) : String(v.value)}`;
}

/** Values are equal as LwM2M values (numbers across integer kinds, floats to 32-bit precision). */
export function sameValue(a: Lwm2mValue, b: Lwm2mValue): boolean {
  if (a.value instanceof Uint8Array || b.value instanceof Uint8Array) return a.value instanceof Uint8Array && b.value instanceof Uint8Array && toSpacedHex(a.value) === toSpacedHex(b.value);
  if (typeof a.value === 'object' && typeof b.value === 'object') return a.value.objectId === b.value.objectId && a.value.instanceId === b.value.instanceId;
  const numeric = (x: unknown): number | undefined => (typeof x === 'bigint' ? Number(x) : typeof x === 'number' ? x : undefined);
  const na = numeric(a.value);
  const nb = numeric(b.value);
  if (na !== undefined && nb !== undefined) return na === nb || Math.abs(na - nb) <= Math.abs(nb) * 1e-6;
  return a.value === b.value;
}

/** The record at `path` holds `expected`. */
export function lwm2mValue(scope: VerifierScope, records: readonly Lwm2mRecord[], path: Lwm2mPath, expected: Lwm2mValue): void {
  const got = recordAt(scope, records, path);
  if (!sameValue(got.value, expected)) failCheck(scope, { check: `value ${formatPath(path)}`, expected: [valueText(expected)], actual: valueText(got.value) });
}

/**
 * Link-format targets compared as sets: every `present` path is listed, no `absent` one is.
 * Order and extra links are the client's business (docs/spec/lwm2m.md §8).
 */
export function linkSet(scope: VerifierScope, links: readonly { target: string }[], expected: { present?: readonly string[]; absent?: readonly string[] }, check = 'links'): void {
  const have = new Set(links.map((l) => l.target));
  const missing = (expected.present ?? []).filter((t) => !have.has(t));
  const extra = (expected.absent ?? []).filter((t) => have.has(t));
  if (missing.length === 0 && extra.length === 0) return;
  const want = [...(expected.present ?? []).map((t) => `<${t}> listed`), ...(expected.absent ?? []).map((t) => `<${t}> not listed`)];
  const actual = [missing.length > 0 ? `missing: ${missing.map((t) => `<${t}>`).join(', ')}` : '', extra.length > 0 ? `listed although it must not be: ${extra.map((t) => `<${t}>`).join(', ')}` : ''].filter((x) => x !== '');
  failCheck(scope, { check, expected: want, actual: `${actual.join('; ')}\nlinks: ${[...have].map((t) => `<${t}>`).join(',')}` });
}

/** The Discover link for a path with its typed attributes. */
export function discoverLink(scope: VerifierScope, links: readonly DiscoveredLink[], target: string): DiscoveredLink {
  const link = links.find((l) => l.link.target === target);
  if (link) return link;
  failCheck(scope, { check: 'discover', expected: [`<${target}> listed`], actual: `links: ${links.map((l) => `<${l.link.target}>`).join(',') || 'none'}` });
}

/** A measured time falls in the window; the measurement and its deviation go into the evidence. */
export function timing(scope: VerifierScope, evidence: Lwm2mEvidence, what: string, measuredMs: number, window: TimingWindow): number {
  const deviation = measuredMs < window.minMs ? measuredMs - window.minMs : measuredMs > window.maxMs ? measuredMs - window.maxMs : 0;
  evidence.note(`${what}: ${Math.round(measuredMs)} ms (window ${window.minMs}..${window.maxMs} ms, deviation ${Math.round(deviation)} ms)`);
  if (deviation !== 0) failCheck(scope, { check: 'timing', expected: [`${what} between ${window.minMs} and ${window.maxMs} ms`], actual: `${Math.round(measuredMs)} ms (${deviation > 0 ? '+' : ''}${Math.round(deviation)} ms outside the window)` });
  return measuredMs;
}
