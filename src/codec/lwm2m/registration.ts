/**
 * Meaning of Register/Update messages as pure functions: the Uri-Query parameters (`ep`, `lt`,
 * `lwm2m`, `b`, `sms`, `Q`), the object list of the link payload (alternate root, `ct=`, object
 * versions, instances), and typed Discover attributes.
 * @see docs/spec/lwm2m.md §2.4, §2.5
 */
import { formatPath, type Lwm2mPath } from './path.ts';
import { linkParam, type CoreLink, type LinkParam } from './link-format.ts';

/** Register/Update query parameters as sent; absent ones are undefined. */
export interface RegisterParams {
  endpoint?: string;
  lifetime?: number;
  lwm2mVersion?: string;
  binding?: string;
  sms?: string;
  queueMode: boolean;
  /** Parameters the interface does not define, kept verbatim. */
  unknown: string[];
}

/** A problem with one query parameter (its index among the Uri-Query options). */
export interface RegisterQueryFinding {
  kind: 'duplicate' | 'bad-value' | 'missing-value' | 'unknown';
  index: number;
  name: string;
  message: string;
}

const BINDING_10 = /^(U|UQ|S|SQ|US|UQS)$/;
const BINDING_11 = /^[UMSNT]+$/;

function setValue(params: RegisterParams, name: string, value: string, report: (kind: RegisterQueryFinding['kind'], message: string) => void): void {
  switch (name) {
    case 'ep':
      params.endpoint = value;
      return;
    case 'lt':
      if (!/^\d{1,10}$/.test(value)) report('bad-value', `lt "${value}" is not a decimal number of seconds`);
      else params.lifetime = Number(value);
      return;
    case 'lwm2m':
      if (!/^\d+\.\d+$/.test(value)) report('bad-value', `lwm2m "${value}" is not a version like 1.1`);
      params.lwm2mVersion = value;
      return;
    case 'b':
      if (!BINDING_10.test(value) && !BINDING_11.test(value)) report('bad-value', `binding "${value}" is not a LwM2M binding`);
      params.binding = value;
      return;
    case 'sms':
      params.sms = value;
      return;
  }
}

/**
 * Read Register or Update Uri-Query options. Findings name duplicates, values that do not
 * parse, a valued `Q`, and unknown names; the values that do parse are still returned.
 */
export function parseRegisterQuery(queries: readonly string[]): { params: RegisterParams; findings: RegisterQueryFinding[] } {
  const params: RegisterParams = { queueMode: false, unknown: [] };
  const findings: RegisterQueryFinding[] = [];
  const seen = new Set<string>();
  // One reporter for the whole list (not a closure per parameter): Register is a server hot path.
  let index = 0;
  let name = '';
  const report = (kind: RegisterQueryFinding['kind'], message: string): void => void findings.push({ kind, index, name, message });
  for (const [i, query] of queries.entries()) {
    const eq = query.indexOf('=');
    index = i;
    name = eq < 0 ? query : query.slice(0, eq);
    if (seen.has(name)) report('duplicate', `query parameter ${name} appears more than once`);
    seen.add(name);
    if (name === 'Q') {
      if (eq >= 0) report('bad-value', 'Q is a flag and takes no value');
      params.queueMode = true;
    } else if (['ep', 'lt', 'lwm2m', 'b', 'sms'].includes(name)) {
      if (eq < 0) report('missing-value', `${name} needs a value`);
      else setValue(params, name, query.slice(eq + 1), report);
    } else {
      report('unknown', `unknown query parameter ${name}`);
      params.unknown.push(query);
    }
  }
  return { params, findings };
}

/** Build Register query options in the usual order (ep, lt, lwm2m, b, sms, Q). */
export function formatRegisterQuery(params: Partial<RegisterParams>): string[] {
  const out: string[] = [];
  if (params.endpoint !== undefined) out.push(`ep=${params.endpoint}`);
  if (params.lifetime !== undefined) out.push(`lt=${params.lifetime}`);
  if (params.lwm2mVersion !== undefined) out.push(`lwm2m=${params.lwm2mVersion}`);
  if (params.binding !== undefined) out.push(`b=${params.binding}`);
  if (params.sms !== undefined) out.push(`sms=${params.sms}`);
  if (params.queueMode) out.push('Q');
  return [...out, ...(params.unknown ?? [])];
}

/** One object of a registration: its version (`ver=`, 1.0 when absent) and instance ids. */
export interface RegisteredObject {
  objectId: number;
  version?: string;
  instances: number[];
}

/** What a Register/Update payload says about the client. */
export interface RegistrationContent {
  /** Alternate root path when a link carries `rt="oma.lwm2m"` (`/` for the plain root). */
  rootPath?: string;
  /** Content formats announced with `ct=` on the root link. */
  contentFormats: number[];
  objects: RegisteredObject[];
  /** Links that are neither the root nor an object/instance path (kept verbatim). */
  otherLinks: CoreLink[];
}

function objectEntry(objects: Map<number, RegisteredObject>, objectId: number): RegisteredObject {
  let entry = objects.get(objectId);
  if (!entry) {
    entry = { objectId, instances: [] };
    objects.set(objectId, entry);
  }
  return entry;
}

/** Interpret the links of a Register/Update payload (objects in first-seen order). */
export function interpretRegistration(links: readonly CoreLink[]): RegistrationContent {
  const content: RegistrationContent = { contentFormats: [], objects: [], otherLinks: [] };
  const objects = new Map<number, RegisteredObject>();
  for (const link of links) {
    const isRoot = linkParam(link, 'rt') === 'oma.lwm2m' || link.target === '/';
    if (isRoot) {
      content.rootPath = link.target;
      const ct = linkParam(link, 'ct');
      if (ct !== undefined) content.contentFormats = ct.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
      continue;
    }
    const path = link.path;
    if (!path || path.length === 0 || path.length > 2) {
      content.otherLinks.push(link);
      continue;
    }
    const entry = objectEntry(objects, path[0] ?? 0);
    const ver = linkParam(link, 'ver');
    if (ver !== undefined) entry.version = ver;
    if (path.length === 2) entry.instances.push(path[1] ?? 0);
  }
  content.objects = [...objects.values()];
  return content;
}

/** Attributes Discover reports, typed. */
export interface DiscoverAttributes {
  pmin?: number;
  pmax?: number;
  epmin?: number;
  epmax?: number;
  gt?: number;
  lt?: number;
  st?: number;
  dim?: number;
  ver?: string;
  ssid?: number;
  uri?: string;
  /** Attributes with other names, or values that did not parse as their type. */
  other: LinkParam[];
}

const INTEGER_ATTRS = new Set(['pmin', 'pmax', 'epmin', 'epmax', 'dim', 'ssid']);
const FLOAT_ATTRS = new Set(['gt', 'lt', 'st']);

/** Type the attributes of one Discover link. */
export function discoverAttributes(link: CoreLink): DiscoverAttributes {
  const out: DiscoverAttributes = { other: [] };
  const record = out as unknown as Record<string, number | string | undefined>;
  for (const param of link.params) {
    const v = param.value;
    if (INTEGER_ATTRS.has(param.name) && v !== undefined && /^\d+$/.test(v)) record[param.name] = Number(v);
    else if (FLOAT_ATTRS.has(param.name) && v !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) record[param.name] = Number(v);
    else if ((param.name === 'ver' || param.name === 'uri') && v !== undefined) record[param.name] = v;
    else out.other.push(param);
  }
  return out;
}

/** A link for a path with the given parameters (for Register payloads and Discover answers). */
export function pathLink(path: Lwm2mPath, params: LinkParam[] = []): CoreLink {
  return { target: formatPath(path), path, params };
}
