/**
 * `probe --lwm2m`: listen as LwM2M server, wait for a client's registration (of one endpoint, or
 * the first), and tell what the client is: its registration (version, binding, lifetime, objects
 * with versions and instances, announced formats), the value formats it answers, and its Device
 * object /3/0 decoded (manufacturer, model, firmware version …).
 * @see docs/spec/lwm2m.md §2.4, §4
 */
import { Lwm2mServer, type Lwm2mRegistration, type Lwm2mServerEvent } from '../client/lwm2m-server.ts';
import { objectDefinition, resourceDefinition } from '../codec/lwm2m/definitions/lookup.ts';
import type { Lwm2mRecord, Lwm2mValue } from '../codec/lwm2m/types.ts';
import { toHex } from '../core/bytes.ts';
import { RegistrationTimeoutError, TransportError } from '../errors.ts';
import { discoverLwm2mCapabilities } from '../target/lwm2m/capabilities.ts';
import { LWM2M_FORMATS } from '../target/lwm2m/capability-catalogue.ts';
import { coapUri } from '../target/lwm2m/driver.ts';

/** What `probe --lwm2m` asks for. */
export interface Lwm2mProbeOptions {
  /** Where to listen: `coap://HOST:PORT`. */
  listen: string;
  /** Wait for this endpoint (default: the first client that registers). */
  endpoint?: string | undefined;
  /** How long to wait for the registration. */
  timeoutMs: number;
  /** Bound on each request to the client. */
  requestTimeoutMs: number;
  /** Called once the socket is bound (its address, port 0 resolved). */
  onListening?: (address: string) => void;
}

/** One resource value of /3/0 as printed. */
export interface ProbedResource {
  path: string;
  name: string;
  value: string | number | boolean;
}

/** The probe's findings (JSON-safe). */
export interface Lwm2mProbe {
  listen: string;
  endpoint: string;
  registrationId: string;
  address: string;
  waitedMs: number;
  lwm2mVersion: string | null;
  binding: string | null;
  lifetimeS: number;
  lifetimeGiven: boolean;
  queueMode: boolean;
  announcedFormats: number[];
  objects: { id: number; name: string; version: string | null; instances: number[] }[];
  /** Value formats by capability name: answered or not, and why. */
  formats: { name: string; present: boolean; reason: string }[];
  device: { code: string | null; contentFormat: number | null; resources: ProbedResource[]; problem: string | null };
}

function valueText(v: Lwm2mValue): string | number | boolean {
  switch (v.type) {
    case 'integer':
    case 'unsigned':
    case 'time':
      return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString();
    case 'opaque':
      return toHex(v.value);
    case 'objlnk':
      return `${v.value.objectId}:${v.value.instanceId}`;
    default:
      return v.value;
  }
}

function resourceOf(r: Lwm2mRecord): ProbedResource {
  const resourceId = r.path[2];
  const name = resourceId === undefined ? '' : (resourceDefinition(3, resourceId)?.name ?? '');
  return { path: `/${r.path.join('/')}`, name, value: valueText(r.value) };
}

function waitForClient(server: Lwm2mServer, endpoint: string | undefined, timeoutMs: number): Promise<Lwm2mRegistration> {
  if (endpoint !== undefined) return server.waitForRegistration(endpoint, timeoutMs);
  const isRegistered = (e: Lwm2mServerEvent): e is Extract<Lwm2mServerEvent, { kind: 'registered' }> => e.kind === 'registered';
  return server.waitForEvent(isRegistered, timeoutMs, 'any client', 'registration').then((e) => e.registration);
}

async function readDevice(server: Lwm2mServer, r: Lwm2mRegistration): Promise<Lwm2mProbe['device']> {
  try {
    const read = await server.read(r, '/3/0');
    const resources = read.decoded?.ok ? read.decoded.value.map(resourceOf) : [];
    const problem = read.decoded === undefined ? (read.code === undefined ? 'answered with RST' : null) : read.decoded.ok ? null : read.decoded.error.message;
    return { code: read.code ?? null, contentFormat: read.contentFormat ?? null, resources, problem };
  } catch (e) {
    return { code: null, contentFormat: null, resources: [], problem: e instanceof Error ? e.message : String(e) };
  }
}

/** Listen, wait for a registration, probe the client; the server is closed afterwards. */
export async function probeLwm2m(options: Lwm2mProbeOptions): Promise<Lwm2mProbe> {
  const server = await Lwm2mServer.listen(options.listen);
  const bound = coapUri(server.address());
  options.onListening?.(bound);
  const started = Date.now();
  try {
    let r: Lwm2mRegistration;
    try {
      r = await waitForClient(server, options.endpoint, options.timeoutMs);
    } catch (e) {
      if (!(e instanceof RegistrationTimeoutError)) throw e;
      const others = [...new Set(server.history.filter((h) => h.kind === 'register').map((h) => h.endpoint ?? '(no ep)'))];
      throw new TransportError(`${e.message} at ${bound}${others.length > 0 ? ` (registrations came from: ${others.join(', ')})` : ': is the client pointed at this address?'}`);
    }
    const waitedMs = Date.now() - started;
    const statuses = await discoverLwm2mCapabilities(server, r, { declared: [], probeTimeoutMs: options.requestTimeoutMs });
    const formats = LWM2M_FORMATS.map((f) => statuses.get(f.name)).filter((s) => s !== undefined).map((s) => ({ name: s.name, present: s.present, reason: s.reason }));
    return {
      listen: bound,
      endpoint: r.endpoint,
      registrationId: r.id,
      address: `${r.peer.address}:${r.peer.port}`,
      waitedMs,
      lwm2mVersion: r.lwm2mVersion ?? null,
      binding: r.binding ?? null,
      lifetimeS: r.lifetimeS,
      lifetimeGiven: r.lifetimeGiven,
      queueMode: r.queueMode,
      announcedFormats: [...r.content.contentFormats],
      objects: r.content.objects.map((o) => ({ id: o.objectId, name: objectDefinition(o.objectId)?.name ?? '(unknown object)', version: o.version ?? null, instances: [...o.instances] })),
      formats,
      device: await readDevice(server, r),
    };
  } finally {
    await server.close();
  }
}

/** Human-readable lines for an LwM2M probe. */
export function formatLwm2mProbe(p: Lwm2mProbe): string[] {
  const lines = [
    `endpoint    ${p.endpoint} (registration ${p.registrationId} from ${p.address}, ${(p.waitedMs / 1000).toFixed(1)} s after listening on ${p.listen})`,
    `lwm2m       ${p.lwm2mVersion ?? '(no lwm2m=: 1.0)'}`,
    `binding     ${p.binding ?? '(no b=: U)'}${p.queueMode ? ', queue mode' : ''}`,
    `lifetime    ${p.lifetimeS} s${p.lifetimeGiven ? '' : ' (no lt=: the default)'}`,
    `ct=         ${p.announcedFormats.length > 0 ? p.announcedFormats.join(' ') : '(no formats announced)'}`,
    'formats',
    ...p.formats.map((f) => `  ${f.name.replace('lwm2m.fmt.', '').padEnd(11)} ${f.present ? 'yes' : 'no '}  (${f.reason})`),
    `objects     ${p.objects.length}`,
  ];
  const width = Math.max(0, ...p.objects.map((o) => o.name.length));
  for (const o of p.objects) lines.push(`  ${String(o.id).padStart(5)} ${o.name.padEnd(width)}  ver ${o.version ?? '1.0'}  instances ${o.instances.join(', ') || '-'}`);
  const d = p.device;
  lines.push(`device /3/0 ${d.code ?? 'no answer'}${d.contentFormat !== null ? ` (Content-Format ${d.contentFormat})` : ''}${d.problem !== null ? `: ${d.problem}` : ''}`);
  const nameWidth = Math.max(0, ...d.resources.map((r) => `${r.path} ${r.name}`.length));
  for (const r of d.resources) lines.push(`  ${`${r.path} ${r.name}`.padEnd(nameWidth)}  ${String(r.value)}`);
  return lines;
}
