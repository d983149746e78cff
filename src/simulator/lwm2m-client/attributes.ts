/**
 * Notification attributes (Write-Attributes) per path, the Discover and Register link lists
 * that show them, and the effective pmin/pmax/gt/lt/st an observation uses (resource >
 * instance > object > Server object defaults).
 * @see docs/spec/lwm2m.md §2.5 (Write-Attributes table, Discover), §2.6
 */
import { parseWriteAttributes } from '../../codec/lwm2m/attributes.ts';
import { formatPath } from '../../codec/lwm2m/path.ts';
import { isExecutable, type ResourceDef } from './definitions.ts';
import { refuse, type LwPath, type ObjectStore, type Refusal } from './object-store.ts';

/** Attributes Zephyr supports, in the order it prints them (epmin/epmax are refused). */
export const ATTRIBUTE_NAMES = ['pmin', 'pmax', 'gt', 'lt', 'st'] as const;
/** One attribute name. */
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];
/** Attributes set on one path. */
export type AttributeSet = Partial<Record<AttributeName, number>>;

const NUMERIC_TYPES = new Set(['integer', 'unsigned', 'float', 'time']);

/** The attribute store of one server. */
export class AttributeStore {
  readonly #byPath = new Map<string, AttributeSet>();

  /** Attributes set exactly on `path`. */
  get(path: LwPath): AttributeSet {
    return this.#byPath.get(formatPath(path)) ?? {};
  }

  /**
   * Apply Write-Attributes queries (`pmin=1`, `pmax`, ...) on `path`, parsed by the codec.
   * Unknown or read-only names, bad numbers, attributes Zephyr lacks (epmin/epmax and the 1.2
   * ones), value attributes above resource level or on non-numeric resources, and lt ≥ gt give
   * 4.00; nothing changes on a refusal.
   */
  write(path: LwPath, queries: readonly string[], resource: ResourceDef | undefined): Refusal | void {
    const parsed = parseWriteAttributes(queries);
    const finding = parsed.findings[0];
    if (finding !== undefined) return refuse('4.00', finding.message);
    const next: AttributeSet = { ...this.get(path) };
    for (const { name, value } of parsed.changes) {
      if (!(ATTRIBUTE_NAMES as readonly string[]).includes(name)) return refuse('4.00', `attribute "${name}" not supported`);
      const key = name as AttributeName;
      const isValueAttr = key === 'gt' || key === 'lt' || key === 'st';
      if (isValueAttr && (resource === undefined || !NUMERIC_TYPES.has(resource.type))) return refuse('4.00', `${key} needs a numeric resource`);
      if (key === 'st' && value !== null && value < 0) return refuse('4.00', 'st must not be negative');
      if (value === null) delete next[key];
      else next[key] = value;
    }
    if (next.lt !== undefined && next.gt !== undefined && (next.lt >= next.gt || next.lt + 2 * (next.st ?? 0) >= next.gt)) return refuse('4.00', 'lt must be below gt by more than 2*st');
    this.#byPath.set(formatPath(path), next);
  }

  /** Effective attributes for an observation of `path`: the nearest level that sets each one wins. */
  effective(path: LwPath, defaults: { pmin: number; pmax: number }): AttributeSet & { pmin: number; pmax: number } {
    const out: AttributeSet = {};
    for (let depth = path.length; depth >= 1; depth--) {
      const set = this.get(path.slice(0, depth));
      for (const name of ATTRIBUTE_NAMES) if (out[name] === undefined && set[name] !== undefined) out[name] = set[name];
    }
    return { ...out, pmin: out.pmin ?? defaults.pmin, pmax: out.pmax ?? defaults.pmax };
  }

  /** Forget every attribute (new registration). */
  clear(): void {
    this.#byPath.clear();
  }
}

function attrText(set: AttributeSet): string {
  return ATTRIBUTE_NAMES.filter((n) => set[n] !== undefined).map((n) => `;${n}=${set[n]}`).join('');
}

/**
 * Discover payload for `path` (levels 1-3) as Zephyr writes it: at object level the object
 * link (with `ver=` when announced and its attributes), each instance and each resource
 * without attributes; at instance level the instance and every resource with its attributes
 * and `dim=` for multiple resources; at resource level the resource (1.1: and its instances).
 */
export function discoverLinks(store: ObjectStore, attrs: AttributeStore, path: LwPath, options: { objectVersion?: string; listResourceInstances: boolean; hasDim?: boolean }): string {
  const [oid, iid, rid] = path;
  const object = store.object(oid!)!;
  const links: string[] = [];
  const link = (p: LwPath, extra = ''): void => { links.push(`<${formatPath(p)}>${extra}`); };
  if (iid === undefined) {
    link([oid!], `${options.objectVersion === undefined ? '' : `;ver=${options.objectVersion}`}${attrText(attrs.get([oid!]))}`);
    for (const i of store.instanceIds(oid!)) {
      link([oid!, i], attrText(attrs.get([oid!, i])));
      for (const r of object.def.resources) link([oid!, i, r.id]);
    }
    return links.join(',');
  }
  const instance = object.instances.get(iid)!;
  const dim = (r: ResourceDef): string => {
    const content = instance.get(r.id);
    return r.isMultiple && !isExecutable(r) && options.hasDim !== false ? `;dim=${content?.kind === 'multi' ? content.instances.size : 0}` : '';
  };
  if (rid === undefined) {
    link([oid!, iid], attrText(attrs.get([oid!, iid])));
    for (const r of object.def.resources) link([oid!, iid, r.id], `${dim(r)}${attrText(attrs.get([oid!, iid, r.id]))}`);
    return links.join(',');
  }
  const r = object.def.resources.find((x) => x.id === rid)!;
  link([oid!, iid, rid], `${dim(r)}${attrText(attrs.get([oid!, iid, rid]))}`);
  const content = instance.get(rid);
  if (options.listResourceInstances && content?.kind === 'multi') {
    for (const riid of [...content.instances.keys()].sort((a, b) => a - b)) link([oid!, iid, rid, riid], attrText(attrs.get([oid!, iid, rid, riid])));
  }
  return links.join(',');
}
