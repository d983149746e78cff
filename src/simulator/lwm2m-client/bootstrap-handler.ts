/**
 * The client's side of the bootstrap interface while it bootstraps: Bootstrap-Discover (GET
 * Accept 40 on `/` or an object), Bootstrap-Read (1.1; Server and Access Control only),
 * Bootstrap-Write (PUT; creates missing instances and may set resources the DM server cannot,
 * such as Short Server ID), Bootstrap-Delete (everything but the bootstrap account and the
 * objects the client cannot rebuild) and Bootstrap-Finish (POST /bs: 2.04 when a usable DM
 * server account exists, else 4.06). POST on any other path is 4.05.
 * @see docs/spec/lwm2m.md §2.2 (bootstrap mapping), §2.3, §4.1, §4.2, §5
 */
import { uintOptionOrUndefined, uriPath } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { parseSegments, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { resourceDef } from './definitions.ts';
import { codeOnly, typeAt, uintOpt, type DmResponse } from './dm-context.ts';
import type { Lwm2mFaults } from './faults.ts';
import { decodeContent, encodeContent } from './formats.ts';
import type { InstanceData, ObjectStore, ValueRecord } from './object-store.ts';
import type { Lwm2mVersion } from './sample.ts';

/** A DM server account found at Bootstrap-Finish. */
export interface DmAccount {
  uri: string;
  shortServerId: number;
  securityIid: number;
  serverIid: number;
}

/** What answering a bootstrap request led to. */
export type BootstrapAnswer = { response: DmResponse | 'silent'; finished?: DmAccount | 'unusable' };

/** What the handler needs from the client. */
export interface BootstrapHandlerDeps {
  store: ObjectStore;
  version: Lwm2mVersion;
  faults: Lwm2mFaults;
  formats: { read: readonly number[]; write: readonly number[]; defaultHierarchical: number };
  /** The scheme of a DM server account the client can use: `coaps` when it speaks DTLS (default `coap`). */
  dmScheme?: 'coap' | 'coaps';
}

const SECURITY = 0;
const SERVER = 1;
/** Objects Bootstrap-Delete of `/` clears; application objects the simulator cannot rebuild stay. */
const ACCOUNT_OBJECTS = [SECURITY, SERVER];

const valueOf = (data: InstanceData | undefined, rid: number) => {
  const c = data?.get(rid);
  if (c?.kind !== 'single') return undefined;
  return typeof c.value === 'function' ? c.value() : c.value;
};

/** True for the Security instance of the bootstrap server's own account. */
export function isBootstrapAccount(data: InstanceData | undefined): boolean {
  const v = valueOf(data, 1);
  return v?.type === 'boolean' && v.value;
}

const intOf = (data: InstanceData | undefined, rid: number): number | undefined => {
  const v = valueOf(data, rid);
  return v !== undefined && (v.type === 'integer' || v.type === 'unsigned') ? Number(v.value) : undefined;
};

/** The first usable DM server account: a non-bootstrap `coap://` (`coaps://` for a DTLS client) Security instance whose Short Server ID a Server instance carries. */
export function findDmAccount(store: ObjectStore, scheme: 'coap' | 'coaps' = 'coap'): DmAccount | undefined {
  const security = store.object(SECURITY)?.instances ?? new Map<number, InstanceData>();
  const servers = store.object(SERVER)?.instances ?? new Map<number, InstanceData>();
  for (const [securityIid, data] of [...security.entries()].sort(([a], [b]) => a - b)) {
    if (isBootstrapAccount(data)) continue;
    const uri = valueOf(data, 0);
    const ssid = intOf(data, 10);
    if (uri?.type !== 'string' || !uri.value.startsWith(`${scheme}://`) || ssid === undefined) continue;
    const server = [...servers.entries()].find(([, s]) => intOf(s, 0) === ssid);
    if (server) return { uri: uri.value, shortServerId: ssid, securityIid, serverIid: server[0] };
  }
  return undefined;
}

/** Answers bootstrap-interface requests while the client bootstraps. */
export class BootstrapHandler {
  readonly #deps: BootstrapHandlerDeps;

  constructor(deps: BootstrapHandlerDeps) {
    this.#deps = deps;
  }

  /** Answer one request from the bootstrap server. */
  handle(request: CoapMessage): BootstrapAnswer {
    const segments = uriPath(request);
    if (request.code === '0.02') return segments.length === 1 && segments[0] === 'bs' ? this.#finish() : { response: codeOnly('4.05') };
    const parsed = parseSegments(segments);
    if (!parsed.ok) return { response: codeOnly('4.00') };
    const path = parsed.value;
    switch (request.code) {
      case '0.01':
        return { response: uintOptionOrUndefined(request, CoapOption.ACCEPT) === ContentFormat.LINK_FORMAT ? this.#discover(path) : this.#read(request, path) };
      case '0.03':
        return { response: this.#write(request, path) };
      case '0.04':
        return { response: this.#delete(path) };
      default:
        return { response: codeOnly('4.05') };
    }
  }

  #finish(): BootstrapAnswer {
    const account = findDmAccount(this.#deps.store, this.#deps.dmScheme);
    const silent = this.#deps.faults.has('lwm2m-bs-no-finish-ack');
    if (account) return { response: silent ? 'silent' : codeOnly('2.04'), finished: account };
    if (this.#deps.faults.has('lwm2m-bs-finish-accepts-unusable')) return { response: codeOnly('2.04'), finished: 'unusable' };
    return { response: codeOnly('4.06') };
  }

  #discover(path: Lwm2mPath): DmResponse {
    if (path.length > 1) return codeOnly('4.05');
    const { store, version } = this.#deps;
    if (path.length === 1 && store.object(path[0]!) === undefined) return codeOnly('4.04');
    // Under a fault the root link announcing the enabler version is left out.
    const links = path.length === 0 && !this.#deps.faults.has('lwm2m-bs-discover-no-root-link') ? [`</>;lwm2m=${version}`] : [];
    for (const object of store.objects()) {
      if (path.length === 1 && object.def.id !== path[0]) continue;
      const iids = store.instanceIds(object.def.id);
      if (iids.length === 0) links.push(`</${object.def.id}>`);
      for (const iid of iids) links.push(`</${object.def.id}/${iid}>${this.#accountAttributes(object.def.id, object.instances.get(iid))}`);
    }
    return { code: '2.05', options: [uintOpt(CoapOption.CONTENT_FORMAT, ContentFormat.LINK_FORMAT)], payload: new TextEncoder().encode(links.join(',')) };
  }

  /** `ssid` and `uri` attributes of Security and Server instances (LwM2M 1.1 §5.2.7.1). */
  #accountAttributes(oid: number, data: InstanceData | undefined): string {
    const ssid = intOf(data, oid === SECURITY ? 10 : 0);
    const uri = oid === SECURITY ? valueOf(data, 0) : undefined;
    if (oid !== SECURITY && oid !== SERVER) return '';
    return `${ssid === undefined || isBootstrapAccount(data) ? '' : `;ssid=${ssid}`}${uri?.type === 'string' ? `;uri="${uri.value}"` : ''}`;
  }

  #read(request: CoapMessage, path: Lwm2mPath): DmResponse {
    const { store, faults, formats } = this.#deps;
    if (this.#deps.version === '1.0' || path.length === 0 || path.length > 2) return codeOnly('4.05');
    const readable = path[0] === SERVER || path[0] === 2 || (path[0] === SECURITY && faults.has('lwm2m-bs-read-security'));
    if (!readable) return codeOnly('4.05');
    const accept = uintOptionOrUndefined(request, CoapOption.ACCEPT);
    const format = accept ?? formats.defaultHierarchical;
    if (!formats.read.includes(format)) return codeOnly('4.06');
    const records = store.read(path);
    if (!records.ok) return codeOnly(records.code);
    // Security keys are not readable through the DM model; a bootstrap read of /0 shows them all.
    const all = path[0] === SECURITY ? securityRecordsOf(store, path) : records.value;
    const payload = encodeContent(format, all, path);
    if (!payload.ok) return codeOnly(payload.code);
    return { code: '2.05', options: [uintOpt(CoapOption.CONTENT_FORMAT, format)], payload: payload.value };
  }

  #write(request: CoapMessage, path: Lwm2mPath): DmResponse {
    const { store, formats } = this.#deps;
    if (path.length === 0 || path.length > 3) return codeOnly('4.05');
    const object = store.object(path[0]!);
    if (object === undefined) return codeOnly('4.04');
    const format = uintOptionOrUndefined(request, CoapOption.CONTENT_FORMAT);
    if (format === undefined) return codeOnly('4.00');
    if (!formats.write.includes(format)) return codeOnly('4.15');
    const records = decodeContent(format, request.payload, path, (p) => typeAt(store, p));
    if (!records.ok) return codeOnly(records.code);
    for (const r of records.value) {
      const def = r.path.length >= 3 ? resourceDef(object.def, r.path[2]!) : undefined;
      if (def === undefined || def.operations === 'E' || r.path[0] !== path[0]) return codeOnly('4.00');
      if (path.length >= 2 && r.path[1] !== path[1]) return codeOnly('4.00');
    }
    const isNew = path.length >= 2 && !object.instances.has(path[1]!);
    for (const r of records.value) setRecord(object.instances, r, resourceDef(object.def, r.path[2]!)!.isMultiple);
    // Under a fault a write that creates its instance is answered 2.01, as a Create would be.
    return codeOnly(isNew && this.#deps.faults.has('lwm2m-bs-write-new-answers-created') ? '2.01' : '2.04');
  }

  #delete(path: Lwm2mPath): DmResponse {
    const { store, faults } = this.#deps;
    if (path.length > 2) return codeOnly('4.00');
    const objects = path.length === 0 ? ACCOUNT_OBJECTS.filter((o) => o !== SERVER || !faults.has('lwm2m-bs-delete-keeps-servers')) : [path[0]!];
    for (const oid of objects) {
      const object = store.object(oid);
      if (object === undefined) return path.length === 0 ? codeOnly('2.02') : codeOnly('4.04');
      if (path.length > 0 && !object.def.isMultiple) return codeOnly('4.00');
      const iids = path.length === 2 ? [path[1]!] : [...object.instances.keys()];
      if (path.length === 2 && oid === SECURITY && isBootstrapAccount(object.instances.get(path[1]!))) return codeOnly('4.00');
      // Under a fault Delete of /0 takes the bootstrap account's own Security instance too.
      const keepsBootstrap = !(path.length === 1 && faults.has('lwm2m-bs-delete-removes-bs-account'));
      for (const iid of iids) if (!(keepsBootstrap && oid === SECURITY && isBootstrapAccount(object.instances.get(iid)))) object.instances.delete(iid);
    }
    return codeOnly('2.02');
  }
}

/** Every value of the Security instances under `path`, keys included. */
function securityRecordsOf(store: ObjectStore, path: Lwm2mPath): ValueRecord[] {
  const object = store.object(SECURITY)!;
  const out: ValueRecord[] = [];
  for (const iid of path.length === 2 ? [path[1]!] : store.instanceIds(SECURITY)) {
    const data = object.instances.get(iid);
    for (const r of object.def.resources) {
      const v = valueOf(data, r.id);
      if (v !== undefined) out.push({ path: [SECURITY, iid, r.id], value: v });
    }
  }
  return out;
}

function setRecord(instances: Map<number, InstanceData>, r: ValueRecord, isMultiple: boolean): void {
  const [, iid, rid, riid] = r.path as [number, number, number, number | undefined];
  let data = instances.get(iid);
  if (data === undefined) {
    data = new Map();
    instances.set(iid, data);
  }
  if (!isMultiple) return void data.set(rid, { kind: 'single', value: r.value });
  const content = data.get(rid);
  const map = content?.kind === 'multi' ? content.instances : new Map();
  map.set(riid ?? 0, r.value);
  data.set(rid, { kind: 'multi', instances: map });
}
