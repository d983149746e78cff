/**
 * The object set and values of Zephyr v4.0's `lwm2m_client` sample on native_sim, for the
 * LwM2M 1.0 build and the 1.1 build (`overlay-lwm2m-1.1.conf`): which objects are hosted, in
 * which order they are announced, which object versions are announced, and the resource values
 * the captures show (Device /3/0, Server /1/0, Firmware /5/0).
 * @see captures lwm2m-registrations.jsonl (register, read-3-0-*), lwm2m-operations.jsonl (read-5-0*)
 */
import type { ResourceType } from '../../codec/lwm2m/types.ts';
import { OBJECT_DEFS, type ObjectDef } from './definitions.ts';
import { type HostedObject, type InstanceData, type ObjectHooks, type ResourceContent, type ResourceValue } from './object-store.ts';

/** LwM2M enabler versions the simulator speaks. */
export type Lwm2mVersion = '1.0' | '1.1';

/** Typed value helpers. */
export const str = (value: string): ResourceValue => ({ type: 'string', value });
export const int = (value: number | bigint): ResourceValue => ({ type: 'integer', value: BigInt(value) });
export const uint = (value: number | bigint): ResourceValue => ({ type: 'unsigned', value: BigInt(value) });
export const bool = (value: boolean): ResourceValue => ({ type: 'boolean', value });
export const float = (value: number): ResourceValue => ({ type: 'float', value });
export const time = (value: number | bigint): ResourceValue => ({ type: 'time', value: BigInt(value) });

/** A single-value resource content. */
export const one = (value: ResourceValue | (() => ResourceValue)): ResourceContent => ({ kind: 'single', value });
/** A multiple-instance resource content with instances 0..n-1. */
export const many = (...values: ResourceValue[]): ResourceContent => ({ kind: 'multi', instances: new Map(values.map((v, i) => [i, v])) });

/** One object as announced: hosted object plus the `ver=` the Register payload carries. */
export interface AnnouncedObject {
  readonly object: HostedObject;
  /** `ver=` value in the Register payload, when Zephyr announces one. */
  readonly announcedVersion?: string;
  /** True for the Security object: hosted, never announced, refused to the DM server. */
  readonly isHidden?: boolean;
}

/** Values the sample's objects depend on. */
export interface SampleConfig {
  version: Lwm2mVersion;
  serverUri: string;
  lifetimeS: number;
  /** Milliseconds since the client started (drives /3/0/13 Current Time). */
  uptimeMs: () => number;
}

/** Hooks per object id, supplied by the client (executes, side effects). */
export type HooksByObject = ReadonlyMap<number, ObjectHooks>;

function hosted(def: ObjectDef, instances: [number, InstanceData][], hooks: HooksByObject, maxInstances = 1): HostedObject {
  return { def, instances: new Map(instances), maxInstances, hooks: hooks.get(def.id) ?? {} };
}

function data(entries: [number, ResourceContent][]): InstanceData {
  return new Map(entries);
}

function deviceInstance(config: SampleConfig): InstanceData {
  return data([
    [0, one(str('Zephyr'))], [1, one(str('OMA-LWM2M Sample Client'))], [2, one(str('345000123'))], [3, one(str('1.0'))],
    [6, many(int(1), int(5))], [7, many(int(3800), int(5000))], [8, many(int(125), int(900))],
    [9, one(int(95))], [10, one(int(15))], [11, many(int(0))],
    [13, one(() => time(Math.floor(config.uptimeMs() / 1000) + 1))],
    [14, one(str(''))], [15, one(str(''))], [16, one(str('U'))], [17, one(str('native_sim'))], [18, one(str('1.0.1'))],
    [19, one(str(''))], [20, one(int(1))], [21, one(int(25))], [22, { kind: 'multi', instances: new Map() }],
  ]);
}

function serverInstance(config: SampleConfig): InstanceData {
  const entries: [number, ResourceContent][] = [
    [0, one(int(1))], [1, one(int(config.lifetimeS))], [2, one(int(0))], [3, one(int(0))], [5, one(int(86400))],
    [6, one(bool(false))], [7, one(str('U'))],
  ];
  if (config.version === '1.1') {
    entries.push(
      [11, one(uint(0))], [12, one(time(0))], [13, one(uint(0))], [14, one(uint(0))], [15, one(bool(false))], [16, one(bool(false))],
      [17, one(uint(0))], [18, one(uint(0))], [19, one(uint(0))], [20, one(uint(0))], [21, one(bool(false))], [22, one(str(''))],
      [23, one(bool(false))],
    );
  }
  return data(entries);
}

function securityInstance(config: SampleConfig): InstanceData {
  const empty = { type: 'opaque', value: new Uint8Array(0) } as const;
  return data([
    [0, one(str(config.serverUri))], [1, one(bool(false))], [2, one(int(3))], [3, one(empty)], [4, one(empty)], [5, one(empty)],
    [10, one(int(1))], [11, one(int(0))],
  ]);
}

function sensorInstance(value: number, units: string): InstanceData {
  return data([
    [5700, one(float(value))], [5701, one(str(units))], [5601, one(float(value))], [5602, one(float(value))],
    [5603, one(float(-40))], [5604, one(float(85))],
  ]);
}

function connmonInstance(): InstanceData {
  return data([
    [0, one(int(41))], [1, many(int(41))], [2, one(int(-60))], [3, one(int(100))], [4, many(str('127.0.0.1'))],
    [5, many(str('127.0.0.1'))], [6, one(int(0))], [8, one(int(0))], [9, one(int(0))], [10, one(int(0))],
  ]);
}

/**
 * Firmware instance; State and Update Result read live from the state machine. `protocols` is
 * Firmware Update Protocol Support (/5/0/8; default CoAP only, as Zephyr reports it).
 */
export function firmwareInstance(state: () => number, result: () => number, uri: () => string, protocols: readonly number[] = [0]): InstanceData {
  return data([
    [1, one(() => str(uri()))], [3, one(() => int(state()))], [5, one(() => int(result()))], [6, one(str(''))], [7, one(str(''))],
    [8, many(...protocols.map((p) => int(p)))], [9, one(int(2))],
  ]);
}

/**
 * The sample's objects in Zephyr's registration order for the enabler version. `firmware`
 * is the live firmware instance (built by the client around its state machine).
 */
export function sampleObjects(config: SampleConfig, firmware: InstanceData, hooks: HooksByObject): AnnouncedObject[] {
  const is11 = config.version === '1.1';
  const d = OBJECT_DEFS;
  const out: AnnouncedObject[] = [{ object: hosted(d.security, [[0, securityInstance(config)]], hooks), isHidden: true }];
  if (is11) {
    out.push({ object: hosted(d.location, [[0, data([[0, one(float(0))], [1, one(float(0))], [2, one(float(0))], [5, one(time(0))]])]], hooks) });
    out.push({ object: hosted(d.connmon, [[0, connmonInstance()]], hooks) });
  }
  out.push({ object: hosted(d.device, [[0, deviceInstance(config)]], hooks), ...(is11 ? { announcedVersion: '1.0' } : {}) });
  out.push({ object: hosted(d.firmware, [[0, firmware]], hooks) });
  out.push({ object: hosted(is11 ? d.server11 : d.server10, [[0, serverInstance(config)]], hooks) });
  if (is11) for (const def of [d.accelerometer, d.pushButton, d.buzzer, d.genericSensor, d.humidity]) out.push({ object: hosted(def, [], hooks) });
  out.push({ object: hosted(d.lightControl, [[0, data([[5850, one(bool(false))], [5851, one(int(0))], [5852, one(int(0))], [5706, one(str(''))], [5701, one(str(''))]])]], hooks) });
  if (is11) for (const def of [d.pressure, d.onOffSwitch]) out.push({ object: hosted(def, [], hooks) });
  out.push({ object: hosted(d.temperature, [[0, sensorInstance(23.5, 'Cel')]], hooks) });
  out.push({ object: hosted(d.timer, [[0, data([[5521, one(float(0))], [5538, one(float(0))], [5850, one(bool(false))], [5526, one(int(0))], [5750, one(str(''))]])]], hooks) });
  return out;
}

/** Content formats a Zephyr build answers, by enabler version. */
export function supportedFormats(version: Lwm2mVersion): { read: readonly number[]; write: readonly number[]; defaultHierarchical: number } {
  // 1.0 build: text, opaque, link-format, OMA-TLV. 1.1 build: + SenML JSON/CBOR, CBOR; no TLV, no LwM2M CBOR
  // (captures lwm2m-registrations.jsonl read-3-0-accept-* notes).
  return version === '1.0'
    ? { read: [0, 42, 11542, 1542], write: [0, 42, 11542, 1542], defaultHierarchical: 11542 }
    : { read: [0, 42, 60, 110, 112], write: [0, 42, 60, 110, 112], defaultHierarchical: 112 };
}


/**
 * The Register/Update link-format payload as Zephyr writes it: 1.1 starts with `</>;ct=112`
 * (SenML CBOR preferred); an object without instances, or with a `ver=` to announce, gets its
 * own `</oid>` link; Security is never listed.
 */
export function registerLinks(objects: readonly AnnouncedObject[], version: Lwm2mVersion): string {
  const links = version === '1.1' ? ['</>;ct=112'] : [];
  for (const { object, announcedVersion, isHidden } of objects) {
    if (isHidden === true) continue;
    const iids = [...object.instances.keys()].sort((a, b) => a - b);
    if (announcedVersion !== undefined || iids.length === 0) links.push(`</${object.def.id}>${announcedVersion === undefined ? '' : `;ver=${announcedVersion}`}`);
    for (const iid of iids) links.push(`</${object.def.id}/${iid}>`);
  }
  return links.join(',');
}
