/**
 * Where a device-management request goes: the registered client's current address, its
 * alternate root path, and the resource types its announced object versions imply.
 * @see docs/spec/lwm2m.md §2.1, §2.4, §8
 */
import { parsePath, type Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { definitionTypeOf } from '../../codec/lwm2m/definitions/lookup.ts';
import type { ResourceTypeOf } from '../../codec/lwm2m/types.ts';
import type { Lwm2mRegistration } from './registration-types.ts';

/** A path as text (`/3/0/1`, sent as written even when out of range) or as ids. */
export type Lwm2mPathInput = string | Lwm2mPath;

/** A client to address: its endpoint name or a registration record. */
export type Lwm2mTarget = string | Lwm2mRegistration;

/** A request path resolved for one registration. */
export interface ResolvedPath {
  /** Uri-Path segments, alternate root first. */
  segments: string[];
  /** The LwM2M path, when the input is a valid one (payloads are decoded against it). */
  path: Lwm2mPath | undefined;
}

/** The resource types of a registration's announced objects, honouring their versions. */
export function registrationTypeOf(registration: Lwm2mRegistration): ResourceTypeOf {
  const versions = new Map<number, string>();
  for (const o of registration.content.objects) if (o.version !== undefined) versions.set(o.objectId, o.version);
  return definitionTypeOf(versions);
}

/** Uri-Path segments of the alternate root (`</lwm2m>;rt="oma.lwm2m"`), empty for `/`. */
export function rootSegments(registration: Lwm2mRegistration): string[] {
  return (registration.content.rootPath ?? '/').split('/').filter((s) => s.length > 0);
}

/** Resolve a path for a registration. */
export function resolvePath(registration: Lwm2mRegistration, input: Lwm2mPathInput): ResolvedPath {
  const own = typeof input === 'string' ? input.split('/').filter((s) => s.length > 0) : input.map(String);
  const parsed = typeof input === 'string' ? parsePath(input.startsWith('/') ? input : `/${input}`) : { ok: true as const, value: input };
  return { segments: [...rootSegments(registration), ...own], path: parsed.ok ? parsed.value : undefined };
}
