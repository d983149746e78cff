/**
 * LwM2M capability discovery: what the registration says (version, objects, `ct=`), and for the
 * value formats it does not announce, a harmless Read with each Accept — 2.05 means the format is
 * answered, 4.06 that it is not. A client that registers without announcing a format is tested
 * in the formats it answers.
 * @see docs/spec/lwm2m.md §2.4, §3.2
 */
import type { Lwm2mRegistration, Lwm2mServer } from '../../client/lwm2m-server.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { compareVersions, objectResources } from '../../codec/lwm2m/definitions/lookup.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import type { CapabilityStatus } from '../protocol-driver.ts';
import { LWM2M_FORMATS, objectCapability, type Lwm2mFormatDef } from './capability-catalogue.ts';

/** What discovery needs besides the server and the registration. */
export interface Lwm2mDiscoveryOptions {
  /** Capabilities targets.json declares (only `lwm2m` names are decided here). */
  declared: readonly string[];
  /** Bound on each probe. */
  probeTimeoutMs: number;
}

type Decision = { present: boolean; reason: string };

/** Settle `work` within `ms`: its value, or undefined when it took longer (the late result is dropped). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The registration's LwM2M version is at least `wanted` (absent `lwm2m=` means 1.0). */
export function versionAtLeast(registration: Lwm2mRegistration, wanted: string): boolean {
  const v = registration.lwm2mVersion ?? '1.0';
  return /^\d+\.\d+$/.test(v) && compareVersions(v, wanted) >= 0;
}

/** A readable resource of `type` among the announced object instances (the probe target of a single-value format). */
function readableResource(registration: Lwm2mRegistration, type: 'string' | 'opaque'): Lwm2mPath | undefined {
  for (const o of registration.content.objects) {
    if (o.objectId === 0) continue;
    const r = objectResources(o.objectId, o.version).find((d) => d.type === type && !d.multiple && (d.operations === 'R' || d.operations === 'RW'));
    const instance = o.instances[0];
    if (r && instance !== undefined) return [o.objectId, instance, r.id];
  }
  return undefined;
}

async function probeFormat(server: Lwm2mServer, registration: Lwm2mRegistration, f: Lwm2mFormatDef, timeoutMs: number): Promise<Decision> {
  const path = f.singleValue ? readableResource(registration, f.accept === ContentFormat.OCTET_STREAM ? 'opaque' : 'string') : [3, 0];
  if (path === undefined) return { present: false, reason: `no readable ${f.accept === ContentFormat.OCTET_STREAM ? 'opaque' : 'string'} resource among the announced objects to probe Accept ${f.accept} on` };
  const what = `Read /${path.join('/')} with Accept ${f.accept}`;
  const r = await within(server.read(registration.endpoint, path, { accept: f.accept }), timeoutMs).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  if (r === undefined) return { present: false, reason: `${what}: no answer within ${timeoutMs} ms` };
  if (r instanceof Error) return { present: false, reason: `${what}: ${r.message}` };
  if (r.code === '2.05') {
    const other = r.contentFormat !== f.accept ? ` (in Content-Format ${r.contentFormat ?? 'none'})` : '';
    return { present: true, reason: `${what} answered 2.05${other}` };
  }
  return { present: false, reason: `${what} answered ${r.code ?? 'RST'}${r.code === '4.06' ? ' Not Acceptable' : ''}` };
}

async function decideFormats(server: Lwm2mServer, registration: Lwm2mRegistration, timeoutMs: number): Promise<Map<string, Decision>> {
  const announced = registration.content.contentFormats;
  const out = new Map<string, Decision>();
  for (const f of LWM2M_FORMATS) {
    const isAnnounced = f.announcedAs.some((n) => announced.includes(n));
    if (isAnnounced) out.set(f.name, { present: true, reason: `announced with ct="${announced.join(' ')}"` });
    else if (announced.length > 0 && !f.singleValue) out.set(f.name, { present: false, reason: `not announced with ct="${announced.join(' ')}"` });
    else out.set(f.name, await probeFormat(server, registration, f, timeoutMs));
  }
  return out;
}

async function decideComposite(server: Lwm2mServer, registration: Lwm2mRegistration, formats: Map<string, Decision>, timeoutMs: number): Promise<Decision> {
  if (!versionAtLeast(registration, '1.1')) return { present: false, reason: `Read-Composite is defined from LwM2M 1.1; registered with lwm2m=${registration.lwm2mVersion ?? '(none: 1.0)'}` };
  const format = formats.get('lwm2m.fmt.senml-cbor')?.present ? ContentFormat.SENML_CBOR : formats.get('lwm2m.fmt.senml-json')?.present ? ContentFormat.SENML_JSON : undefined;
  if (format === undefined) return { present: false, reason: 'neither SenML CBOR nor SenML JSON is answered, and composite operations carry SenML' };
  const what = `Read-Composite of /3/0/0 in ${format}`;
  const r = await within(server.readComposite(registration.endpoint, [[3, 0, 0]], { format }), timeoutMs).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  if (r === undefined) return { present: false, reason: `${what}: no answer within ${timeoutMs} ms` };
  if (r instanceof Error) return { present: false, reason: `${what}: ${r.message}` };
  return r.code === '2.05' ? { present: true, reason: `${what} answered 2.05` } : { present: false, reason: `${what} answered ${r.code ?? 'RST'}` };
}

function decideSend(server: Lwm2mServer, registration: Lwm2mRegistration, declared: ReadonlySet<string>): Decision {
  if (server.sends.some((s) => s.endpoint === registration.endpoint)) return { present: true, reason: 'the client sent data to /dp' };
  if (!versionAtLeast(registration, '1.1')) return { present: false, reason: `Send is defined from LwM2M 1.1; registered with lwm2m=${registration.lwm2mVersion ?? '(none: 1.0)'}` };
  if (declared.has('lwm2m.send')) return { present: true, reason: 'declared in targets.json (the client decides when to send, so it cannot be probed)' };
  return { present: false, reason: 'no Send received yet; the client decides when to send, so declare lwm2m.send in targets.json' };
}

/** Identity of a registration for reports (JSON-safe). */
export function registrationIdentity(r: Lwm2mRegistration): Record<string, unknown> {
  return {
    endpoint: r.endpoint,
    registrationId: r.id,
    lwm2mVersion: r.lwm2mVersion ?? null,
    binding: r.binding ?? null,
    lifetimeS: r.lifetimeS,
    queueMode: r.queueMode,
    address: `${r.peer.address}:${r.peer.port}`,
    contentFormats: [...r.content.contentFormats],
    objects: r.content.objects.map((o) => ({ id: o.objectId, ...(o.version !== undefined ? { version: o.version } : {}), instances: [...o.instances] })),
  };
}

/** Decide every LwM2M capability of a registered endpoint, plus the declared names. */
export async function discoverLwm2mCapabilities(server: Lwm2mServer, registration: Lwm2mRegistration, options: Lwm2mDiscoveryOptions): Promise<Map<string, CapabilityStatus>> {
  const declared = new Set(options.declared);
  const decided = new Map<string, Decision>();
  decided.set('lwm2m', { present: true, reason: `registered as ${registration.endpoint} (registration ${registration.id})` });
  decided.set('lwm2m.v1.1', versionAtLeast(registration, '1.1') ? { present: true, reason: `registered with lwm2m=${registration.lwm2mVersion}` } : { present: false, reason: `registered with lwm2m=${registration.lwm2mVersion ?? '(none: 1.0)'}` });
  for (const o of registration.content.objects) {
    if (o.objectId === 0) continue;
    decided.set(objectCapability(o.objectId), { present: true, reason: `object ${o.objectId}${o.version !== undefined ? ` version ${o.version}` : ''} announced with instance(s) ${o.instances.join(', ') || 'none'}` });
  }
  const formats = await decideFormats(server, registration, options.probeTimeoutMs);
  for (const [name, d] of formats) decided.set(name, d);
  decided.set('lwm2m.composite', await decideComposite(server, registration, formats, options.probeTimeoutMs));
  decided.set('lwm2m.send', decideSend(server, registration, declared));
  return statusesOf(decided, declared, (name) => (/^lwm2m\.obj\.\d+$/.test(name) ? 'not announced in the registration' : 'not a capability name the harness knows'));
}

/** Statuses of an endpoint that never registered: `lwm2m` and every declared LwM2M name absent with `reason`. */
export function unregisteredStatuses(reason: string, declaredNames: readonly string[]): Map<string, CapabilityStatus> {
  const declared = new Set(declaredNames);
  return statusesOf(new Map([['lwm2m', { present: false, reason }]]), declared, () => reason);
}

function statusesOf(decided: Map<string, Decision>, declared: ReadonlySet<string>, missing: (name: string) => string): Map<string, CapabilityStatus> {
  const statuses = new Map<string, CapabilityStatus>();
  for (const [name, d] of decided) statuses.set(name, { name, ...d, declared: declared.has(name) });
  for (const name of declared) {
    if (name.startsWith('lwm2m') && !statuses.has(name)) statuses.set(name, { name, present: false, declared: true, reason: missing(name) });
  }
  return statuses;
}
